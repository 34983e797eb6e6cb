using System.Diagnostics.Metrics;

namespace TtsService.Observability;

/// <summary>
/// The synthesis metrics, as System.Diagnostics.Metrics instruments from this host's <see cref="IMeterFactory"/>
/// (so two hosts in one process never share a series). Recorded where every synthesis passes: the response
/// writer. The limiter and the admission estimator add their own instruments to the same meter. Prometheus
/// names are the meter's name and the instrument's: <c>tts</c> + <c>synthesis_seconds</c> is
/// <c>tts_synthesis_seconds</c> (<see cref="PrometheusExport"/>).
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "tts";
    public const string BackendTag = "backend";

    private static readonly double[] SecondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
    private static readonly double[] RatioBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

    public ServiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        SynthesisSeconds = meter.CreateHistogram("synthesis_seconds", unit: null,
            description: "Time spent producing the audio of one request (model calls, front end, vocoder).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        AudioSeconds = meter.CreateCounter<double>("audio_seconds_total", description: "Seconds of audio produced.");
        RealTimeFactor = meter.CreateHistogram("real_time_factor", unit: null,
            description: "Synthesis time divided by audio duration, per request (below 1 is faster than real time).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RatioBuckets });
        TimeToFirstAudio = meter.CreateHistogram("time_to_first_audio_seconds", unit: null,
            description: "From the request's arrival to the first audio bytes sent.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    public Histogram<double> SynthesisSeconds { get; }
    public Counter<double> AudioSeconds { get; }
    public Histogram<double> RealTimeFactor { get; }
    public Histogram<double> TimeToFirstAudio { get; }

    public static KeyValuePair<string, object?> Backend(string backend) => new(BackendTag, backend);
}
