using System.Diagnostics.Metrics;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Observability;

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

    private readonly Lock _lock = new();
    private readonly HashSet<SpeechWork> _inFlight = [];
    private readonly Dictionary<string, double> _meanCost = new(StringComparer.Ordinal);
    private readonly Counter<long>? _refused;
    private double? _meanCostAny;

    /// <param name="meters">This host's meter factory (the instruments are this host's, read on each scrape); none in unit tests.</param>
    public QueueWaitEstimator(TtsSettings settings, IMeterFactory? meters = null)
    {
        Slots = settings.EffectiveMaxConcurrentInferences;
        MaxWaitSeconds = Math.Max(0, settings.MaxQueueWaitSeconds);
        if (meters is null) return;
        var meter = meters.Create(ServiceMetrics.MeterName);
        meter.CreateObservableGauge("expected_queue_wait_seconds", () => ExpectedWaitSeconds,
            description: "Estimated wait of a request arriving now: the inference work admitted requests still owe, divided by the inference slots.");
        meter.CreateObservableGauge("request_inference_seconds_mean", MeanCosts,
            description: "Moving average of the inference slot-seconds one request costs, per backend (the measured service rate).");
        _refused = meter.CreateCounter<long>("admission_rejected_total",
            description: "Requests refused with 429 because their expected wait exceeded max_queue_wait_seconds.");
        _refused.Add(0); // the series exists (at 0) from the start, as a scraper expects of a counter
    }

    public int Slots { get; }

    /// <summary>0: admission by expected wait is off (the queue length alone limits, as <c>max_queued_requests</c>).</summary>
    public double MaxWaitSeconds { get; }

    public double ExpectedWaitSeconds
    {
        get { lock (_lock) return ExpectedWaitLocked(); }
    }

    private IEnumerable<Measurement<double>> MeanCosts()
    {
        lock (_lock) return _meanCost.Select(c => new Measurement<double>(c.Value, new KeyValuePair<string, object?>("backend", c.Key))).ToList();
    }

    /// <summary>Admits a request, or throws 429 when its expected wait is above the limit. The caller hands the record on explicitly.</summary>
    public SpeechWork Admit()
    {
        lock (_lock)
        {
            // Checked and added under one lock: a burst arriving together is judged one by one.
            var wait = ExpectedWaitLocked();
            if (MaxWaitSeconds > 0 && wait > MaxWaitSeconds)
            {
                _refused?.Add(1);
                var retryAfter = (int)Math.Clamp(Math.Ceiling(wait - MaxWaitSeconds), 1, 3600);
                throw new TooManyRequestsException(
                    $"The expected wait here is {wait:0.#} s, above max_queue_wait_seconds ({MaxWaitSeconds:0.#} s); retry in {retryAfter} s or on another replica.", retryAfter);
            }
            var work = new SpeechWork(this);
            _inFlight.Add(work);
            return work;
        }
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

    internal void Finished(SpeechWork work, bool measured)
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

    internal void Remove(SpeechWork work)
    {
        lock (_lock) _inFlight.Remove(work);
    }
}
