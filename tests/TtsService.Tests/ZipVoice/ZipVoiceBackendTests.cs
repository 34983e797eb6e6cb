using TtsService.Text.Normalization;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Text.Espeak;
using TtsService.Voices;

namespace TtsService.Tests.ZipVoice;

public sealed class ZipVoiceBackendTests : IDisposable
{
    private readonly ZipVoiceTestModels _models = new();

    public void Dispose() => _models.Dispose();

    /// <summary>Built and loaded, as the host's start-up step (ModelLoader) does.</summary>
    private ZipVoiceBackend Backend(string variant = "zipvoice", int numSteps = 0, PromptCache? cache = null)
    {
        var settings = new TtsSettings { ModelsDir = _models.ModelsDir, ZipvoiceModel = variant, ZipvoiceNumSteps = numSteps };
        var backend = new ZipVoiceBackend(settings, new HostingEnvironment { ContentRootPath = _models.ModelsDir }, ZipVoiceTestModels.CpuSessions(),
            new InferenceLimiter(settings), new EspeakPhonemizer(), new EnglishTextNormalizer(), NullLogger<ZipVoiceBackend>.Instance, promptCache: cache);
        backend.LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        return backend;
    }

    [SkippableFact]
    public async Task Prompt_features_live_in_the_shared_prompt_cache_per_variant_and_clear_with_it()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(velocity: ZipVoiceVelocity.Target);
        var cache = new PromptCache(64 << 20);
        using var backend = Backend(cache: cache);
        var first = await Speak(backend, new ZipVoiceRequest("zipvoice", "Hi.", Prompt("url:abc"), Seed: 1));
        var key = PromptCache.FeaturesKey("url:abc", "zipvoice");
        Assert.True(cache.TryGet<ZipVoiceBackend.PromptFeatures>(key, out var features));
        Assert.True(features.Frames > 0);
        Assert.Equal(features.Features.LongLength * sizeof(float) + 64, cache.SizeBytes);

        // The same prompt again is served from the cache (same features object), and speaks the same.
        Assert.Equal(first, await Speak(backend, new ZipVoiceRequest("zipvoice", "Hi.", Prompt("url:abc"), Seed: 1)));
        Assert.True(cache.TryGet<ZipVoiceBackend.PromptFeatures>(key, out var again));
        Assert.Same(features, again);

        // cache_type=features and cache_type=url (its prompt's kind) both reach it.
        Assert.Equal(1, cache.Clear(PromptCache.FeaturesKind).Entries);
        await Speak(backend, new ZipVoiceRequest("zipvoice", "Hi.", Prompt("url:abc"), Seed: 1));
        Assert.Equal(1, cache.Clear("url").Entries);
        Assert.Equal(0, cache.Count);
    }

    /// <summary>1 s of a 0.05-amplitude tone: quieter than target_rms, so the output is scaled down.</summary>
    private static VoicePrompt Prompt(string key = "p1") =>
        new(Enumerable.Range(0, 24000).Select(i => 0.05f * MathF.Sin(2 * MathF.PI * 300 * i / 24000)).ToArray(), "Hello there.", key);

    private static async Task<float[]> Speak(ZipVoiceBackend backend, ZipVoiceRequest request)
    {
        var samples = new List<float>();
        await foreach (var chunk in backend.SynthesizeAsync(request, CancellationToken.None))
        {
            Assert.Equal(24000, chunk.SampleRate);
            samples.AddRange(chunk.Samples);
        }
        return samples.ToArray();
    }

    [SkippableFact]
    public async Task Target_field_speaks_the_closed_form_tones_at_the_prompt_level()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(velocity: ZipVoiceVelocity.Target);
        using var backend = Backend();
        Assert.Equal(BackendState.Ready, backend.Status.State);
        var audio = await Speak(backend, new ZipVoiceRequest("zipvoice", "Hi.", Prompt(), Seed: 1));

        // Features land on the text condition (0.4, 0.3) → mel (4, 3) after ÷ feat_scale → the Vocos
        // stand-in's two tones; then × prompt_rms / target_rms (prompt: tone + 0.2 s of appended silence).
        var promptRms = 0.05 / Math.Sqrt(2) * Math.Sqrt(24000.0 / 28800);
        var gain = promptRms / 0.1;
        Assert.True(audio.Length > 2000);
        // remove_silence ends the output on a whole millisecond as pydub does: up to 12 samples of silence may close it.
        Assert.Equal(0, audio.Length % 24);
        for (var n = 0; n < audio.Length - 12; n += 7)
            Assert.Equal(gain * VocosStandin.Expected(n, 0.4 / 0.1, 0.3 / 0.1), audio[n], 3);
    }

    [SkippableFact]
    public async Task Same_seed_gives_identical_audio_and_another_seed_differs()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(layout: ZipVoiceLayout.SherpaPack, velocity: ZipVoiceVelocity.Affine);
        using var backend = Backend();
        ZipVoiceRequest Request(long seed) => new("zipvoice", "Hello world. How are you today?", Prompt(), NumSteps: 4, Seed: seed);
        var a = await Speak(backend, Request(5));
        var b = await Speak(backend, Request(5));
        var c = await Speak(backend, Request(6));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [SkippableFact]
    public async Task Numbers_and_money_are_read_as_words_before_tokenizing()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(velocity: ZipVoiceVelocity.Target);
        using var backend = Backend();
        // The stand-in's length follows the token count: written and spelled-out forms must tokenize alike.
        var written = await Speak(backend, new ZipVoiceRequest("zipvoice", "It costs $5.50 today.", Prompt(), Seed: 1));
        var spelled = await Speak(backend, new ZipVoiceRequest("zipvoice", "It costs five dollars and fifty cents today.", Prompt(), Seed: 1));
        Assert.Equal(spelled.Length, written.Length);
    }

    [Fact]
    public void Num_steps_come_from_the_request_then_the_setting_then_the_variant()
    {
        // The 1–32 limit is checked where the number enters: SpeechRequest.Validate (BadInputTests) and TtsSettingsValidator.
        _models.Write();
        using var backend = Backend();
        Assert.Equal(16, backend.ResolveNumSteps("zipvoice", null));
        Assert.Equal(8, backend.ResolveNumSteps("zipvoice_distill", null));
        Assert.Equal(3, backend.ResolveNumSteps("zipvoice", 3));
        using var overridden = Backend(numSteps: 12);
        Assert.Equal(12, overridden.ResolveNumSteps("zipvoice_distill", null));
    }

    [Fact]
    public void Missing_model_leaves_the_backend_unavailable_naming_the_file()
    {
        using var backend = Backend();
        Assert.Equal(BackendState.Unavailable, backend.Status.State);
        Assert.Contains("text_encoder.onnx", backend.Status.Reason);
        var e = Assert.Throws<BackendUnavailableException>(() => backend.SynthesizeAsync(new ZipVoiceRequest("zipvoice", "Hi.", Prompt()), CancellationToken.None));
        Assert.Contains("text_encoder.onnx", e.Message);
    }

    [Fact]
    public void Missing_vocoder_is_named()
    {
        _models.Write();
        File.Delete(Path.Combine(_models.ModelsDir, "vocos", "vocos_24khz.onnx"));
        using var backend = Backend();
        Assert.Equal(BackendState.Unavailable, backend.Status.State);
        Assert.Contains("vocos_24khz.onnx", backend.Status.Reason);
    }

    [Fact]
    public void Dialog_variants_without_their_export_are_unavailable_with_a_reason()
    {
        _models.Write();
        using var backend = Backend();
        Assert.False(backend.IsVariantReady("zipvoice_dialog", out var reason));
        Assert.Contains("tools/export", reason);
        Assert.False(backend.IsVariantReady("zipvoice_dialog_stereo", out reason));
        Assert.Contains("tools/export", reason);
        Assert.False(backend.IsVariantReady("zipvoice_distill", out reason));
        Assert.Contains("zipvoice_distill", reason);
        Assert.True(backend.IsVariantReady("zipvoice", out _));
        Assert.Throws<BackendUnavailableException>(() => backend.SynthesizeAsync(new ZipVoiceRequest("zipvoice_dialog", "[S1] Hi.", Prompt()), CancellationToken.None));
    }
}
