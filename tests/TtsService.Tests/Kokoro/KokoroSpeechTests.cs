using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Kokoro;

/// <summary>
/// Kokoro end to end over HTTP on the stand-in model: real espeak-ng phonemes, real vocabulary and
/// voices (when ../shared is present), real ONNX Runtime session. The stand-in's output is known in
/// closed form (<see cref="KokoroStandin"/>), so lengths and the style row chosen are checked exactly.
/// </summary>
public sealed class KokoroSpeechTests(LongInputKokoroService service) : IClassFixture<LongInputKokoroService>
{
    private readonly HttpClient _client = service.Client;

    private async Task<int[]> TokensOf(string text)
    {
        var body = await (await _client.PostAsJsonAsync("/dev/phonemize", new { text, language = "a" })).Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
    }

    private async Task<HttpResponseMessage> Speak(object body) => await _client.PostAsJsonAsync("/v1/audio/speech", body);

    [Fact]
    public async Task Ready_reports_kokoro_loaded()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/ready");
        var kokoro = body.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "kokoro");
        Assert.Equal("ready", kokoro.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Models_are_listed_in_openai_shape_and_fetched_by_id()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("list", list.GetProperty("object").GetString());
        var ids = list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("tts-1", ids);
        Assert.Contains("kokoro", ids);
        var one = await _client.GetFromJsonAsync<JsonElement>("/v1/models/tts-1-hd");
        Assert.Equal("tts-1-hd", one.GetProperty("id").GetString());
        Assert.Equal("model", one.GetProperty("object").GetString());
        var missing = await _client.GetAsync("/v1/models/gpt-9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(2.0f)]
    [InlineData(0.5f)]
    public async Task Wav_has_the_length_the_model_gives_for_the_phonemes_and_the_voice_row_for_their_count(float speed)
    {
        const string text = "The quick brown fox jumps over the lazy dog.";
        var tokens = await TokensOf(text);
        var response = await Speak(new { model = "tts-1", input = text, voice = "af_standin_low", response_format = "wav", speed, stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var probe = Ffmpeg.Probe(bytes);
        Assert.Equal(("pcm_s16le", 24000, 1), (probe.Codec, probe.SampleRate, probe.Channels));
        var samples = Ffmpeg.DecodeToFloat(bytes);
        Assert.Equal(KokoroStandin.SampleCount(tokens.Length + 2, speed), samples.Length);

        // Style row = voice[n − 1] for n phonemes (hexgrad/kokoro KPipeline.infer: pack[len(ps) - 1]):
        // the tone's frequency tells the row.
        var expected = KokoroStandin.Frequency(KokoroStandin.Style0("af_standin_low", Math.Min(tokens.Length - 1, 509)));
        var wrongRow = KokoroStandin.Frequency(KokoroStandin.Style0("af_standin_low", Math.Min(tokens.Length + 10, 509)));
        var measured = Ffmpeg.ToneFrequency(samples, 24000);
        Assert.InRange(measured, expected - 0.5, expected + 0.5);
        Assert.True(Math.Abs(wrongRow - expected) > 2, "the test voice must distinguish rows");
    }

    [Fact]
    public async Task Pcm_is_raw_16_bit_little_endian_of_the_same_length()
    {
        const string text = "Hello there, friend.";
        var tokens = await TokensOf(text);
        var response = await Speak(new { model = "kokoro", input = text, voice = "af_standin_high", response_format = "pcm" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/pcm", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(KokoroStandin.SampleCount(tokens.Length + 2, 1f) * 2, bytes.Length);
        var samples = Ffmpeg.DecodeToFloat(bytes, inputFormat: "s16le");
        Assert.InRange(samples.Max(), 0.45f, 0.51f); // the stand-in's 0.5 amplitude survives 16-bit conversion
    }

    [Fact]
    public async Task Streamed_wav_plays_and_carries_an_unknown_length_header()
    {
        var text = string.Join(' ', Enumerable.Repeat("This sentence is one of many in a longer text.", 12));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech")
        {
            Content = JsonContent.Create(new { model = "tts-1", input = text, voice = "af_standin_low", response_format = "wav", stream = true }),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0xFFFFFFFFu, BitConverter.ToUInt32(bytes, 4)); // RIFF size: unknown, as OpenAI streams it
        var samples = Ffmpeg.DecodeToFloat(bytes);
        Assert.Equal((bytes.Length - 44) / 2, samples.Length);
        Assert.True(samples.Length > 24000, "twelve sentences last more than a second");
    }

    [Fact]
    public async Task Voice_mixes_average_the_style_rows_with_their_weights()
    {
        const string text = "Mixing voices.";
        var tokens = await TokensOf(text);
        var row = Math.Min(tokens.Length - 1, 509);
        foreach (var (voice, weightLow) in new[] { ("af_standin_low+af_standin_high", 0.5f), ("af_standin_low(3)+af_standin_high(1)", 0.75f) })
        {
            var response = await Speak(new { input = text, voice, response_format = "wav", stream = false });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var samples = Ffmpeg.DecodeToFloat(await response.Content.ReadAsByteArrayAsync());
            var style0 = weightLow * KokoroStandin.Style0("af_standin_low", row) + (1 - weightLow) * KokoroStandin.Style0("af_standin_high", row);
            var expected = KokoroStandin.Frequency(style0);
            Assert.InRange(Ffmpeg.ToneFrequency(samples, 24000), expected - 0.5, expected + 0.5);
        }
    }

    [Fact]
    public async Task Long_input_is_split_and_every_sentence_is_spoken()
    {
        var sentence = "Every chunk must stay under the model's five hundred and ten token limit.";
        var text = string.Join(' ', Enumerable.Repeat(sentence, 60)); // ~4,400 characters, far above 510 tokens
        var perSentence = (await TokensOf(sentence)).Length;
        var response = await Speak(new { input = text, voice = "af_standin_low", response_format = "pcm", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = (await response.Content.ReadAsByteArrayAsync()).Length / 2;
        // Each sentence's phonemes are spoken once; chunk joins add only pads (and spaces), never drop a sentence.
        var lower = KokoroStandin.SampleCount(60 * perSentence, 1f);
        var upper = KokoroStandin.SampleCount(60 * (perSentence + 3), 1f);
        Assert.InRange(samples, lower, upper);
    }

    [Fact]
    public async Task A_pause_marker_adds_exactly_its_silence()
    {
        var first = await TokensOf("Hello there.");
        var second = await TokensOf("And again.");
        var response = await Speak(new { input = "Hello there. [pause:0.5s] And again.", voice = "af_standin_low", response_format = "pcm", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = Ffmpeg.DecodeToFloat(await response.Content.ReadAsByteArrayAsync(), inputFormat: "s16le");
        var speech1 = KokoroStandin.SampleCount(first.Length + 2, 1f);
        Assert.Equal(speech1 + 12000 + KokoroStandin.SampleCount(second.Length + 2, 1f), samples.Length);
        Assert.All(samples.AsSpan(speech1, 12000).ToArray(), s => Assert.Equal(0f, s));
        Assert.True(samples.AsSpan(speech1 + 12000, 2400).ToArray().Max() > 0.4f, "speech resumes after the pause");
    }

    [Fact]
    public async Task Sse_stream_format_sends_openai_delta_events_that_join_into_the_audio()
    {
        const string text = "Server sent events. Two sentences.";
        // The same calls as a raw stream (a stream's first call is short, so compare with a stream, not a whole file).
        var whole = await (await Speak(new { model = "gpt-4o-mini-tts", input = text, voice = "af_standin_low", response_format = "pcm", stream = true }))
            .Content.ReadAsByteArrayAsync();
        var response = await Speak(new { model = "gpt-4o-mini-tts", input = text, voice = "af_standin_low", response_format = "pcm", stream_format = "sse", instructions = "Speak calmly." });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Equal("speech.audio.done", events[^1].GetProperty("type").GetString());
        var deltas = events[..^1];
        Assert.NotEmpty(deltas);
        Assert.All(deltas, e => Assert.Equal("speech.audio.delta", e.GetProperty("type").GetString()));
        Assert.Equal(whole, deltas.SelectMany(e => Convert.FromBase64String(e.GetProperty("audio").GetString()!)).ToArray());

        var bad = await Speak(new { input = text, voice = "af_standin_low", stream_format = "websocket" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Unknown_voice_is_404_in_the_error_shape()
    {
        var response = await Speak(new { input = "Hello.", voice = "xx_nobody", response_format = "wav" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
        Assert.Equal("voice", error.GetProperty("param").GetString());
        Assert.Contains("xx_nobody", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("", "input")]
    [InlineData("   ", "input")]
    public async Task Empty_input_is_400(string input, string param)
    {
        var response = await Speak(new { input, voice = "af_standin_low" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Over_long_input_is_400_naming_the_limit()
    {
        var response = await Speak(new { input = new string('a', 6001), voice = "af_standin_low" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("6000", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(4.5f)]
    public async Task Speed_outside_the_range_is_400(float speed)
    {
        var response = await Speak(new { input = "Hello.", voice = "af_standin_low", speed });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("speed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Combine_returns_the_mixed_style_file_and_makes_it_usable_by_name()
    {
        var response = await _client.PostAsJsonAsync("/v1/audio/voices/combine", "af_standin_low+af_standin_high");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(510 * 256 * 4, bytes.Length);
        Assert.Equal((-1f + 0.5f) / 2, BitConverter.ToSingle(bytes, 0), 5); // row 0, style[0]
        var name = response.Headers.GetValues("X-Voice-Name").Single();
        var voices = await _client.GetFromJsonAsync<JsonElement>("/v1/audio/voices");
        Assert.Contains(name, voices.GetProperty("voices").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Speak(new { input = "Hi.", voice = name, response_format = "wav" })).StatusCode);
    }

    [Fact]
    public async Task Return_download_link_keeps_the_same_bytes_for_download()
    {
        var response = await Speak(new { input = "Keep a copy.", voice = "af_standin_low", response_format = "flac", stream = true, return_download_link = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var streamed = await response.Content.ReadAsByteArrayAsync();
        var path = response.Headers.GetValues("X-Download-Path").Single();
        Assert.Matches("^/v1/download/speech-[0-9a-f]{32}\\.flac$", path);
        var download = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("audio/flac", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(streamed, await download.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/v1/download/..%2F..%2Fappsettings.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/download/speech-{new string('0', 32)}.wav")).StatusCode);
    }

    /// <summary>The 165-character sentence: one sentence, one comma-free opening.</summary>
    private const string LongSentence = "After the long winter the people of the small northern town gathered by the river every evening " +
        "to talk about the harvest, the weather, and the plans they had for the summer";

    [Fact]
    public async Task A_streamed_long_sentence_starts_with_a_short_call_and_loses_no_phoneme()
    {
        var tokens = await TokensOf(LongSentence);
        var samplesPerToken = KokoroStandin.FramesPerToken(1f) * KokoroStandin.SamplesPerFrame;

        // A whole file: the sentence is one model call of T tokens plus the two pads.
        var whole = await Speak(new { input = LongSentence, voice = "af_standin_low", response_format = "pcm", stream = false });
        Assert.Equal(KokoroStandin.SampleCount(tokens.Length + 2, 1f), (await whole.Content.ReadAsByteArrayAsync()).Length / 2);

        // Streamed, with captions: one JSON line per model call, so the calls can be counted and measured.
        using var captioned = await _client.PostAsJsonAsync("/v1/audio/speech/captioned",
            new { input = LongSentence, voice = "af_standin_low", response_format = "pcm", stream = true });
        var lines = (await captioned.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var calls = lines.Select(l => Convert.FromBase64String(l.GetProperty("audio").GetString()!).Length / 2).Where(n => n > 0).ToList();
        Assert.InRange(calls.Count, 3, 5);
        Assert.All(calls, n => Assert.Equal(0, n % samplesPerToken));
        var schedule = TtsService.Inference.Kokoro.KokoroFrontend.StreamingSchedule;
        Assert.InRange(calls[0] / samplesPerToken - 2, schedule.FirstMin, schedule.FirstMax); // the first call: a few words
        for (var k = 1; k < calls.Count - 1; k++) Assert.True(calls[k] > calls[k - 1], "later calls grow");
        // Each cut drops the space it was made at and adds two pads: nothing else is lost or repeated.
        Assert.Equal(KokoroStandin.SampleCount(tokens.Length + 2 + (calls.Count - 1), 1f), calls.Sum());
        var words = lines.SelectMany(l => l.GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString())).ToList();
        Assert.Equal(LongSentence.Replace(",", "").Split(' '), words);

        // The plain streamed endpoint makes the same calls.
        var streamed = await Speak(new { input = LongSentence, voice = "af_standin_low", response_format = "pcm", stream = true });
        Assert.Equal(calls.Sum(), (await streamed.Content.ReadAsByteArrayAsync()).Length / 2);
    }

    [SkippableFact]
    public async Task The_official_OpenAI_SDK_gets_playable_audio()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage + " (OpenAI voice names map to real Kokoro voices)");
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(_client.BaseAddress!, "/v1"),
            Transport = new HttpClientPipelineTransport(_client),
        };
        var audio = new OpenAIClient(new ApiKeyCredential("unused"), options).GetAudioClient("tts-1");
        ClientResult<BinaryData> wav = await audio.GenerateSpeechAsync("Hello from the OpenAI SDK.", GeneratedSpeechVoice.Alloy,
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav, SpeedRatio = 1.0f });
        var samples = Ffmpeg.DecodeToFloat(wav.Value.ToArray());
        Assert.True(samples.Length > 2400);

        ClientResult<BinaryData> mp3 = await audio.GenerateSpeechAsync("And in MP3.", GeneratedSpeechVoice.Nova);
        Assert.Equal("mp3", Ffmpeg.Probe(mp3.Value.ToArray()).Codec);
    }

    [SkippableFact]
    public async Task Real_voices_are_listed_and_speak()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        var voices = await _client.GetFromJsonAsync<JsonElement>("/v1/audio/voices");
        var names = voices.GetProperty("voices").EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToList();
        Assert.Contains("af_heart", names);
        Assert.True(names.Count >= 54);
        var french = await Speak(new { input = "Bonjour.", voice = "ff_siwis", response_format = "wav" });
        Assert.Equal(HttpStatusCode.OK, french.StatusCode);
        Assert.True(Ffmpeg.DecodeToFloat(await french.Content.ReadAsByteArrayAsync()).Length > KokoroStandin.SamplesPerFrame, "ff_siwis spoke no audio");
    }
}
