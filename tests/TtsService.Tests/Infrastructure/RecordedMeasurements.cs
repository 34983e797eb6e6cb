using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// Every measurement the instruments of one <see cref="IMeterFactory"/> record while this lives (a MeterListener
/// limited to that factory's meters, so other hosts in the test process do not count).
/// </summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Backend)> _measurements = new();

    public RecordedMeasurements(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? backend = null;
        foreach (var tag in tags) if (tag.Key == "backend") backend = tag.Value as string;
        _measurements.Enqueue((instrument.Name, value, backend));
    }

    public double Sum(string instrument, string? backend = null) =>
        _measurements.Where(m => m.Instrument == instrument && (backend is null || m.Backend == backend)).Sum(m => m.Value);

    public int Count(string instrument, string? backend = null) =>
        _measurements.Count(m => m.Instrument == instrument && (backend is null || m.Backend == backend));

    public void Dispose() => _listener.Dispose();
}
