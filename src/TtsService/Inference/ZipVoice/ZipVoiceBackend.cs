using System.Diagnostics;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TtsService.Configuration;
using TtsService.Speech;
using TtsService.Errors;
using TtsService.Inference.Vocoder;
using TtsService.Inference.ZipVoice.Dialog;
using TtsService.Observability;
using TtsService.Text;
using TtsService.Voices;

namespace TtsService.Inference.ZipVoice;

/// <summary>
/// The ZipVoice zero-shot cloning backend. At start-up it loads the variant named by
/// <c>zipvoice_model</c>; other variants load on first use when their files are present. A missing or
/// broken file leaves the backend (or that variant) unavailable with a reason naming the file; the
/// host keeps running. The pipeline per request is <c>generate_sentence</c> of k2-fsa/ZipVoice
/// <c>zipvoice/bin/infer_zipvoice_onnx.py</c>: prompt silence removal and RMS normalisation, log-mel
/// × feat_scale, tokens, chunking at punctuation, text encoder + Euler sampler per chunk, vocoder,
/// clamp and level restore, cross-fade joins, edge (and optionally long inner) silence removal.
/// </summary>
public sealed partial class ZipVoiceBackend : IZipVoiceSynthesizer, IDisposable
{
    private static IReadOnlyList<string> ModelIds => ModelCatalog.ZipVoiceModels;

    /// <summary>
    /// A streamed response's calls: the first sentence's opening word or two (6–12 tokens, about 0.6 s of
    /// speech) alone, then the rest of the chunk in one call. Every call repeats the prompt's frames, and a
    /// decoder pass over a 3 s prompt plus 0.4 s costs about a fifth of one over the prompt plus 10 s
    /// (realshape graphs, 1 thread), so the first call is as short as a word allows and there is only one more.
    /// </summary>
    public static readonly ChunkSchedule StreamingSchedule = new(FirstMin: 6, FirstMax: 12, Growth: 1000, Max: int.MaxValue);

    /// <summary>Accepted range of num_steps (the API contract).</summary>

    private readonly ITextNormalizer _normalizer;
    private readonly TtsSettings _settings;
    private readonly OnnxSessions _sessions;
    private readonly InferenceLimiter _limiter;
    private readonly IPhonemizer _phonemizer;
    private readonly ILogger<ZipVoiceBackend> _logger;
    private readonly string _modelsDir;
    private readonly Dictionary<string, VariantSlot> _variants = new();
    private readonly Lock _variantsLock = new();
    private Timer? _unloadTimer;
    private readonly ConcurrentDictionary<string, VocosVocoder> _vocoders = new();
    private readonly PromptCache _promptCache;
    // Loading until LoadAsync has loaded the default variant (or found why it cannot).
    private volatile BackendStatus _status;
    private readonly IVoicePromptResolver? _prompts;

    public string Name => ModelCatalog.ZipVoice;
    public string DefaultVariant { get; }

    public ZipVoiceBackend(TtsSettings settings, IHostEnvironment environment, OnnxSessions sessions, InferenceLimiter limiter,
        IPhonemizer phonemizer, ITextNormalizer normalizer, ILogger<ZipVoiceBackend> logger,
        IVoicePromptResolver? prompts = null, PromptCache? promptCache = null)
    {
        _prompts = prompts;
        // Features live in the service's shared prompt cache (bounded by zipvoice_prompt_cache_mb, cleared by
        // /v1/zipvoice/voices/cache/clear, dropped with their voice when it changes); a private one when built alone.
        _promptCache = promptCache ?? new PromptCache(64L << 20);
        _normalizer = normalizer;
        _settings = settings;
        _sessions = sessions;
        _limiter = limiter;
        _phonemizer = phonemizer;
        _logger = logger;
        _modelsDir = settings.ResolvePath(environment.ContentRootPath, settings.ModelsDir);
        // Validated at start-up (TtsSettingsValidator): one of ModelCatalog.ZipVoiceModels.
        DefaultVariant = settings.ZipvoiceModel.Trim().ToLowerInvariant();
        _status = settings.EnableZipvoice
            ? new BackendStatus(Name, BackendState.Loading, $"loading {DefaultVariant}", ModelIds)
            : new BackendStatus(Name, BackendState.Disabled, "enable_zipvoice=false", ModelIds);
    }

    /// <summary>Loads the default variant (others load on first use) and starts the idle unloader; on a pool thread.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) =>
        _status.State == BackendState.Loading ? Task.Run(LoadDefault, cancellationToken) : Task.CompletedTask;

    private void LoadDefault()
    {
        var (variant, error) = Get(DefaultVariant);
        _status = variant is not null
            ? new BackendStatus(Name, BackendState.Ready, null, ModelIds) { Device = variant.Model.OnCuda && variant.Vocoder.OnCuda ? "cuda" : "cpu" }
            : new BackendStatus(Name, BackendState.Unavailable, error, ModelIds);
        if (_settings.ZipvoiceUnloadIdleMinutes > 0)
        {
            var period = TimeSpan.FromMinutes(Math.Clamp(_settings.ZipvoiceUnloadIdleMinutes / 4, 1.0 / 60, 1));
            _unloadTimer = new Timer(_ => UnloadIdle(TimeSpan.FromMinutes(_settings.ZipvoiceUnloadIdleMinutes)), null, period, period);
        }
    }

    /// <summary>
    /// A variant's load (or the reason it cannot load) and the requests using it. Variants other than the
    /// default are unloaded when unused for <c>zipvoice_unload_idle_minutes</c>: a 123M-parameter decoder
    /// holds about 0.5 GB, and most servers use one variant.
    /// </summary>
    private sealed class VariantSlot(Func<(ZipVoiceVariant?, string?)> load)
    {
        public readonly Lazy<(ZipVoiceVariant? Variant, string? Error)> Load = new(load);
        /// <summary>Requests synthesizing with it; guarded by the backend's lock.</summary>
        public int Users;
        public long LastUsed = Stopwatch.GetTimestamp();
    }

    /// <summary>Loaded variants, for /ready and tests.</summary>
    public IReadOnlyList<string> LoadedVariants
    {
        get { lock (_variantsLock) return _variants.Where(v => v.Value.Load.IsValueCreated && v.Value.Load.Value.Variant is not null).Select(v => v.Key).ToList(); }
    }

    /// <summary>Unloads variants (not the default) that nobody used for <paramref name="idle"/>.</summary>
    internal void UnloadIdle(TimeSpan idle)
    {
        var unloaded = new List<(string Name, ZipVoiceVariant Variant)>();
        lock (_variantsLock)
        {
            foreach (var (name, slot) in _variants.ToList())
            {
                if (name == DefaultVariant || slot.Users > 0 || !slot.Load.IsValueCreated || slot.Load.Value.Variant is not { } variant) continue;
                if (Stopwatch.GetElapsedTime(slot.LastUsed) < idle) continue;
                _variants.Remove(name);
                unloaded.Add((name, variant));
            }
        }
        // Nobody holds these any more, and a new request loads a fresh copy.
        foreach (var (name, variant) in unloaded)
        {
            variant.Dispose();
            _logger.LogInformation("ZipVoice {Variant} unloaded after {Minutes} idle minutes", name, idle.TotalMinutes);
        }
    }

    private VariantSlot Slot(string model)
    {
        lock (_variantsLock)
        {
            if (!_variants.TryGetValue(model, out var slot)) _variants[model] = slot = new VariantSlot(() => Load(model));
            slot.LastUsed = Stopwatch.GetTimestamp();
            return slot;
        }
    }

    /// <summary>Holds <paramref name="model"/> loaded while a request synthesizes with it; <c>Alone</c>: no other request of any variant runs.</summary>
    private (ZipVoiceVariant? Variant, VariantSlot Slot) Acquire(string model)
    {
        VariantSlot slot;
        lock (_variantsLock)
        {
            slot = Slot(model);
            slot.Users++;
        }
        return (slot.Load.Value.Variant, slot);
    }

    private void Release(VariantSlot slot)
    {
        lock (_variantsLock)
        {
            slot.Users--;
            slot.LastUsed = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>When ready, lists only the variants that can load (<see cref="InstalledVariants"/>): /v1/models and /ready read it.</summary>
    public BackendStatus Status => _status.State == BackendState.Ready ? _status with { Models = InstalledVariants() } : _status;

    public bool Handles(string modelId) => ModelIds.Contains(modelId);

    public bool IsVariantReady(string model, out string? reason)
    {
        if (_status.State == BackendState.Disabled) { reason = "enable_zipvoice=false"; return false; }
        var (variant, error) = Get(model.Trim().ToLowerInvariant());
        reason = error;
        return variant is not null;
    }

    /// <summary>The loaded variant, or the reason it cannot load (cached either way).</summary>
    private (ZipVoiceVariant? Variant, string? Error) Get(string model)
    {
        if (!ModelIds.Contains(model)) return (null, $"Unknown ZipVoice model '{model}'. Known: {string.Join(", ", ModelIds)}.");
        return Slot(model).Load.Value;
    }

    /// <summary>The variant the backend synthesizes with (loaded if need be), or null: tests reach its sampler through it.</summary>
    internal ZipVoiceVariant? LoadedVariant(string model) => Get(model.Trim().ToLowerInvariant()).Variant;

    private (ZipVoiceVariant?, string?) Load(string model)
    {
        try
        {
            ZipVoiceFiles files;
            try { files = ZipVoiceVariant.Locate(_modelsDir, model); }
            catch (FileNotFoundException) when (ZipVoiceVariant.IsDialogName(model))
            {
                return (null, $"{model} is not installed: k2-fsa/ZipVoice publishes only its PyTorch checkpoint. Export it with tools/export " +
                              $"(models/download.sh dialog does both) into {ZipVoiceVariant.CandidateDirectories(_modelsDir, model)[0]}: text_encoder.onnx, fm_decoder.onnx, tokens.txt.");
            }
            var variant = ZipVoiceVariant.Load(model, files, _sessions, _phonemizer,
                path => _vocoders.GetOrAdd(path, p => new VocosVocoder(p, _sessions)), _logger);
            _logger.LogInformation("ZipVoice {Variant} ready from {Dir} ({Layout}): feat_dim {FeatDim}, {Tokens} tokens, Chinese: {Chinese}, device state: {Device}",
                model, files.Directory, files.IsSherpaPack ? "sherpa-onnx pack" : "ZipVoice export", variant.Metadata.FeatDim,
                variant.Tokenizer.Tokens.Count, variant.Tokenizer.ChineseSource, variant.Sampler.OnDevice ? "CUDA" : "host");
            return (variant, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException
                                      or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or System.Text.Json.JsonException)
        {
            _logger.LogWarning("ZipVoice {Variant} unavailable: {Reason}", model, e.Message);
            return (null, e.Message);
        }
    }

    /// <summary>The settings-level step count: the request's, else <c>zipvoice_num_steps</c>, else the variant's default.</summary>
    public int ResolveNumSteps(string model, int? requested)
    {
        // Both limits are checked where they enter: the request (SpeechRequest.Validate) and the setting (TtsSettingsValidator).
        return requested ?? (_settings.ZipvoiceNumSteps > 0 ? _settings.ZipvoiceNumSteps : ZipVoiceVariant.DefaultsFor(model).NumSteps);
    }

    public IAsyncEnumerable<AudioChunk> SpeakAsync(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken) =>
        ZipVoiceSpeech.SpeakAsync(this, _prompts ?? throw new InvalidOperationException("ZipVoiceBackend was built without a prompt resolver."),
            request, work, cancellationToken);

    public IAsyncEnumerable<AudioChunk> SynthesizeAsync(ZipVoiceRequest request, CancellationToken cancellationToken)
    {
        var model = request.Model.Trim().ToLowerInvariant();
        if (_status.State == BackendState.Disabled)
            throw new BackendUnavailableException("The zipvoice backend is disabled by configuration (enable_zipvoice=false).", "model", "backend_disabled");
        var (variant, error) = Get(model);
        if (variant is null) throw new BackendUnavailableException($"ZipVoice model '{model}' is unavailable: {error}", "model", "model_unavailable");
        if (string.IsNullOrWhiteSpace(request.Text)) throw new InvalidRequestException("input is empty.", "input");
        if (string.IsNullOrWhiteSpace(request.Prompt.Transcript)) throw new InvalidRequestException("prompt_text (the prompt's transcript) is empty.", "prompt_text");
        var options = new SamplerOptions(
            ResolveNumSteps(model, request.NumSteps),
            request.GuidanceScale ?? variant.Defaults.GuidanceScale,
            request.TShift ?? 0.5f,
            request.Seed ?? Random.Shared.NextInt64());
        if (variant.IsDialog) return SynthesizeDialog(variant, request, options, cancellationToken);
        if (request.SecondPrompt is not null || DialogText.HasSpeakerMarks(request.Text))
            throw DialogToSingleSpeakerModel(model);

        // Tokenize and chunk eagerly so a bad request fails before any audio is promised.
        PromptFeatures prompt;
        long[] promptIds;
        int maxTokens;
        List<List<string>> sentences;
        var textSpan = SpeechTracing.Source.StartActivity(SpeechTracing.TextFrontEnd)?.SetTag("tts.backend", Name);
        try
        {
            prompt = PromptFor(variant, request.Prompt);
            // Upstream normalizes English (numbers through inflect) before tokenizing; ours reads numbers, money,
            // dates and more, and leaves text that is mostly not Latin script (Chinese) as it is.
            var promptTokens = variant.Tokenizer.TextToTokens(ZipVoiceChunker.AddPunctuation(_normalizer.Normalize(request.Prompt.Transcript, NormalizationOptions.Default)));
            promptIds = variant.Tokenizer.TokensToIds(promptTokens);
            if (promptIds.Length == 0) throw new InvalidRequestException("prompt_text gives no tokens this model knows.", "prompt_text");
            var textTokens = variant.Tokenizer.TextToTokens(ZipVoiceChunker.AddPunctuation(_normalizer.Normalize(request.Text, NormalizationOptions.Default)));
            maxTokens = ZipVoiceChunker.MaxTokens(prompt.Seconds, promptTokens.Count, request.Speed,
                request.MaxDuration is > 0 ? request.MaxDuration.Value : ZipVoiceChunker.ChunkSeconds);
            sentences = ZipVoiceChunker.Chunk(textTokens, maxTokens);
            if (variant.Tokenizer.TokensToIds(textTokens).Length == 0) throw new InvalidRequestException("input gives no tokens this model knows.", "input");
        }
        finally { textSpan?.Dispose(); }
        var removeLongSilence = request.RemoveLongSilence ?? _settings.ZipvoiceRemoveLongSilence;
        var earlyCut = request.Stream && _settings.ZipvoiceStreamFirstWords ? StreamingSchedule with { Max = maxTokens } : null;
        return Run(variant, prompt, promptIds, sentences, earlyCut, request.Speed, options, removeLongSilence, request.Work, cancellationToken);
    }

    /// <param name="earlyCut">A stream's schedule: used when this request has the server to itself.</param>
    /// <param name="turns">A dialogue's speaker turns per chunk (for captions); null otherwise.</param>
    private async IAsyncEnumerable<AudioChunk> Run(ZipVoiceVariant variant, PromptFeatures prompt, long[] promptIds,
        List<List<string>> sentences, ChunkSchedule? earlyCut, float speed, SamplerOptions options, bool removeLongSilence,
        SpeechWork? work, [EnumeratorCancellation] CancellationToken cancellationToken, List<List<SpeakerTurn>>? turns = null)
    {
        // Hold the variant loaded while this request runs (the idle unloader skips it). Should it have been unloaded
        // since the request was tokenized, this reloads the same files.
        var (held, slot) = Acquire(variant.Name);
        using var lease = _limiter.BeginRequest(work);
        try
        {
            if (held is null) throw new BackendUnavailableException($"ZipVoice model '{variant.Name}' could not be reloaded.", "model", "model_unavailable");
            // The early call repeats the prompt. When it can run beside the rest (a core left idle by a 1-thread call, or
            // a GPU) it costs about 5% of the whole and buys first audio in a quarter of the time. Run one after the other
            // on all the cores it would cost a third more, for a first word followed by a stall (CPU ZipVoice runs slower
            // than real time); beside other requests it would slow them all. Whole sentences then. "Alone" is decided
            // once, when the request begins (InferenceLimiter.BeginRequest), so two requests arriving together do not
            // both take it.
            var overlaps = lease.CallsInFlight >= 2 || held.Sampler.OnDevice;
            if (earlyCut is not null && lease.MayRunAhead && overlaps) sentences = ZipVoiceChunker.CutForStreaming(sentences, earlyCut);
            var chunks = sentences
                .Select((c, i) => (Tokens: c, Ids: held.Tokenizer.TokensToIds(c), Turns: turns?[i]))
                .Where(c => c.Ids.Length > 0)
                .ToList();
            await foreach (var chunk in Chunks(held, lease, prompt, promptIds, chunks, speed, options, removeLongSilence, cancellationToken))
                yield return chunk;
        }
        finally { Release(slot); }
    }

    private async IAsyncEnumerable<AudioChunk> Chunks(ZipVoiceVariant variant, InferenceLimiter.RequestLease lease, PromptFeatures prompt, long[] promptIds,
        List<(List<string> Tokens, long[] Ids, List<SpeakerTurn>? Turns)> chunks, float speed, SamplerOptions options, bool removeLongSilence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rate = variant.Metadata.SampleRate;
        var channels = variant.Channels;
        var joiner = channels == 1 ? new CrossFadeJoiner((int)(ZipVoiceAudio.CrossFadeSeconds * rate)) : null;
        var stereoJoiner = channels == 2 ? new StereoCrossFadeJoiner((int)(ZipVoiceAudio.CrossFadeSeconds * rate)) : null;
        // Each chunk gets its own seed derived from the request's, so chunks differ yet stay reproducible.
        var calls = ChunkPipeline.InOrder(Enumerable.Range(0, chunks.Count), (i, token) => lease.RunAsync(
            () => Synthesize(variant, prompt, promptIds, chunks[i].Ids, speed, options with { Seed = options.Seed + i }, token), token, variant.Name),
            lease.CallsInFlightNow, cancellationToken);
        var i = 0;
        await foreach (var raw in calls)
        {
            var wav = raw;
            ZipVoiceAudio.ClampAndRestoreLevel(wav, prompt.Rms);
            if (stereoJoiner is not null)
            {
                // zipvoice_dialog_stereo: interleaved L/R, silence judged over both channels, each channel faded alike.
                if (removeLongSilence) wav = StereoAudio.RemoveSilence(wav, rate, onlyEdge: false, trimStart: false, trimEnd: false);
                wav = StereoAudio.RemoveSilence(wav, rate, onlyEdge: true, trimStart: i == 0, trimEnd: i == chunks.Count - 1);
                var frames = stereoJoiner.Push(wav);
                if (i == chunks.Count - 1) frames = [.. frames, .. stereoJoiner.Flush()];
                if (frames.Length > 0)
                    yield return new AudioChunk(frames, rate, StereoAudio.Channels) { Text = DialogChunkText(chunks[i].Turns), Phonemes = string.Concat(chunks[i].Tokens), Turns = chunks[i].Turns };
                i++;
                continue;
            }
            if (removeLongSilence) wav = ZipVoiceAudio.RemoveSilence(wav, rate, onlyEdge: false, trimStart: false, trimEnd: false);
            wav = ZipVoiceAudio.RemoveSilence(wav, rate, onlyEdge: true, trimStart: i == 0, trimEnd: i == chunks.Count - 1);
            var ready = joiner!.Push(wav);
            if (i == chunks.Count - 1) ready = [.. ready, .. joiner.Flush()];
            if (ready.Length > 0)
                yield return new AudioChunk(ready, rate) { Text = DialogChunkText(chunks[i].Turns), Phonemes = string.Concat(chunks[i].Tokens), Turns = chunks[i].Turns };
            i++;
        }
    }

    /// <summary>One chunk: text encoder, sampler, ÷ feat_scale, vocoder. Runs under the inference limiter.</summary>
    internal static float[] Synthesize(ZipVoiceVariant variant, PromptFeatures prompt, long[] promptIds, long[] ids, float speed,
        SamplerOptions options, CancellationToken cancellationToken)
    {
        // Three ONNX models per call, each a span under the call's tts.model span.
        float[] text;
        int frames;
        using (SpeechTracing.Source.StartActivity(SpeechTracing.TextEncoder))
            text = EncodeText(variant, ids, promptIds, prompt.Frames, speed, out frames);
        if (frames <= prompt.Frames)
            throw new UnprocessableException($"The text encoder gave {frames} frames for a {prompt.Frames}-frame prompt: nothing left to generate (speed too high?).", "input", "unprocessable_text");
        float[] features;
        using (SpeechTracing.Source.StartActivity(SpeechTracing.FlowMatchingDecoder))
            features = variant.Sampler.Sample(text, frames, prompt.Features, prompt.Frames, options, cancellationToken);
        var dim = variant.Metadata.FeatDim;
        for (var i = 0; i < features.Length; i++) features[i] /= ZipVoiceAudio.FeatScale;
        using (SpeechTracing.Source.StartActivity(SpeechTracing.Vocoder))
            return variant.Channels == 2 ? VocodeStereo(variant, features) : variant.Vocoder.Synthesize(features, features.Length / dim, dim);
    }

    /// <summary>
    /// The text encoder: <c>text_condition</c> [F, feat_dim] and F. The graphs compute F by onnx_export.py's
    /// <c>OnnxTextModel</c>: ceil(P / Tp · (Tp + T) / speed), which is infer_zipvoice_onnx.py's rule (zipvoice,
    /// zipvoice_distill). The dialog models' reference is PyTorch's <c>ZipVoice.sample</c>
    /// (infer_zipvoice_dialog.py), whose <c>forward_text_inference_ratio_duration</c> keeps the prompt's P frames and
    /// scales only the text's: F = P + ceil(P / Tp · T / speed) (<see cref="DialogFrames"/>); the two differ whenever
    /// speed ≠ 1 (at 1.25 a 92-frame prompt of 26 tokens and 12 text tokens: 108 frames against 126, a third of the
    /// speech). For a dialog variant the graph is therefore fed the speed that makes its rule give that F.
    /// </summary>
    internal static float[] EncodeText(ZipVoiceVariant variant, long[] ids, long[] promptIds, int promptFrames, float speed, out int frames)
    {
        if (!variant.IsDialog) return variant.Model.EncodeText(ids, promptIds, promptFrames, speed, out frames);
        var target = DialogFrames(promptFrames, promptIds.Length, ids.Length, speed);
        // The graph's ceil((P / Tp · (Tp + T)) / s), with (P / Tp · (Tp + T)) / s landing half a frame under target.
        var total = (float)promptFrames / promptIds.Length * (promptIds.Length + ids.Length);
        var text = variant.Model.EncodeText(ids, promptIds, promptFrames, total / (target - 0.5f), out frames);
        if (frames != target)
            throw new InvalidDataException($"{Path.GetFileName(variant.Model.TextEncoderPath)} gave {frames} frames where generate_sentence's rule gives {target}: " +
                                           "not a text encoder with onnx_export.py's duration rule (tools/export writes one).");
        return text;
    }

    /// <summary>
    /// ZipVoice.forward_text_inference_ratio_duration's frame count, in float32 as PyTorch computes it:
    /// P + ceil(P / Tp · T / speed).
    /// </summary>
    internal static int DialogFrames(int promptFrames, int promptTokens, int tokens, float speed) =>
        promptFrames + (int)MathF.Ceiling((float)promptFrames / promptTokens * tokens / speed);

    /// <summary>Prompt features × feat_scale and the prompt's original RMS, cached by the prompt's cache key.</summary>
    public sealed record PromptFeatures(float[] Features, int Frames, float Rms, double Seconds);

    private PromptFeatures PromptFor(ZipVoiceVariant variant, Voices.VoicePrompt prompt)
    {
        var key = PromptCache.FeaturesKey(prompt.CacheKey, variant.Name);
        if (_promptCache.TryGet<PromptFeatures>(key, out var cached)) return cached;
        var features = ComputePromptFeatures(variant, prompt.Samples);
        _promptCache.Set(key, features, features.Features.LongLength * sizeof(float) + 64);
        return features;
    }

    /// <summary>
    /// generate_sentence's prompt handling: remove long and edge silences and add 0.2 s of trailing
    /// silence, RMS-normalise to target_rms, log-mel (VocosFbank.extract) × feat_scale.
    /// </summary>
    internal static PromptFeatures ComputePromptFeatures(ZipVoiceVariant variant, float[] samples)
    {
        var rate = variant.Metadata.SampleRate;
        var trimmed = ZipVoiceAudio.RemoveSilence(samples, rate, onlyEdge: false, trailingSilenceMs: 200);
        var (normalized, rms) = ZipVoiceAudio.RmsNormalize(trimmed);
        if (rms == 0) throw new UnprocessableException("The prompt audio is silent.", "voice");
        var mel = variant.Features.Extract(normalized, out var frames);
        if (frames == 0) throw new UnprocessableException("The prompt audio is too short.", "voice");
        for (var i = 0; i < mel.Length; i++) mel[i] *= ZipVoiceAudio.FeatScale;
        return new PromptFeatures(mel, frames, rms, (double)normalized.Length / rate);
    }

    public void Dispose()
    {
        _unloadTimer?.Dispose();
        foreach (var slot in _variants.Values)
            if (slot.Load.IsValueCreated) slot.Load.Value.Variant?.Dispose();
        foreach (var vocoder in _vocoders.Values) vocoder.Dispose();
    }
}
