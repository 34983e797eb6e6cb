using Prometheus;

namespace TtsService.Observability;

/// <summary>Metrics of the streaming WebSocket sessions (beside <see cref="ServiceMetrics"/>, in the same style).</summary>
public static class StreamingMetrics
{
    public static readonly Counter Sessions = Metrics.CreateCounter(
        "tts_stream_sessions_total", "Streaming sessions by route and how they ended (done, cancelled, client_closed, limit, error).",
        new CounterConfiguration { LabelNames = ["route", "outcome"] });

    public static readonly Gauge ActiveSessions = Metrics.CreateGauge(
        "tts_stream_sessions_active", "Streaming sessions open now.", new GaugeConfiguration { LabelNames = ["route"] });

    public static readonly Histogram TextToFirstAudio = Metrics.CreateHistogram(
        "tts_stream_text_to_first_audio_seconds", "From a session's first text to its first audio sent (per session and after each cancel).",
        new HistogramConfiguration { LabelNames = ["backend"], Buckets = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30] });

    public static readonly Counter Underruns = Metrics.CreateCounter(
        "tts_stream_underruns_total",
        "Times a session's audio, played in real time from its first byte, ran out before the next chunk was sent although its text had arrived in time.",
        new CounterConfiguration { LabelNames = ["backend"] });

    public static readonly Counter BackpressurePauses = Metrics.CreateCounter(
        "tts_stream_backpressure_pauses_total", "Times a session stopped synthesizing ahead because stream_max_buffered_audio_seconds of audio waited unread.");
}
