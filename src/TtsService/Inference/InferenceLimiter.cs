using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Inference;

/// <summary>
/// Bounds CPU/GPU-heavy model calls to <c>max_concurrent_inferences</c> at a time. Callers beyond
/// that wait in a queue of at most <c>max_queued_requests</c>; past it they get a 429 at once.
/// A slot is taken per model call (one sentence chunk), so a slow streaming client never holds it
/// while its bytes are written.
/// </summary>
public sealed class InferenceLimiter(TtsSettings settings)
{
    private readonly SemaphoreSlim _slots = new(settings.EffectiveMaxConcurrentInferences, settings.EffectiveMaxConcurrentInferences);
    private int _waiting;
    private int _running;
    private long _completed;

    public int Capacity { get; } = settings.EffectiveMaxConcurrentInferences;

    /// <summary>
    /// Model calls one request may run at once (<see cref="ChunkPipeline"/>): 2 on a CPU where one call
    /// leaves at least half the cores idle (few intra-op threads), so a stream's short first call and the
    /// longer next one run side by side; otherwise 1, and the next call starts when the previous ends.
    /// </summary>
    public int CallsInFlightPerRequest { get; } =
        !settings.UseGpu && settings.EffectiveIntraOpThreads * 2 <= Environment.ProcessorCount && settings.EffectiveMaxConcurrentInferences >= 2 ? 2 : 1;
    public int Waiting => Volatile.Read(ref _waiting);
    public int Running => Volatile.Read(ref _running);
    /// <summary>No model call runs or waits: a request arriving now has the machine to itself.</summary>
    public bool IsIdle => Running == 0 && Waiting == 0;

    /// <summary>Model calls finished since start.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Runs <paramref name="work"/> on the thread pool once a slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0))
        {
            if (Interlocked.Increment(ref _waiting) > settings.MaxQueuedRequests)
            {
                Interlocked.Decrement(ref _waiting);
                Observability.ServiceMetrics.Rejected.Inc();
                throw new TooManyRequestsException($"All {Capacity} inference slots are busy and {settings.MaxQueuedRequests} requests are queued; retry shortly.", 1);
            }
            try { await _slots.WaitAsync(cancellationToken); }
            finally { Interlocked.Decrement(ref _waiting); }
        }
        Interlocked.Increment(ref _running);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A model call blocks its thread for seconds. On the shared thread pool (2 threads on a 2-core machine)
            // two such calls would leave none for the request pipeline, and a finished chunk would wait for the
            // pool to grow before it is sent; a dedicated thread per call keeps the pool free.
            return await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            // The request's inference time, for admission by expected wait.
            QueueWaitEstimator.Current?.AddInference(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _completed);
            _slots.Release();
        }
    }
}
