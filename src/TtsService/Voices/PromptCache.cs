namespace TtsService.Voices;

/// <summary>
/// Decoded prompts (and anything derived from them, such as the backend's features) kept in memory,
/// least recently used first out, bounded by bytes. A key's kind is the text before its first ':'
/// (<c>voice</c>, <c>url</c>, <c>base64</c>, <c>file</c>); derived entries keep their prompt's prefix
/// (<c>url:ab12#features:zipvoice</c>) so clearing a kind, or dropping a changed voice, clears them too, and
/// <see cref="FeaturesKind"/> clears every derived entry alone.
/// </summary>
public sealed class PromptCache
{
    private sealed record Entry(string Key, object Value, long Bytes);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new(); // most recent first

    /// <summary>The pseudo-kind of every derived (features) entry, whatever its prompt's kind.</summary>
    public const string FeaturesKind = "features";

    private const string FeaturesMarker = "#" + FeaturesKind + ":";

    /// <summary>The key of what <paramref name="variant"/> derives from the prompt cached as <paramref name="promptKey"/>.</summary>
    public static string FeaturesKey(string promptKey, string variant) => promptKey + FeaturesMarker + variant;

    public PromptCache(long capacityBytes) => CapacityBytes = Math.Max(0, capacityBytes);

    public long CapacityBytes { get; }

    public long SizeBytes { get; private set; }

    public int Count { get { lock (_lock) return _index.Count; } }

    public bool TryGet<T>(string key, out T value) where T : class
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node) && node.Value.Value is T found)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                value = found;
                return true;
            }
        }
        value = null!;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/>; an item larger than the whole cache is not kept.</summary>
    public void Set(string key, object value, long bytes)
    {
        lock (_lock)
        {
            RemoveLocked(key);
            if (bytes > CapacityBytes) return;
            _index[key] = _lru.AddFirst(new Entry(key, value, bytes));
            SizeBytes += bytes;
            while (SizeBytes > CapacityBytes && _lru.Last is { } oldest) RemoveLocked(oldest.Value.Key);
        }
    }

    public bool Remove(string key)
    {
        lock (_lock) return RemoveLocked(key);
    }

    /// <summary>Removes every entry whose key matches; returns how many and their bytes.</summary>
    public (int Entries, long Bytes) RemoveWhere(Func<string, bool> predicate)
    {
        lock (_lock)
        {
            var doomed = _index.Keys.Where(predicate).ToList();
            long bytes = 0;
            foreach (var key in doomed)
            {
                bytes += _index[key].Value.Bytes;
                RemoveLocked(key);
            }
            return (doomed.Count, bytes);
        }
    }

    /// <summary>Removes every entry of a kind (<c>url</c>, <c>base64</c>, ..., or <c>features</c>: every derived entry), or all when <paramref name="kind"/> is null.</summary>
    public (int Entries, long Bytes) Clear(string? kind) =>
        RemoveWhere(key => kind is null || KindOf(key) == kind || (kind == FeaturesKind && key.Contains(FeaturesMarker, StringComparison.Ordinal)));

    public static string KindOf(string key)
    {
        var colon = key.IndexOf(':');
        return colon < 0 ? key : key[..colon];
    }

    private bool RemoveLocked(string key)
    {
        if (!_index.Remove(key, out var node)) return false;
        _lru.Remove(node);
        SizeBytes -= node.Value.Bytes;
        return true;
    }
}
