using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// The phoneme vocabulary of <c>config.json</c> (<c>{"vocab": {"symbol": id, ...}}</c>, 114 symbols in v1.0).
/// Symbols are single Unicode code points (misaki's set), so tokenizing is a per-character lookup.
/// </summary>
public sealed class KokoroVocab
{
    private readonly Dictionary<int, long> _ids;

    public int Count => _ids.Count;

    public KokoroVocab(IReadOnlyDictionary<string, long> vocab)
    {
        _ids = new Dictionary<int, long>(vocab.Count);
        foreach (var (symbol, id) in vocab)
        {
            var runes = symbol.EnumerateRunes().ToList();
            if (runes.Count == 1) _ids[runes[0].Value] = id;
        }
    }

    public static KokoroVocab Load(string configPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        if (!doc.RootElement.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{configPath}: no 'vocab' object.");
        var map = new Dictionary<string, long>();
        foreach (var entry in vocab.EnumerateObject()) map[entry.Name] = entry.Value.GetInt64();
        return new KokoroVocab(map);
    }

    /// <summary>Loads sherpa-onnx's <c>tokens.txt</c>: one "symbol id" per line (the symbol may be a space).</summary>
    public static KokoroVocab LoadTokensTxt(string path)
    {
        var map = new Dictionary<string, long>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var cut = line.LastIndexOf(' ');
            if (cut < 0 || !long.TryParse(line.AsSpan(cut + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) continue;
            var symbol = line[..cut];
            if (symbol.Length == 0) symbol = " ";
            map[symbol] = id;
        }
        return new KokoroVocab(map);
    }

    public bool Contains(Rune symbol) => _ids.ContainsKey(symbol.Value);

    /// <summary>Ids of the symbols of <paramref name="phonemes"/>; symbols outside the vocabulary are dropped.</summary>
    public List<long> Encode(string phonemes)
    {
        var ids = new List<long>(phonemes.Length);
        foreach (var rune in phonemes.EnumerateRunes())
            if (_ids.TryGetValue(rune.Value, out var id)) ids.Add(id);
        return ids;
    }

    /// <summary><paramref name="phonemes"/> with every symbol outside the vocabulary removed.</summary>
    public string Filter(string phonemes)
    {
        var sb = new StringBuilder(phonemes.Length);
        foreach (var rune in phonemes.EnumerateRunes())
            if (_ids.ContainsKey(rune.Value)) sb.Append(rune.ToString());
        return sb.ToString();
    }
}
