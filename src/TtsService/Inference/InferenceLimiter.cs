using System.Diagnostics;
using System.Diagnostics.Metrics;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Observability;

namespace TtsService.Inference;

/// <summary>
/// Bounds CPU/GPU-heavy model calls to <c>max_concurrent_inferences</c> at a time. Callers beyond
/// that wait in a queue of at most <c>max_queued_requests</c>; past it they get a 429 at once.
/// A slot is taken per model call (one sentence chunk), so a slow streaming client never holds it
/// while its bytes are written. Each call's wait and run time are charged to the request's
/// <see cref="SpeechWork"/>, which the caller passes in.
/// </summary>
public sealed class InferenceLimiter
{
    private readonly TtsSettings _settings;
    private readonly SemaphoreSlim _slots;
    private readonly Counter<long>? _rejected;
    private int _waiting;
    private int _running;
    private long _completed;

    /// <param name="meters">This host's meter factory (queue gauges and the 429 counter in /metrics); none in unit tests.</param>
    public InferenceLimiter(TtsSettings settings, IMeterFactory? meters = null)
    {
        _settings = settings;
        Capacity = settings.EffectiveMaxConcurrentInferences;
        _slots = new SemaphoreSlim(Capacity, Capacity);
        CallsInFlightPerRequest =
            !settings.WantsGpu && settings.EffectiveIntraOpThreads * 2 <= Environment.ProcessorCount && Capacity >= 2 ? 2 : 1;
        if (meters is null) return;
        // Observable gauges are read when /metrics is scraped, so they cost nothing between scrapes.
        var meter = meters.Create(ServiceMetrics.MeterName);
        meter.CreateObservableGauge("inference_queue_length", () => Waiting, description: "Model calls waiting for an inference slot.");
        meter.CreateObservableGauge("inferences_in_flight", () => Running, description: "Model calls running now.");
        _rejected = meter.CreateCounter<long>("inference_rejected_total", description: "Requests refused with 429 because the queue was full.");
        _rejected.Add(0); // the series exists (at 0) from the start, as a scraper expects of a counter
    }

    public int Capacity { get; }

    /// <summary>
    /// Model calls one request may run at once (<see cref="ChunkPipeline"/>): 2 on a CPU where one call
    /// leaves at least half the cores idle (few intra-op threads), so a stream's short first call and the
    /// longer next one run side by side; otherwise 1, and the next call starts when the previous ends.
    /// </summary>
    public int CallsInFlightPerRequest { get; }
    public int Waiting => Volatile.Read(ref _waiting);
    public int Running => Volatile.Read(ref _running);
    /// <summary>No model call runs or waits: a request arriving now has the machine to itself.</summary>
    public bool IsIdle => Running == 0 && Waiting == 0;

    /// <summary>Model calls finished since start.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Runs <paramref name="work"/> on its own thread once a slot is free, for no request in particular.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) => RunAsync(work, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> (one model call of the request <paramref name="record"/>) once a slot is free. The
    /// wait is a <c>tts.queue</c> span and the call a <c>tts.model</c> span; <paramref name="model"/> names it there.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<T> work, SpeechWork? record, CancellationToken cancellationToken, string? model = null)
    {
        using (var queue = SpeechTracing.Source.StartActivity(SpeechTracing.Queue))
        {
            if (!_slots.Wait(0))
            {
                if (Interlocked.Increment(ref _waiting) > _settings.MaxQueuedRequests)
                {
                    Interlocked.Decrement(ref _waiting);
                    _rejected?.Add(1);
                    queue?.SetStatus(ActivityStatusCode.Error, "queue full");
                    throw new TooManyRequestsException($"All {Capacity} inference slots are busy and {_settings.MaxQueuedRequests} requests are queued; retry shortly.", 1);
                }
                var waitStarted = Stopwatch.GetTimestamp();
                try { await _slots.WaitAsync(cancellationToken); }
                finally
                {
                    Interlocked.Decrement(ref _waiting);
                    record?.AddQueueWait(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds);
                }
                queue?.SetTag("tts.queue.waited", true);
            }
        }
        Interlocked.Increment(ref _running);
        var started = Stopwatch.GetTimestamp();
        using var call = SpeechTracing.Source.StartActivity(SpeechTracing.Model);
        if (call is not null && model is not null) call.SetTag("tts.model", model);
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
            record?.AddInference(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _completed);
            _slots.Release();
        }
    }
}
