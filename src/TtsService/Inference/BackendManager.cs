using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Speech;

namespace TtsService.Inference;

/// <summary>Audio on its way to the client, the backend making it (a metrics label) and the request's work record.</summary>
public sealed record SpokenAudio(string Backend, IAsyncEnumerable<AudioChunk> Audio)
{
    /// <summary>Queue wait and inference time of the request (admission's record, or an untracked one).</summary>
    public SpeechWork Work { get; init; } = SpeechWork.Untracked();
}

/// <summary>
/// The one way from a request to audio: routes the request's <c>model</c> to the backend that serves it and
/// hands that backend the request. Answers 404 for an unknown model and 503 (naming the missing file) when the
/// backend is disabled or failed to load; the host keeps running either way.
/// </summary>
public sealed partial class BackendManager(IEnumerable<ISpeechBackend> backends, TtsSettings settings)
{
    private readonly IReadOnlyList<ISpeechBackend> _backends = backends.ToList();

    public IReadOnlyList<BackendStatus> Statuses => _backends.Select(b => b.Status).ToList();

    /// <summary>Every registered backend, for the start-up loader.</summary>
    public IReadOnlyList<ISpeechBackend> Backends => _backends;

    /// <summary>Speaks <paramref name="request"/> (validated) on the backend of its model, charging its model calls to <paramref name="work"/>.</summary>
    public SpokenAudio Speak(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken)
    {
        var model = ModelId(request.Model);
        var backend = Resolve(model);
        work.SetBackend(backend.Name);
        return new SpokenAudio(backend.Name, backend.SpeakAsync(request with { Model = model }, work, cancellationToken)) { Work = work };
    }

    /// <summary>Speaks <paramref name="request"/> outside admission (warm-up): its work is recorded, not counted.</summary>
    public SpokenAudio Speak(SpeechRequest request, CancellationToken cancellationToken) =>
        Speak(request, SpeechWork.Untracked(), cancellationToken);

    /// <summary>The backend for <paramref name="modelId"/>; 404 when no backend knows it, 503 when it is not ready.</summary>
    public ISpeechBackend Resolve(string? modelId)
    {
        var id = ModelId(modelId);
        var backend = _backends.FirstOrDefault(b => b.Handles(id))
            ?? throw new NotFoundException($"Model '{modelId}' does not exist. Known: {string.Join(", ", _backends.SelectMany(b => b.Status.Models))}.", "model", "model_not_found");
        EnsureReady(backend);
        return backend;
    }

    /// <summary>The backend of type <typeparamref name="T"/>, ready to use (routes that only one backend serves, such as Kokoro's voice list).</summary>
    public T Get<T>() where T : ISpeechBackend
    {
        var backend = _backends.OfType<T>().FirstOrDefault()
            ?? throw new BackendUnavailableException($"The {typeof(T).Name} backend is not registered in this build.");
        EnsureReady(backend);
        return backend;
    }

    /// <summary>
    /// The model id a backend knows, lower-cased: absent means <c>default_backend</c>'s model (Kokoro, as in
    /// Kokoro-FastAPI, or <c>zipvoice_model</c>), and OpenAI's dated snapshots (<c>gpt-4o-mini-tts-2025-12-15</c>,
    /// <c>tts-1-1106</c>) mean their base model.
    /// </summary>
    public string ModelId(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
            return settings.DefaultBackend.Trim().Equals(ModelCatalog.ZipVoice, StringComparison.OrdinalIgnoreCase)
                ? settings.ZipvoiceModel.Trim().ToLowerInvariant()
                : ModelCatalog.Kokoro;
        var match = OpenAiSnapshot().Match(model.Trim());
        return (match.Success ? match.Groups[1].Value : model).Trim().ToLowerInvariant();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(tts-1|tts-1-hd|gpt-4o-mini-tts)-(?:\d{4}|\d{4}-\d{2}-\d{2})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex OpenAiSnapshot();

    private static void EnsureReady(ISpeechBackend backend)
    {
        var status = backend.Status;
        switch (status.State)
        {
            case BackendState.Ready: return;
            case BackendState.Loading:
                throw new BackendUnavailableException($"The {status.Name} backend is still loading its models; retry in a few seconds (/ready says when).", "model", "model_loading");
            case BackendState.Disabled:
                throw new BackendUnavailableException($"The {status.Name} backend is disabled by configuration (enable_{status.Name}=false).", "model", "backend_disabled");
            default:
                throw new BackendUnavailableException($"The {status.Name} backend is unavailable: {status.Reason}", "model", "model_unavailable");
        }
    }
}
