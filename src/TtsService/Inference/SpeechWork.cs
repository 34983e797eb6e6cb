namespace TtsService.Inference;

/// <summary>
/// The work record of one speech request, handed explicitly from admission to the model calls and the response
/// writer: which backend serves it, how long its model calls waited for a slot, and the inference time they used.
/// The admission middleware makes it (<see cref="QueueWaitEstimator.Admit"/>) and puts it on the request as an
/// <see cref="Api.ISpeechWorkFeature"/>; the endpoint passes it to <see cref="BackendManager.Speak"/>, the backend to
/// <see cref="InferenceLimiter.RunAsync{T}(Func{T}, SpeechWork?, CancellationToken)"/>. Work not admitted by
/// expected wait (warm-up, tests) is <see cref="Untracked"/>: it is recorded but owes the estimator nothing.
/// </summary>
public sealed class SpeechWork : IDisposable
{
    private readonly QueueWaitEstimator? _owner;
    private double _inferenceSeconds;
    private double _queueSeconds;
    private int _finished;

    internal SpeechWork(QueueWaitEstimator? owner) => _owner = owner;

    /// <summary>A record that no estimator counts (speech that did not come through admission).</summary>
    public static SpeechWork Untracked() => new(null);

    public string? Backend { get; private set; }
    public double InferenceSeconds => Volatile.Read(ref _inferenceSeconds);
    /// <summary>Seconds this request's model calls spent waiting for an inference slot.</summary>
    public double QueueWaitSeconds => Volatile.Read(ref _queueSeconds);
    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public void SetBackend(string backend) => Backend ??= backend;

    /// <summary>Charged by the inference limiter for each model call of this request.</summary>
    public void AddInference(double seconds) => Add(ref _inferenceSeconds, seconds);

    /// <summary>Charged by the inference limiter when a model call had to wait for a slot.</summary>
    public void AddQueueWait(double seconds) => Add(ref _queueSeconds, seconds);

    private static void Add(ref double total, double seconds)
    {
        double seen, next;
        do { seen = Volatile.Read(ref total); next = seen + seconds; }
        while (Interlocked.CompareExchange(ref total, next, seen) != seen);
    }

    /// <summary>Its synthesis is over (the rest is sending bytes): it owes nothing more; a whole synthesis updates its backend's mean cost.</summary>
    public void Finish(bool complete)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0) _owner?.Finished(this, complete);
    }

    public void Dispose()
    {
        Finish(complete: false);
        _owner?.Remove(this);
    }
}
