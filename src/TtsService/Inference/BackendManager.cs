using TtsService.Errors;

namespace TtsService.Inference;

/// <summary>
/// Routes a request's <c>model</c> to the backend that serves it, and answers 503 (naming the
/// missing file) when that backend is disabled or failed to load. The host keeps running either way.
/// </summary>
public sealed class BackendManager(IEnumerable<ISpeechBackend> backends)
{
    private readonly IReadOnlyList<ISpeechBackend> _backends = backends.ToList();

    public IReadOnlyList<BackendStatus> Statuses => _backends.Select(b => b.Status).ToList();

    /// <summary>The backend for <paramref name="modelId"/>; 404 when no backend knows it, 503 when it is not ready.</summary>
    public ISpeechBackend Resolve(string? modelId)
    {
        var id = (modelId ?? "").Trim().ToLowerInvariant();
        var backend = _backends.FirstOrDefault(b => b.Handles(id))
            ?? throw new NotFoundException($"Model '{modelId}' does not exist. Known: {string.Join(", ", _backends.SelectMany(b => b.Status.Models))}.", "model", "model_not_found");
        EnsureReady(backend);
        return backend;
    }

    /// <summary>The backend of type <typeparamref name="T"/>, ready to use.</summary>
    public T Get<T>() where T : ISpeechBackend
    {
        var backend = _backends.OfType<T>().FirstOrDefault()
            ?? throw new BackendUnavailableException($"The {typeof(T).Name} backend is not registered in this build.");
        EnsureReady(backend);
        return backend;
    }

    private static void EnsureReady(ISpeechBackend backend)
    {
        var status = backend.Status;
        switch (status.State)
        {
            case BackendState.Ready: return;
            case BackendState.Disabled:
                throw new BackendUnavailableException($"The {status.Name} backend is disabled by configuration (enable_{status.Name}=false).", "model", "backend_disabled");
            default:
                throw new BackendUnavailableException($"The {status.Name} backend is unavailable: {status.Reason}", "model", "model_unavailable");
        }
    }
}
