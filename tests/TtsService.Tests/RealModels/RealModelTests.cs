using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RealModelBench;
using TtsService.Inference.ZipVoice;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Tests.Infrastructure;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;

namespace TtsService.Tests.RealModels;

/// <summary>
/// Opt-in: the service on real-size models (the real weights, or tools/realshape's random-weight exports),
/// from <c>TTS_REAL_MODELS_DIR</c>, assembled into the layout the service reads as bench/RealModelBench does
/// (Kokoro vocabulary and voices from <c>TTS_SHARED_KOKORO</c> or ../shared/models/kokoro when the folder has none).
/// The host starts once for the class; every backend found there speaks through HTTP.
/// </summary>
public sealed class RealModelsFixture : IAsyncLifetime
{
    public const string Variable = "TTS_REAL_MODELS_DIR";

    private readonly string? _dir;
    private readonly Lazy<ServiceFactory> _factory;

    public RealModelsFixture()
    {
        var modelsDir = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(modelsDir))
        {
            SkipReason = $"{Variable} is not set: point it at a models folder (real, or tools/realshape output) to run the real-model tests.";
            _factory = new(() => throw new InvalidOperationException(SkipReason));
            return;
        }
        _dir = Directory.CreateTempSubdirectory("tts-real-models-").FullName;
        var shared = Environment.GetEnvironmentVariable("TTS_SHARED_KOKORO") ?? SharedAssets.KokoroDir ?? RealModelAssets.FindSharedKokoro(modelsDir);
        Layout = RealModelAssets.Assemble(modelsDir, shared, Path.Combine(_dir, "models"));
        _factory = new(() => ServiceFactory.WithModels(Layout.ServiceDir, ("max_concurrent_inferences", "1")));
    }

    public string? SkipReason { get; }
    public RealModelAssets.Layout? Layout { get; }
    public HttpClient Client => _client ??= _factory.Value.CreateClient();
    private HttpClient? _client;

    /// <summary>The espeak-ng prompt, 3.0 s (made once).</summary>
    public byte[] Prompt => _prompt ??= RealModelAssets.MakePrompt();
    private byte[]? _prompt;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory.IsValueCreated) await _factory.Value.DisposeAsync();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }
}

public sealed class RealModelTests(RealModelsFixture models) : IClassFixture<RealModelsFixture>
{
    private const string KokoroText = "The lake was calm this morning, and the boats stayed at the dock.";
    private const string ZipVoiceText = "The boats stayed at the dock all morning.";

    private void SkipUnlessConfigured()
    {
        Skip.If(models.SkipReason is not null, models.SkipReason);
        Skip.IfNot(Ffmpeg.HasTool("ffmpeg"), "ffmpeg is not installed");
    }

    private void SkipUnlessBackend(string backend)
    {
        SkipUnlessConfigured();
        var found = backend == "kokoro" ? models.Layout!.KokoroModel is not null : models.Layout!.Variants.Contains(backend);
        Skip.IfNot(found, $"{backend} is not in {RealModelsFixture.Variable}");
        if (backend != "kokoro") Skip.IfNot(Ffmpeg.HasTool("espeak-ng"), "espeak-ng (the prompt's voice) is not installed");
    }

    private async Task<byte[]> Speak(string backend, string format, string? text = null)
    {
        var kokoro = backend == "kokoro";
        object body = kokoro
            ? new Dictionary<string, object> { ["model"] = "kokoro", ["input"] = text ?? KokoroText, ["voice"] = "af_heart", ["response_format"] = format, ["stream"] = false }
            : new Dictionary<string, object>
            {
                ["model"] = backend, ["input"] = text ?? ZipVoiceText, ["voice"] = "base64+" + Convert.ToBase64String(models.Prompt),
                ["prompt_text"] = RealModelAssets.PromptText, ["num_steps"] = 2, ["seed"] = 7, ["response_format"] = format, ["stream"] = false,
            };
        var response = await models.Client.PostAsJsonAsync(kokoro ? "/v1/audio/speech" : "/v1/zipvoice/audio/speech", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{backend} {format}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The wav decoded by ffmpeg: 24 kHz, finite, not silent.</summary>
    private static float[] SpeechSamples(byte[] wav, string what)
    {
        var probe = Ffmpeg.Probe(wav);
        Assert.Equal(("pcm_s16le", 24000, 1), (probe.Codec, probe.SampleRate, probe.Channels));
        var samples = Ffmpeg.DecodeToFloat(wav);
        Assert.True(samples.Length > 2400, $"{what}: {samples.Length} samples");
        Assert.All(samples, s => Assert.True(float.IsFinite(s)));
        Assert.True(samples.Max(MathF.Abs) > 1e-3f, $"{what}: silent");
        return samples;
    }

    [SkippableFact]
    public async Task Ready_reports_every_backend_found_in_the_folder()
    {
        SkipUnlessConfigured();
        var body = await models.Client.GetFromJsonAsync<JsonElement>("/ready");
        var states = body.GetProperty("backends").EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!, b => b.GetProperty("state").GetString());
        if (models.Layout!.KokoroModel is not null) Assert.Equal("ready", states["kokoro"]);
        if (models.Layout.Variants.Count > 0) Assert.Equal("ready", states["zipvoice"]);
    }

    [SkippableFact]
    public async Task Kokoro_speaks_for_a_duration_its_phoneme_tokens_allow()
    {
        SkipUnlessBackend("kokoro");
        var phonemized = await (await models.Client.PostAsJsonAsync("/dev/phonemize", new { text = KokoroText, language = "a" })).Content.ReadFromJsonAsync<JsonElement>();
        var tokens = phonemized.GetProperty("tokens").GetArrayLength();
        var seconds = SpeechSamples(await Speak("kokoro", "wav"), "kokoro").Length / 24000.0;
        Assert.InRange(seconds / tokens, 0.02, 0.3);
    }

    [SkippableTheory]
    [InlineData("zipvoice")]
    [InlineData("zipvoice_distill")]
    public async Task ZipVoice_speaks_for_the_duration_the_prompt_rate_gives(string variant)
    {
        SkipUnlessBackend(variant);
        var seconds = SpeechSamples(await Speak(variant, "wav"), variant).Length / 24000.0;

        // Upstream's length rule: the text gets as many frames per token as the prompt has.
        var tokenizer = new EmiliaTokenizer(ZipVoiceTokens.Load(Path.Combine(models.Layout!.VariantDir(variant), "tokens.txt")), new EspeakPhonemizer(), null);
        var normalizer = new EnglishTextNormalizer();
        int Count(string text) => tokenizer.TextToTokens(ZipVoiceChunker.AddPunctuation(normalizer.Normalize(text, NormalizationOptions.Default))).Count;
        var expected = RealModelAssets.PromptSeconds / Count(RealModelAssets.PromptText) * Count(ZipVoiceText);
        Assert.InRange(seconds, expected * 0.75, expected * 1.25);
    }

    [SkippableTheory]
    [InlineData("kokoro")]
    [InlineData("zipvoice")]
    [InlineData("zipvoice_distill")]
    public async Task Every_output_format_decodes_with_ffmpeg(string backend)
    {
        SkipUnlessBackend(backend);
        const string text = "Every format should decode.";
        var reference = SpeechSamples(await Speak(backend, "wav", text), backend).Length / 24000.0;
        foreach (var format in TestFormats.Names)
        {
            var bytes = await Speak(backend, format, text);
            Assert.Equal("", Ffmpeg.DecodeMessages(bytes, format == "pcm" ? "s16le" : null));
            var samples = Ffmpeg.DecodeToFloat(bytes, 24000, format == "pcm" ? "s16le" : null);
            Assert.All(samples, s => Assert.True(float.IsFinite(s)));
            // Same request, same seed: the same speech, give or take the codecs' padding.
            Assert.InRange(samples.Length / 24000.0, reference - 0.1, reference + 0.15);
        }
    }

    [SkippableFact]
    public async Task Every_other_endpoint_that_uses_a_model_answers_with_audio()
    {
        SkipUnlessBackend("kokoro");
        var client = models.Client;
        async Task<byte[]> Ok(HttpResponseMessage response, string what)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadAsByteArrayAsync();
        }

        // A stream (short first call, then growing ones) of a sentence longer than the first call.
        var streamed = await Ok(await client.PostAsJsonAsync("/v1/audio/speech",
            new { model = "tts-1", input = KokoroText, voice = "af_heart", response_format = "wav", stream = true }), "streamed kokoro");
        SpeechSamples(streamed, "streamed kokoro");

        var captioned = JsonDocument.Parse(await Ok(await client.PostAsJsonAsync("/v1/audio/speech/captioned",
            new { input = KokoroText, voice = "af_heart", response_format = "wav", stream = false }), "captioned")).RootElement;
        SpeechSamples(Convert.FromBase64String(captioned.GetProperty("audio").GetString()!), "captioned");
        Assert.True(captioned.GetProperty("timestamps").GetArrayLength() >= 10);

        var phonemes = (await (await client.PostAsJsonAsync("/dev/phonemize", new { text = "Hello there.", language = "a" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("phonemes").GetString();
        SpeechSamples(await Ok(await client.PostAsJsonAsync("/dev/generate_from_phonemes",
            new { phonemes, voice = "af_heart", response_format = "wav", stream = false }), "generate_from_phonemes"), "generate_from_phonemes");

        var variant = new[] { "zipvoice_distill", "zipvoice" }.FirstOrDefault(models.Layout!.Variants.Contains);
        Skip.If(variant is null, $"no ZipVoice variant in {RealModelsFixture.Variable}");
        Skip.IfNot(Ffmpeg.HasTool("espeak-ng"), "espeak-ng (the prompt's voice) is not installed");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("realmodel"), "name" },
            { new StringContent(RealModelAssets.PromptText), "transcription" },
            { new StringContent("true"), "overwrite" },
            { new ByteArrayContent(models.Prompt), "audio_file", "prompt.wav" },
        };
        var registered = await client.PostAsync("/v1/zipvoice/voices/register", form);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        // The registered voice on OpenAI's route, streamed as a client would play it.
        SpeechSamples(await Ok(await client.PostAsJsonAsync("/v1/audio/speech",
            new { model = variant, input = ZipVoiceText, voice = "realmodel", num_steps = 2, seed = 7, response_format = "wav", stream = true }), "zipvoice on /v1/audio/speech"),
            "zipvoice on /v1/audio/speech");
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("/v1/zipvoice/voices/realmodel")).StatusCode);
    }
}
