using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Text;

/// <summary>The text front end seen from HTTP: phonemes after normalization, and word timestamps.</summary>
public sealed class FrontEndHttpTests(KokoroService service) : IClassFixture<KokoroService>
{
    private readonly HttpClient _client = service.Client;

    [Fact]
    public async Task Phonemize_normalizes_money_and_dates_first()
    {
        var body = await (await _client.PostAsJsonAsync("/dev/phonemize", new { text = "It costs $5.50 on 3/4/2025.", language = "a" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var phonemes = body.GetProperty("phonemes").GetString()!;
        Assert.DoesNotMatch("[0-9$]", phonemes);
        Assert.True(body.GetProperty("tokens").GetArrayLength() > 30, phonemes); // "five dollars and fifty cents on March fourth..." is long
        Assert.Contains("dˈɑləɹz", phonemes); // "dollars" as misaki writes it
    }

    [Fact]
    public async Task Captioned_speech_gives_each_word_the_frames_of_its_phonemes()
    {
        const string text = "The quick brown fox jumps over the lazy dog.";
        var phonemes = (await (await _client.PostAsJsonAsync("/dev/phonemize", new { text, language = "a" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("phonemes").GetString()!;
        var response = await _client.PostAsJsonAsync("/v1/audio/speech/captioned", new { input = text, voice = "af_standin_low", response_format = "wav", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("model_durations", body.GetProperty("timestamp_source").GetString());
        var audio = Ffmpeg.DecodeToFloat(Convert.FromBase64String(body.GetProperty("audio").GetString()!));
        var seconds = audio.Length / 24000.0;
        var words = body.GetProperty("timestamps").EnumerateArray()
            .Select(w => (Word: w.GetProperty("word").GetString()!, Start: w.GetProperty("start_time").GetDouble(), End: w.GetProperty("end_time").GetDouble())).ToList();

        Assert.Equal(["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"], words.Select(w => w.Word));
        for (var i = 0; i < words.Count; i++)
        {
            Assert.True(words[i].Start < words[i].End);
            Assert.True(words[i].End <= seconds + 1e-9);
            if (i > 0) Assert.True(words[i - 1].End <= words[i].Start);
        }
        // Stand-in: every token (pads included) lasts the same, so word k starts after 1 + (its offset in the phonemes) tokens.
        var secondsPerToken = KokoroStandin.FramesPerToken(1f) * KokoroStandin.SamplesPerFrame / 24000.0;
        var starts = phonemes.Select((c, i) => (c, i)).Where(p => p.c != ' ' && (p.i == 0 || phonemes[p.i - 1] == ' ')).Select(p => p.i).ToList();
        Assert.Equal(words.Count, starts.Count);
        for (var k = 0; k < words.Count; k++) Assert.Equal((1 + starts[k]) * secondsPerToken, words[k].Start, 9);
    }

    [Fact]
    public async Task Streamed_captions_stay_monotonic_across_chunk_joins()
    {
        var text = string.Join(' ', Enumerable.Range(1, 12).Select(i => $"Sentence number {i} has a few words in it."));
        using var response = await _client.PostAsJsonAsync("/dev/captioned_speech", new { input = text, voice = "af_standin_high", response_format = "pcm", stream = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 2, "several chunks");
        double last = 0, audioSeconds = 0;
        var count = 0;
        foreach (var line in lines)
        {
            var chunk = JsonDocument.Parse(line).RootElement;
            audioSeconds += Convert.FromBase64String(chunk.GetProperty("audio").GetString()!).Length / 2 / 24000.0;
            foreach (var w in chunk.GetProperty("timestamps").EnumerateArray())
            {
                var start = w.GetProperty("start_time").GetDouble();
                Assert.True(start >= last - 1e-9, $"{w} starts before {last}");
                last = w.GetProperty("end_time").GetDouble();
                count++;
            }
        }
        Assert.True(last <= audioSeconds + 1e-9);
        Assert.True(count >= 12 * 8);
    }
}
