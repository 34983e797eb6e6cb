using System.Diagnostics.Metrics;

namespace TtsService.Observability;

/// <summary>
/// Metrics of the streaming WebSocket sessions: instruments of this host's <see cref="IMeterFactory"/> on the service's
/// meter (<see cref="ServiceMetrics.MeterName"/>), exported on <c>/metrics</c> beside the synthesis metrics
/// (<see cref="PrometheusExport"/>): <c>tts_stream_sessions_total</c>, <c>tts_stream_sessions_active</c>,
/// <c>tts_stream_text_to_first_audio_seconds</c>, <c>tts_stream_underruns_total</c> and
/// <c>tts_stream_backpressure_pauses_total</c>.
/// </summary>
public sealed class StreamingMetrics
{
    private static readonly double[] FirstAudioBuckets = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30];

    private readonly Counter<long> _sessions;
    private readonly UpDownCounter<long> _active;
    private readonly Histogram<double> _textToFirstAudio;
    private readonly Counter<long> _underruns;
    private readonly Counter<long> _backpressurePauses;

    public StreamingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceMetrics.MeterName);
        _sessions = meter.CreateCounter<long>("stream_sessions_total",
            description: "Streaming sessions by route and how they ended (done, cancelled, client_closed, limit, error).");
        _active = meter.CreateUpDownCounter<long>("stream_sessions_active", description: "Streaming sessions open now.");
        _textToFirstAudio = meter.CreateHistogram("stream_text_to_first_audio_seconds", unit: null,
            description: "From a session's first text to its first audio sent (per session and after each cancel).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstAudioBuckets });
        _underruns = meter.CreateCounter<long>("stream_underruns_total",
            description: "Times a session's audio, played in real time from its first byte, ran out before the next chunk was sent although its text had arrived in time.");
        _backpressurePauses = meter.CreateCounter<long>("stream_backpressure_pauses_total",
            description: "Times a session stopped synthesizing ahead because stream_max_buffered_audio_seconds of audio waited unread.");
        // The series exist (at 0) from the start, as a scraper expects of a counter: one per backend for the labelled one.
        _backpressurePauses.Add(0);
        foreach (var backend in new[] { Inference.ModelCatalog.Kokoro, Inference.ModelCatalog.ZipVoice }) _underruns.Add(0, ServiceMetrics.Backend(backend));
    }

    public void SessionOpened(string route) => _active.Add(1, new KeyValuePair<string, object?>("route", route));

    public void SessionEnded(string route, string outcome)
    {
        _active.Add(-1, new KeyValuePair<string, object?>("route", route));
        _sessions.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void TextToFirstAudio(string backend, double seconds) => _textToFirstAudio.Record(seconds, ServiceMetrics.Backend(backend));

    public void Underrun(string backend) => _underruns.Add(1, ServiceMetrics.Backend(backend));

    public void BackpressurePause() => _backpressurePauses.Add(1);
}
