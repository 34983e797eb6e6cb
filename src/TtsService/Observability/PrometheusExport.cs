using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;
using TtsService.Inference;

namespace TtsService.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus' text format, per host. The service's instruments (meter <c>tts</c> of this host's
/// <see cref="IMeterFactory"/>) are read by a <see cref="MeterListener"/> of this host into a prometheus-net registry
/// of its own, which prometheus-net serves together with its HTTP request metrics and process statistics. Nothing is
/// static, so hosts in one process (the tests) never see each other's numbers, and nothing outlives its host.
/// <para>
/// Names are the meter's and the instrument's (<c>tts</c> + <c>synthesis_seconds</c>), types follow the instrument
/// (a Counter is a counter, a Histogram a histogram with the instrument's advised buckets, an observable gauge is read
/// at each scrape). prometheus-net's own MeterAdapter is not used: it publishes counters as gauges and drops a series
/// that has not changed for a while, which would rename a counter's type and reset it, and in 8.2.1 it exported
/// nothing into a registry other than the default one.
/// </para>
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;
    // One Prometheus collector per instrument, made at its first measurement (when its label names are known).
    private readonly ConcurrentDictionary<Instrument, Collector> _collectors = new();

    public PrometheusExport(IMeterFactory meters)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        _factory = Metrics.WithCustomRegistry(Registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Meter.Name == ServiceMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
        // Observable instruments (queue length, expected wait) are read when Prometheus scrapes.
        Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public CollectorRegistry Registry { get; }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_collectors.TryGetValue(instrument, out var collector))
            collector = _collectors.GetOrAdd(instrument, Create, tags.ToArray());
        var labels = new string[collector.LabelNames.Length];
        for (var i = 0; i < labels.Length; i++) labels[i] = TagValue(tags, collector.LabelNames[i]);
        switch (collector)
        {
            case Counter counter when instrument.IsObservable: counter.WithLabels(labels).IncTo(value); break;
            case Counter counter: counter.WithLabels(labels).Inc(value); break;
            case Gauge gauge when instrument.IsObservable: gauge.WithLabels(labels).Set(value); break;
            case Gauge gauge: gauge.WithLabels(labels).Inc(value); break;
            case Histogram histogram: histogram.WithLabels(labels).Observe(value); break;
        }
    }

    private static string TagValue(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
            if (tag.Key == name) return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        return "";
    }

    private Collector Create(Instrument instrument, KeyValuePair<string, object?>[] tags)
    {
        var name = $"{instrument.Meter.Name}_{instrument.Name}";
        var help = instrument.Description ?? name;
        var labels = tags.Select(t => t.Key).Order(StringComparer.Ordinal).ToArray();
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
            return _factory.CreateCounter(name, help, labels);
        if (instrument is Histogram<double> histogram)
            return _factory.CreateHistogram(name, help, labels, new HistogramConfiguration
            {
                Buckets = histogram.Advice?.HistogramBucketBoundaries is { } buckets ? [.. buckets] : Histogram.ExponentialBuckets(0.01, 2, 16),
            });
        return _factory.CreateGauge(name, help, labels);
    }

    public void Dispose() => _listener.Dispose();
}

public static class MetricsExtensions
{
    /// <summary>The synthesis instruments and this host's Prometheus export.</summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<StreamingMetrics>();
        services.AddSingleton<PrometheusExport>();
        return services;
    }

    /// <summary>HTTP request counts and durations by route and status (prometheus-net), into this host's registry.</summary>
    public static IApplicationBuilder UseServiceHttpMetrics(this IApplicationBuilder app)
    {
        var registry = app.ApplicationServices.GetRequiredService<PrometheusExport>().Registry;
        return app.UseHttpMetrics(o => o.SetMetricFactory(Metrics.WithCustomRegistry(registry)));
    }

    /// <summary><c>/metrics</c> in Prometheus' text format. The limiter and estimator are built here so their gauges exist from the start.</summary>
    public static IEndpointRouteBuilder MapServiceMetrics(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var export = services.GetRequiredService<PrometheusExport>(); // listening before the instruments below exist
        _ = services.GetRequiredService<InferenceLimiter>();
        _ = services.GetRequiredService<QueueWaitEstimator>();
        _ = services.GetRequiredService<StreamingMetrics>();
        app.MapMetrics("/metrics", export.Registry);
        return app;
    }
}
