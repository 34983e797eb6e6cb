using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Requests as clients of remsky/Kokoro-FastAPI and of OpenAI's speech API send them (field names, value
/// forms, routes) and the response shapes and headers those clients read, on the Kokoro stand-in.
/// </summary>
public sealed class CompatibilityTests(KokoroService service) : IClassFixture<KokoroService>
{
    private const string Low = "af_standin_low";
    private const string High = "af_standin_high";
    private readonly HttpClient _client = service.Client;

    private Task<HttpResponseMessage> PostJson(string path, string json) =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<byte[]> WavOf(string voiceJson, string extra = "")
    {
        var response = await PostJson("/v1/audio/speech",
            $$"""{"input": "Hello there.", "voice": {{voiceJson}}, "response_format": "wav", "stream": false{{extra}}}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{voiceJson}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

    [Fact]
    public async Task Fields_other_servers_send_are_accepted_and_unknown_ones_ignored()
    {
        // Kokoro-FastAPI's full OpenAISpeechRequest (newer fields included), OpenAI's extras, and a field nobody knows.
        var response = await PostJson("/v1/audio/speech", $$"""
            {"model": "kokoro", "input": "Hello there.", "voice": "{{Low}}", "response_format": "wav",
             "download_format": null, "speed": "1.0", "stream": false, "return_download_link": false, "return_timing": false,
             "lang_code": null, "volume_multiplier": 1.0, "allow_voice_tags": false, "ssml": false, "voice_aliases": null,
             "normalization_options": {"normalize": true, "unit_normalization": false, "url_normalization": true,
               "email_normalization": true, "optional_pluralization_normalization": true, "phone_normalization": true,
               "replace_remaining_symbols": true},
             "instructions": "Speak calmly.", "stream_format": "audio", "x_some_future_field": {"nested": [1, 2]} }
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await WavOf($"\"{Low}\""), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Voice_as_an_openai_object_a_list_or_a_mix_with_spaces_speaks_as_the_plain_string()
    {
        var single = await WavOf($"\"{Low}\"");
        Assert.Equal(single, await WavOf($$"""{"id": "{{Low}}"}"""));

        var mix = await WavOf($"\"{Low}+{High}\"");
        Assert.NotEqual(single, mix);
        Assert.Equal(mix, await WavOf($"\"{Low} + {High}\""));
        Assert.Equal(mix, await WavOf($"""["{Low}", "{High}"]"""));

        var weighted = await WavOf($"\"{Low}(2)+{High}(1)\"");
        Assert.NotEqual(mix, weighted);
        Assert.Equal(weighted, await WavOf($"\"{Low} (2) + {High} (1)\""));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("""{"name": "af_standin_low"}""")]
    [InlineData("""["af_standin_low", 3]""")]
    [InlineData("[]")]
    public async Task A_voice_of_another_shape_is_a_400_naming_voice(string voiceJson)
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": {{voiceJson}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("voice", (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Voices_list_has_kokoro_fastapi_id_name_objects_and_plain_names_with_legacy()
    {
        var voices = (await _client.GetFromJsonAsync<JsonElement>("/v1/audio/voices")).GetProperty("voices").EnumerateArray().ToList();
        var low = voices.Single(v => v.GetProperty("id").GetString() == Low);
        Assert.Equal(Low, low.GetProperty("name").GetString());

        var legacy = (await _client.GetFromJsonAsync<JsonElement>("/v1/audio/voices?legacy=true")).GetProperty("voices")
            .EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(voices.Select(v => v.GetProperty("id").GetString()).ToList(), legacy);
    }

    [Fact]
    public async Task Models_have_the_openai_entry_fields()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("list", list.GetProperty("object").GetString());
        var models = list.GetProperty("data").EnumerateArray().ToList();
        foreach (var id in new[] { "kokoro", "tts-1", "tts-1-hd", "gpt-4o-mini-tts" })
        {
            var model = models.Single(m => m.GetProperty("id").GetString() == id);
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.True(model.GetProperty("created").GetInt64() > 1_600_000_000);
            Assert.False(string.IsNullOrEmpty(model.GetProperty("owned_by").GetString()));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gpt-4o-mini-tts-2025-12-15")]
    [InlineData("tts-1-1106")]
    [InlineData("tts-1-hd-1106")]
    public async Task Absent_model_and_openai_snapshot_ids_speak_with_kokoro(string? model)
    {
        var modelField = model is null ? "" : $", \"model\": \"{model}\"";
        Assert.Equal(await WavOf($"\"{Low}\""), await WavOf($"\"{Low}\"", modelField));
    }

    [Fact]
    public async Task Unknown_model_is_a_404_in_the_openai_error_shape()
    {
        var response = await PostJson("/v1/audio/speech", """{"model": "gpt-9-tts", "input": "Hi.", "voice": "af_standin_low"}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.Contains("gpt-9-tts", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(4.0)]
    public async Task Speed_at_openai_bounds_is_accepted(double speed)
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": "{{Low}}", "response_format": "pcm", "speed": {{speed.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Streamed_audio_has_the_headers_proxies_and_players_need()
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Hello. World.", "voice": "{{Low}}", "response_format": "mp3"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("speech.mp3", response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType!.MediaType);

        var whole = await PostJson("/v1/audio/speech", $$"""{"input": "Hello.", "voice": "{{Low}}", "response_format": "flac", "stream": false}""");
        Assert.False(whole.Headers.Contains("X-Accel-Buffering"));
        Assert.True(whole.Headers.CacheControl!.NoCache);
        Assert.Equal("speech.flac", whole.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Download_format_saves_the_copy_in_its_own_format(bool stream)
    {
        var response = await PostJson("/v1/audio/speech", $$"""
            {"input": "Keep a copy. In another format.", "voice": "{{Low}}", "response_format": "wav", "download_format": "flac",
             "stream": {{(stream ? "true" : "false")}}, "return_download_link": true}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var wav = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("pcm_s16le", Ffmpeg.Probe(wav).Codec);
        var path = response.Headers.GetValues("X-Download-Path").Single();
        Assert.EndsWith(".flac", path);

        var download = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var flac = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal("flac", Ffmpeg.Probe(flac).Codec);
        // Both lossless from the same samples: the same audio, to 16-bit rounding.
        var fromWav = Ffmpeg.DecodeToFloat(wav);
        var fromFlac = Ffmpeg.DecodeToFloat(flac);
        Assert.Equal(fromWav.Length, fromFlac.Length);
        Assert.True(fromWav.Zip(fromFlac).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);
    }

    [Fact]
    public async Task An_unknown_download_format_is_a_400_naming_it()
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": "{{Low}}", "download_format": "m4a", "return_download_link": true}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("download_format", (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_client_that_prefixes_v1_to_the_download_path_gets_the_file_with_its_chosen_name()
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Keep it.", "voice": "{{Low}}", "response_format": "wav", "stream": false, "return_download_link": true}""");
        var body = await response.Content.ReadAsByteArrayAsync();
        var path = response.Headers.GetValues("X-Download-Path").Single();

        // Kokoro-FastAPI's web player fetches "/v1" + X-Download-Path.
        var prefixed = await _client.GetAsync("/v1" + path + "?name=" + Uri.EscapeDataString("My story: part 1.mp3"));
        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Equal(body, await prefixed.Content.ReadAsByteArrayAsync());
        Assert.Equal("My_story_part_1.wav", prefixed.Content.Headers.ContentDisposition!.FileName!.Trim('"'));

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/v1/download/speech-{new string('0', 32)}.wav")).StatusCode);
    }

    [Theory]
    [InlineData("en-us", "a")]
    [InlineData("EN-GB", "b")]
    [InlineData("a", "a")]
    public async Task Kokoro_lang_code_aliases_mean_their_letter(string alias, string letter)
    {
        Assert.Equal(await WavOf($"\"{Low}\"", $", \"lang_code\": \"{letter}\""), await WavOf($"\"{Low}\"", $", \"lang_code\": \"{alias}\""));

        var phonemes = await Phonemize(alias);
        Assert.Equal(await Phonemize(letter), phonemes);
    }

    private async Task<string> Phonemize(string language)
    {
        var response = await _client.PostAsJsonAsync("/dev/phonemize", new { text = "Hello world", language });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEmpty(body.GetProperty("tokens").EnumerateArray());
        return body.GetProperty("phonemes").GetString()!;
    }

    [Fact]
    public async Task An_unknown_lang_code_is_a_400()
    {
        var response = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": "{{Low}}", "lang_code": "xx-yy"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("lang_code", (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Combine_subtracts_after_a_minus_and_ignores_spaces_as_kokoro_fastapi_does()
    {
        // Row 0, style[0]: low is -1, high 0.5. Weights are normalized by their sum, then added or subtracted.
        var (minus, name) = await Combine($"\"{Low} - {High}\"");
        Assert.Equal((-1f - 0.5f) / 2, minus, 5);
        Assert.Equal($"{Low}-{High}", name);

        var (weighted, weightedName) = await Combine($"\"{Low}(3)-{High}(1)\"");
        Assert.Equal((3 * -1f - 0.5f) / 4, weighted, 5);
        Assert.Equal($"{Low}(3)-{High}", weightedName);

        // The mix speaks by its spec and by its registered name.
        Assert.Equal(await WavOf($"\"{Low}-{High}\""), await WavOf($"\"{name}\""));
        Assert.NotEqual(await WavOf($"\"{Low}+{High}\""), await WavOf($"\"{Low}-{High}\""));

        var (single, singleName) = await Combine($"\"{Low}\"");
        Assert.Equal(-1f, single, 5);
        Assert.Equal(Low, singleName);

        var leadingMinus = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": "-{{Low}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, leadingMinus.StatusCode);
        var empty = await PostJson("/v1/audio/speech", $$"""{"input": "Hi.", "voice": "{{Low}}++{{High}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    private async Task<(float Style0, string Name)> Combine(string bodyJson)
    {
        var response = await PostJson("/v1/audio/voices/combine", bodyJson);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(510 * 256 * 4, bytes.Length);
        return (BitConverter.ToSingle(bytes, 0), response.Headers.GetValues("X-Voice-Name").Single());
    }

    [Theory]
    [InlineData("/dev/captioned_speech")]
    [InlineData("/v1/audio/speech/captioned")]
    public async Task Captioned_speech_answers_kokoro_fastapi_readme_requests(string path)
    {
        // The README's non-streamed example, read the way it reads it.
        var response = await PostJson(path, $$"""
            {"model": "kokoro", "input": "Hello world! Again.", "voice": "{{Low}}", "speed": 1.0, "response_format": "mp3", "stream": false}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.Equal("speech.mp3", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("mp3", Ffmpeg.Probe(Convert.FromBase64String(body.GetProperty("audio").GetString()!)).Codec);
        Assert.Equal("mp3", body.GetProperty("audio_format").GetString());
        var words = body.GetProperty("timestamps").EnumerateArray().ToList();
        Assert.Equal(["Hello", "world", "Again"], words.Select(w => w.GetProperty("word").GetString()!.Trim('!', '.')).ToArray());
        Assert.All(words, w => Assert.True(w.GetProperty("end_time").GetDouble() > w.GetProperty("start_time").GetDouble()));

        // The streamed example: one JSON object per line, each with audio and its words.
        var streamed = await PostJson(path, $$"""{"input": "Hello world! Again.", "voice": "{{Low}}", "response_format": "mp3", "stream": true}""");
        Assert.Equal("no", streamed.Headers.GetValues("X-Accel-Buffering").Single());
        var lines = (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count >= 2);
        Assert.Equal(3, lines.Sum(l => l.GetProperty("timestamps").GetArrayLength()));
        Assert.All(lines, l => Assert.False(string.IsNullOrEmpty(l.GetProperty("audio").GetString())));
    }

    [Fact]
    public async Task Return_timestamps_false_returns_the_audio_without_words()
    {
        var response = await PostJson("/dev/captioned_speech", $$"""{"input": "Hello world.", "voice": "{{Low}}", "response_format": "wav", "stream": false, "return_timestamps": false}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, body.GetProperty("timestamps").GetArrayLength());
        var audio = Convert.FromBase64String(body.GetProperty("audio").GetString()!);
        var plain = await PostJson("/v1/audio/speech", $$"""{"input": "Hello world.", "voice": "{{Low}}", "response_format": "wav", "stream": false}""");
        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), audio);
        Assert.Equal(KokoroStandin.SampleRate, Ffmpeg.Probe(audio).SampleRate);
    }
}
