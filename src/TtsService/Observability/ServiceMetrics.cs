using Prometheus;
using TtsService.Inference;

namespace TtsService.Observability;

/// <summary>
/// The service's own Prometheus metrics (prometheus-net; HTTP request counts by route and status come
/// from its ASP.NET Core middleware). Recorded where every synthesis passes: the response writer.
/// </summary>
public static class ServiceMetrics
{
    private static readonly double[] SecondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public static readonly Histogram SynthesisSeconds = Metrics.CreateHistogram(
        "tts_synthesis_seconds", "Time spent producing the audio of one request (model calls, front end, vocoder).",
        new HistogramConfiguration { LabelNames = ["backend"], Buckets = SecondsBuckets });

    public static readonly Counter AudioSeconds = Metrics.CreateCounter(
        "tts_audio_seconds_total", "Seconds of audio produced.", new CounterConfiguration { LabelNames = ["backend"] });

    public static readonly Histogram RealTimeFactor = Metrics.CreateHistogram(
        "tts_real_time_factor", "Synthesis time divided by audio duration, per request (below 1 is faster than real time).",
        new HistogramConfiguration { LabelNames = ["backend"], Buckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    public static readonly Histogram TimeToFirstByte = Metrics.CreateHistogram(
        "tts_time_to_first_audio_seconds", "From the request's arrival to the first audio bytes sent.",
        new HistogramConfiguration { LabelNames = ["backend"], Buckets = SecondsBuckets });

    public static readonly Gauge QueueLength = Metrics.CreateGauge(
        "tts_inference_queue_length", "Model calls waiting for an inference slot.");

    public static readonly Gauge InFlight = Metrics.CreateGauge(
        "tts_inferences_in_flight", "Model calls running now.");

    public static readonly Counter Rejected = Metrics.CreateCounter(
        "tts_inference_rejected_total", "Requests refused with 429 because the queue was full.");

    /// <summary><c>/metrics</c> in Prometheus' text format, with the limiter's gauges.</summary>
    public static IEndpointRouteBuilder MapServiceMetrics(this IEndpointRouteBuilder app)
    {
        app.MapMetrics();
        Observe(app.ServiceProvider.GetRequiredService<InferenceLimiter>());
        return app;
    }

    /// <summary>Gauges read the limiter when Prometheus scrapes, so they cost nothing between scrapes.</summary>
    public static void Observe(InferenceLimiter limiter) =>
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            QueueLength.Set(limiter.Waiting);
            InFlight.Set(limiter.Running);
        });
}
