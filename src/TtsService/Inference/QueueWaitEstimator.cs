using Prometheus;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Inference;

/// <summary>
/// Admission by expected wait (<c>max_queue_wait_seconds</c>): a newcomer's wait is estimated from the work the
/// requests already admitted still have to do, and it is answered 429 with a <c>Retry-After</c> from that estimate
/// when the wait would exceed the limit, so a client (or a load balancer with another replica free) learns at once
/// instead of queueing for a minute.
/// <para>
/// The measure of work is inference slot-seconds: every model call's wall time is charged to its request, and
/// each backend's cost of a whole request is a moving average of what finished requests cost (the measured service
/// rate: a backend's audio seconds per request ÷ its audio seconds per wall second). A request in flight still owes
/// its backend's mean cost less what it has used (at least nothing); the expected wait is what all of them owe,
/// divided by the inference slots. Model calls interleave in one FIFO queue, so that is about when a newcomer's own
/// calls have the slots to themselves. The same number is in /metrics as <c>tts_expected_queue_wait_seconds</c>:
/// the natural signal to autoscale on.
/// </para>
/// </summary>
public sealed class QueueWaitEstimator
{
    /// <summary>Weight of the newest request in a backend's mean cost.</summary>
    private const double Smoothing = 0.3;

    private static readonly AsyncLocal<RequestWork?> CurrentWork = new();

    private static readonly Gauge ExpectedWait = Metrics.CreateGauge(
        "tts_expected_queue_wait_seconds", "Estimated wait of a request arriving now: the inference work admitted requests still owe, divided by the inference slots.");
    private static readonly Gauge MeanCost = Metrics.CreateGauge(
        "tts_request_inference_seconds_mean", "Moving average of the inference slot-seconds one request costs, per backend (the measured service rate).",
        new GaugeConfiguration { LabelNames = ["backend"] });
    private static readonly Counter Refused = Metrics.CreateCounter(
        "tts_admission_rejected_total", "Requests refused with 429 because their expected wait exceeded max_queue_wait_seconds.");

    private readonly Lock _lock = new();
    private readonly HashSet<RequestWork> _inFlight = [];
    private readonly Dictionary<string, double> _meanCost = new(StringComparer.Ordinal);
    private double? _meanCostAny;

    public QueueWaitEstimator(TtsSettings settings)
    {
        Slots = settings.EffectiveMaxConcurrentInferences;
        MaxWaitSeconds = Math.Max(0, settings.MaxQueueWaitSeconds);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            ExpectedWait.Set(ExpectedWaitSeconds);
            lock (_lock)
                foreach (var (backend, cost) in _meanCost) MeanCost.WithLabels(backend).Set(cost);
        });
    }

    public int Slots { get; }

    /// <summary>0: admission by expected wait is off (the queue length alone limits, as <c>max_queued_requests</c>).</summary>
    public double MaxWaitSeconds { get; }

    /// <summary>The request being served on this async flow, if it was admitted here.</summary>
    public static RequestWork? Current => CurrentWork.Value;

    public double ExpectedWaitSeconds
    {
        get { lock (_lock) return ExpectedWaitLocked(); }
    }

    /// <summary>Admits a request (and makes it <see cref="Current"/>), or throws 429 when its expected wait is above the limit.</summary>
    public RequestWork Admit()
    {
        RequestWork work;
        lock (_lock)
        {
            // Checked and added under one lock: a burst arriving together is judged one by one.
            var wait = ExpectedWaitLocked();
            if (MaxWaitSeconds > 0 && wait > MaxWaitSeconds)
            {
                Refused.Inc();
                var retryAfter = (int)Math.Clamp(Math.Ceiling(wait - MaxWaitSeconds), 1, 3600);
                throw new TooManyRequestsException(
                    $"The expected wait here is {wait:0.#} s, above max_queue_wait_seconds ({MaxWaitSeconds:0.#} s); retry in {retryAfter} s or on another replica.", retryAfter);
            }
            work = new RequestWork(this);
            _inFlight.Add(work);
        }
        CurrentWork.Value = work;
        return work;
    }

    private double ExpectedWaitLocked()
    {
        var owed = 0.0;
        foreach (var work in _inFlight)
        {
            if (work.IsFinished) continue;
            var mean = work.Backend is { } backend && _meanCost.TryGetValue(backend, out var cost) ? cost : _meanCostAny ?? 0;
            owed += Math.Max(0, mean - work.InferenceSeconds);
        }
        return owed / Math.Max(1, Slots);
    }

    private void Finished(RequestWork work, bool measured)
    {
        lock (_lock)
        {
            if (measured && work.Backend is { } backend && work.InferenceSeconds > 0)
            {
                _meanCost[backend] = _meanCost.TryGetValue(backend, out var mean) ? mean + Smoothing * (work.InferenceSeconds - mean) : work.InferenceSeconds;
                _meanCostAny = _meanCostAny is { } any ? any + Smoothing * (work.InferenceSeconds - any) : work.InferenceSeconds;
            }
        }
    }

    private void Remove(RequestWork work)
    {
        lock (_lock) _inFlight.Remove(work);
    }

    /// <summary>One admitted request: which backend serves it and the inference time it has used.</summary>
    public sealed class RequestWork(QueueWaitEstimator owner) : IDisposable
    {
        private double _inferenceSeconds;
        private int _finished;

        public string? Backend { get; private set; }
        public double InferenceSeconds => Volatile.Read(ref _inferenceSeconds);
        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        public void SetBackend(string backend) => Backend ??= backend;

        /// <summary>Charged by the inference limiter for each model call of this request.</summary>
        public void AddInference(double seconds)
        {
            double seen, next;
            do { seen = Volatile.Read(ref _inferenceSeconds); next = seen + seconds; }
            while (Interlocked.CompareExchange(ref _inferenceSeconds, next, seen) != seen);
        }

        /// <summary>Its synthesis is over (the rest is sending bytes): it owes nothing more; a whole synthesis updates its backend's mean cost.</summary>
        public void Finish(bool complete)
        {
            if (Interlocked.Exchange(ref _finished, 1) == 0) owner.Finished(this, complete);
        }

        public void Dispose()
        {
            Finish(complete: false);
            owner.Remove(this);
        }
    }
}
