using System.Runtime.CompilerServices;
using TtsService.Configuration;
using TtsService.Observability;
using TtsService.Speech;
using TtsService.Text;

namespace TtsService.Inference.Kokoro;

/// <summary>What one Kokoro synthesis needs, validated by the endpoint.</summary>
/// <param name="Stream">The response streams: start with a short call so the first audio leaves early (<see cref="KokoroFrontend.StreamingSchedule"/>).</param>
public sealed record KokoroRequest(string Input, string Voice, float Speed, string? LangCode, NormalizationOptions Normalization, bool Stream = false)
{
    /// <summary>The request's work record, charged with each model call (none: the calls are not charged).</summary>
    public SpeechWork? Work { get; init; }

    public const string DefaultVoice = "af_heart";

    /// <summary>The fields of a speech request that Kokoro reads; no voice means Kokoro-FastAPI's default.</summary>
    public static KokoroRequest From(SpeechRequest request) => new(
        request.Input!,
        string.IsNullOrWhiteSpace(request.Voice) ? DefaultVoice : request.Voice.Trim(),
        request.EffectiveSpeed,
        request.EffectiveLangCode,
        request.NormalizationOptions ?? NormalizationOptions.Default,
        request.IsStreamed);
}

/// <summary>
/// The Kokoro v1.0 backend: loads the model, vocabulary and voices from <c>models_dir/kokoro</c> at
/// start-up and speaks text chunk by chunk. A missing or broken file leaves it Unavailable with a
/// reason naming the file; the host keeps running.
/// </summary>
public sealed class KokoroBackend : ISpeechBackend, IDisposable
{
    private static IReadOnlyList<string> ModelIds => ModelCatalog.KokoroModels;

    /// <summary>File names tried in <c>models_dir/kokoro</c>, most common first.</summary>
    public static readonly string[] ModelFileNames =
        ["kokoro-v1.0.onnx", "model.onnx", "kokoro-v1.0.fp16.onnx", "kokoro-v1.0.int8.onnx", "model_quantized.onnx", "model_fp16.onnx"];

    private readonly TtsSettings _settings;
    private readonly IHostEnvironment _environment;
    private readonly OnnxSessions _sessions;
    private readonly InferenceLimiter _limiter;
    private readonly ITextNormalizer _normalizer;
    private readonly ITextChunker _chunker;
    private readonly IKokoroG2P _g2p;
    private readonly ILogger<KokoroBackend> _logger;
    private KokoroModel? _model;
    // Written last by LoadAsync: a reader that sees Ready also sees the model, voices and front end.
    private volatile BackendStatus _status;

    public string Name => ModelCatalog.Kokoro;
    public BackendStatus Status => _status;
    public KokoroVoiceLibrary Voices { get; }
    public KokoroFrontend? Frontend { get; private set; }
    public bool HasDurations => _model?.HasDurations ?? false;

    /// <summary>Takes what it needs; the files are read by <see cref="LoadAsync"/> when the host starts, not here.</summary>
    public KokoroBackend(TtsSettings settings, IHostEnvironment environment, OnnxSessions sessions, InferenceLimiter limiter,
        ITextNormalizer normalizer, ITextChunker chunker, IKokoroG2P g2p, ILogger<KokoroBackend> logger)
    {
        _settings = settings;
        _environment = environment;
        _sessions = sessions;
        _limiter = limiter;
        _normalizer = normalizer;
        _chunker = chunker;
        _g2p = g2p;
        _logger = logger;
        Voices = new KokoroVoiceLibrary(settings.MaxCombinedVoices);
        _status = settings.EnableKokoro
            ? new BackendStatus(Name, BackendState.Loading, "loading the model and voices", ModelIds)
            : new BackendStatus(Name, BackendState.Disabled, "enable_kokoro=false", ModelIds);
    }

    /// <summary>Reads the model, vocabulary and voices from <c>models_dir/kokoro</c> (on a pool thread: ONNX sessions take seconds).</summary>
    public Task LoadAsync(CancellationToken cancellationToken) =>
        _status.State == BackendState.Loading ? Task.Run(Load, cancellationToken) : Task.CompletedTask;

    private void Load()
    {
        var dir = Path.Combine(_settings.ResolvePath(_environment.ContentRootPath, _settings.ModelsDir), "kokoro");
        try
        {
            var modelPath = ModelFileNames.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"Kokoro model file not found: expected {Path.Combine(dir, ModelFileNames[0])} (or {string.Join(", ", ModelFileNames.Skip(1))}). Run models/download.sh to fetch it.");
            var vocab = LoadVocab(dir);
            if (!_g2p.IsAvailable)
                throw new InvalidOperationException("espeak-ng is not available (install the Debian packages libespeak-ng1 and espeak-ng-data).");
            var model = new KokoroModel(modelPath, _sessions);
            try { LoadVoices(dir, model.Metadata); }
            catch { model.Dispose(); throw; }
            _model = model;
            Frontend = new KokoroFrontend(_normalizer, _chunker, _g2p, vocab);
            _status = new BackendStatus(Name, BackendState.Ready, null, ModelIds) { Device = model.OnCuda ? "cuda" : "cpu" };
            _logger.LogInformation("Kokoro ready on {Device}: {Model}, {Voices} voices, {Symbols} symbols, durations output: {Durations}",
                _status.Device, Path.GetFileName(modelPath), Voices.Count, vocab.Count, model.HasDurations);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException
                                      or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or System.Text.Json.JsonException)
        {
            _status = new BackendStatus(Name, BackendState.Unavailable, e.Message, ModelIds);
            _logger.LogWarning("Kokoro unavailable: {Reason}", e.Message);
        }
    }

    public bool Handles(string modelId) => ModelIds.Contains(modelId);

    private static KokoroVocab LoadVocab(string dir)
    {
        var config = Path.Combine(dir, "config.json");
        if (File.Exists(config)) return KokoroVocab.Load(config);
        var tokens = Path.Combine(dir, "tokens.txt");
        if (File.Exists(tokens)) return KokoroVocab.LoadTokensTxt(tokens);
        throw new FileNotFoundException($"Kokoro vocabulary not found: expected {config} (or sherpa-onnx's tokens.txt).");
    }

    /// <summary>
    /// Voices from every layout present: <c>voices/*.bin</c> (one raw table each), the
    /// <c>voices-v1.0.bin</c> npz, and sherpa-onnx's <c>voices.bin</c> (all tables in the order of
    /// the model's <c>speaker_names</c> metadata).
    /// </summary>
    private void LoadVoices(string dir, IReadOnlyDictionary<string, string> metadata)
    {
        var voicesDir = Path.Combine(dir, "voices");
        if (Directory.Exists(voicesDir)) Voices.LoadDirectory(voicesDir);
        var npz = Path.Combine(dir, "voices-v1.0.bin");
        if (File.Exists(npz)) Voices.LoadNpz(npz);
        var sherpa = Path.Combine(dir, "voices.bin");
        if (File.Exists(sherpa))
        {
            if (!metadata.TryGetValue("speaker_names", out var names) || string.IsNullOrWhiteSpace(names))
                throw new InvalidDataException($"{sherpa} needs the model's 'speaker_names' metadata (sherpa-onnx layout) to know which table is which voice.");
            Voices.LoadSherpaVoices(sherpa, names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        if (Voices.Count == 0)
            throw new FileNotFoundException($"No Kokoro voices found: expected {voicesDir}/*.bin, {npz} or sherpa-onnx's {sherpa}.");
    }

    public IAsyncEnumerable<AudioChunk> SpeakAsync(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken) =>
        SynthesizeAsync(KokoroRequest.From(request) with { Work = work }, cancellationToken);

    /// <summary>Speaks <paramref name="request"/> one chunk at a time; the first chunk comes back before the rest is synthesized.</summary>
    public IAsyncEnumerable<AudioChunk> SynthesizeAsync(KokoroRequest request, CancellationToken cancellationToken)
    {
        // Resolve the voice eagerly so an unknown voice is a 404 before any audio is promised.
        var table = Voices.Resolve(request.Voice);
        var lang = request.LangCode ?? KokoroLanguageCodes.FromVoice(request.Voice);
        var pieces = Frontend!.Pieces(request.Input, lang, request.Normalization,
            request.Stream ? KokoroFrontend.StreamingSchedule : KokoroFrontend.WholeSchedule);
        return RunPieces(SpeechTracing.Traced(pieces, Name), table, request.Speed, request.Work, cancellationToken);
    }

    /// <summary>Speaks a phoneme string given directly.</summary>
    public IAsyncEnumerable<AudioChunk> SynthesizePhonemesAsync(string phonemes, string voice, float speed, CancellationToken cancellationToken,
        SpeechWork? work = null)
    {
        var table = Voices.Resolve(voice);
        return RunPieces(SpeechTracing.Traced(Frontend!.PiecesFromPhonemes(phonemes), Name), table, speed, work, cancellationToken);
    }

    /// <summary>
    /// Model calls run one ahead of the client (<see cref="ChunkPipeline"/>); pauses are silence, no call. Two calls side
    /// by side only while a slot is idle and nothing is queued (<see cref="InferenceLimiter.RequestLease.CallsInFlightNow"/>).
    /// </summary>
    private async IAsyncEnumerable<AudioChunk> RunPieces(IEnumerable<KokoroPiece> pieces, float[] table, float speed, SpeechWork? work,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = _limiter.BeginRequest(work);
        var chunks = ChunkPipeline.InOrder(pieces, (piece, token) => piece.PauseSeconds > 0
            ? Task.FromResult(new AudioChunk(new float[(int)(piece.PauseSeconds * KokoroModel.SampleRate)], KokoroModel.SampleRate) { Text = "", Phonemes = "" })
            : SpeakPiece(lease, piece, table, speed, token), lease.CallsInFlightNow, cancellationToken);
        await foreach (var chunk in chunks) yield return chunk;
    }

    private async Task<AudioChunk> SpeakPiece(InferenceLimiter.RequestLease lease, KokoroPiece piece, float[] table, float speed, CancellationToken cancellationToken)
    {
        var (ids, style) = ModelInputs(piece.Ids, table);
        var output = await lease.RunAsync(() => _model!.Run(ids, style, speed), cancellationToken, "kokoro");
        return new AudioChunk(output.Audio, KokoroModel.SampleRate) { Text = piece.Text, Phonemes = piece.Phonemes, Durations = output.Durations };
    }

    /// <summary>
    /// What one call feeds the model, as hexgrad/kokoro's <c>KModel.forward</c>: the ids between two pad
    /// ids 0 (<c>[[0, *input_ids, 0]]</c>) and the voice's style row for that many phonemes.
    /// </summary>
    internal static (long[] Ids, float[] Style) ModelInputs(List<long> phonemeIds, float[] table)
    {
        var ids = new long[phonemeIds.Count + 2];
        phonemeIds.CopyTo(ids, 1);
        return (ids, KokoroVoiceLibrary.StyleRow(table, phonemeIds.Count).ToArray());
    }

    public void Dispose() => _model?.Dispose();
}
