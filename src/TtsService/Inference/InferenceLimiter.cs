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
/// while its bytes are written.
/// <para>
/// The queue serves first audio first: a request's first model call goes ahead of other requests' later calls, so
/// a newcomer's first audio does not wait behind whole sentences of the requests already speaking. Total work is the
/// same, only its order changes. Aging keeps later calls from starving: after <see cref="MaxPassOvers"/> first calls
/// in a row have gone ahead of a waiting later call, the later call goes next.
/// </para>
/// Each call's wait and run time are charged to the request's <see cref="SpeechWork"/>, which the caller passes in.
/// </summary>
public sealed class InferenceLimiter
{
    /// <summary>First calls that may go ahead of a waiting later call before it is served.</summary>
    public const int MaxPassOvers = 4;

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _firstCalls = new();
    private readonly LinkedList<Waiter> _laterCalls = new();
    private readonly TtsSettings _settings;
    private readonly Counter<long>? _rejected;
    private int _free;
    private int _passOvers;
    private int _waiting;
    private int _running;
    private int _activeRequests;
    private long _completed;

    /// <param name="meters">This host's meter factory (queue gauges and the 429 counter in /metrics); none in unit tests.</param>
    public InferenceLimiter(TtsSettings settings, IMeterFactory? meters = null)
    {
        _settings = settings;
        Capacity = _free = settings.EffectiveMaxConcurrentInferences;
        // onnx_threads_by_load runs calls that overlap on 1-thread sessions: they leave a core each, as few threads do.
        var callLeavesCores = settings.EffectiveIntraOpThreads * 2 <= Environment.ProcessorCount || settings.EffectiveThreadsByLoad;
        CallsInFlightPerRequest = !settings.WantsGpu && callLeavesCores && Capacity >= 2 ? 2 : 1;
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
    /// Model calls one request may run at once (<see cref="ChunkPipeline"/>) when it has the server to itself
    /// (<see cref="RequestLease.MayRunAhead"/>): 2 on a CPU where one call leaves at least half the cores idle (few
    /// intra-op threads), so a stream's short first call and the longer next one run side by side; otherwise 1, and
    /// the next call starts when the previous ends.
    /// </summary>
    public int CallsInFlightPerRequest { get; }
    public int Waiting => Volatile.Read(ref _waiting);
    public int Running => Volatile.Read(ref _running);
    /// <summary>Requests speaking now (each holds a <see cref="RequestLease"/> while its calls run).</summary>
    public int ActiveRequests => Volatile.Read(ref _activeRequests);
    /// <summary>No model call runs or waits: a request arriving now has the machine to itself.</summary>
    public bool IsIdle => Running == 0 && Waiting == 0;

    /// <summary>A slot is free and no call waits for one: a call started now takes capacity from nobody.</summary>
    public bool HasIdleSlot => Waiting == 0 && Running < Capacity;

    /// <summary>Model calls finished since start.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>
    /// Starts a request's use of the limiter. Whether it may do extra work to speak sooner (a ZipVoice stream's early
    /// short call repeats the prompt; Kokoro's second call side by side takes a second slot) is decided here, once,
    /// atomically with counting the request in: only when no other request is active, no model call runs or waits, and a
    /// second slot exists, so the
    /// extra work takes no capacity from anyone. Two requests arriving together cannot both see an idle server.
    /// </summary>
    /// <param name="record">The request's work record, charged with each call's wait and run time.</param>
    public RequestLease BeginRequest(SpeechWork? record = null)
    {
        lock (_lock)
        {
            var alone = ++_activeRequests == 1 && _waiting == 0 && _running == 0;
            return new RequestLease(this, record, mayRunAhead: alone && Capacity >= 2);
        }
    }

    private void EndRequest()
    {
        lock (_lock) _activeRequests--;
    }

    /// <summary>Runs <paramref name="work"/> on its own thread once a slot is free, for no request in particular (a later call).</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) => RunAsync(work, null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> (one model call of the request <paramref name="record"/>) once a slot is free; a
    /// request's <paramref name="firstCall"/> is served before later calls. The wait is a <c>tts.queue</c> span and the
    /// call a <c>tts.model</c> span; <paramref name="model"/> names it there.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<T> work, SpeechWork? record, CancellationToken cancellationToken, string? model = null, bool firstCall = false)
    {
        using (var queue = SpeechTracing.Source.StartActivity(SpeechTracing.Queue))
        {
            var waitStarted = Stopwatch.GetTimestamp();
            try
            {
                if (await AcquireAsync(firstCall, cancellationToken)) queue?.SetTag("tts.queue.waited", true);
            }
            catch (TooManyRequestsException)
            {
                queue?.SetStatus(ActivityStatusCode.Error, "queue full");
                throw;
            }
            finally { record?.AddQueueWait(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds); }
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
            Release();
        }
    }

    private sealed class Waiter
    {
        public readonly TaskCompletionSource Granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node;
    }

    /// <summary>Takes a slot, queueing when none is free; true when it had to wait.</summary>
    private async Task<bool> AcquireAsync(bool firstCall, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_free > 0 && _waiting == 0)
            {
                _free--;
                return false;
            }
            if (_waiting >= _settings.MaxQueuedRequests)
            {
                _rejected?.Add(1);
                throw new TooManyRequestsException($"All {Capacity} inference slots are busy and {_settings.MaxQueuedRequests} requests are queued; retry shortly.", 1);
            }
            waiter = new Waiter();
            waiter.Node = (firstCall ? _firstCalls : _laterCalls).AddLast(waiter);
            _waiting++;
        }
        await using var cancel = cancellationToken.Register(() => Abandon(waiter, cancellationToken));
        await waiter.Granted.Task;
        return true;
    }

    /// <summary>A cancelled waiter leaves the queue; one granted a slot in the meantime keeps it and releases it after its check.</summary>
    private void Abandon(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not { } queue) return;
            queue.Remove(waiter.Node);
            waiter.Node = null;
            _waiting--;
        }
        waiter.Granted.TrySetCanceled(cancellationToken);
    }

    /// <summary>Hands the freed slot to the next waiter: first calls first, unless a later call has been passed over enough.</summary>
    private void Release()
    {
        Waiter? next;
        lock (_lock)
        {
            next = Next();
            if (next is null) { _free++; return; }
            next.Node!.List!.Remove(next.Node);
            next.Node = null;
            _waiting--;
        }
        next.Granted.TrySetResult();
    }

    private Waiter? Next()
    {
        if (_firstCalls.First is { } first && (_laterCalls.Count == 0 || _passOvers < MaxPassOvers))
        {
            if (_laterCalls.Count > 0) _passOvers++;
            return first.Value;
        }
        _passOvers = 0;
        return _laterCalls.First?.Value;
    }

    /// <summary>
    /// One request's hold on the limiter, from its first call to its end: knows whether the request may run ahead
    /// (decided when it began) and which of its calls is the first.
    /// </summary>
    public sealed class RequestLease : IDisposable
    {
        private readonly InferenceLimiter _limiter;
        private readonly SpeechWork? _record;
        private int _calls;
        private int _disposed;

        internal RequestLease(InferenceLimiter limiter, SpeechWork? record, bool mayRunAhead) =>
            (_limiter, _record, MayRunAhead) = (limiter, record, mayRunAhead);

        /// <summary>The request had the server to itself when it began: extra work to speak sooner costs nobody.</summary>
        public bool MayRunAhead { get; }

        /// <summary>Model calls this request may run at once, as decided when it began (the early call's plan).</summary>
        public int CallsInFlight => MayRunAhead ? _limiter.CallsInFlightPerRequest : 1;

        /// <summary>
        /// Model calls this request may have running now, asked each time its pipeline could start one: a second call
        /// side by side only while a slot is idle and nothing is queued. A side-by-side call repeats no work, so unlike
        /// the early call it need not be planned at the start: a request that began beside another uses the core the
        /// other leaves when it ends, and a newcomer's first call still goes ahead of it in the queue.
        /// </summary>
        public int CallsInFlightNow() => _limiter.CallsInFlightPerRequest >= 2 && _limiter.HasIdleSlot ? _limiter.CallsInFlightPerRequest : 1;

        /// <summary>Runs one of this request's model calls; its first goes ahead of other requests' later calls.</summary>
        public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken, string? model = null) =>
            _limiter.RunAsync(work, _record, cancellationToken, model, firstCall: Interlocked.Increment(ref _calls) == 1);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _limiter.EndRequest();
        }
    }
}
