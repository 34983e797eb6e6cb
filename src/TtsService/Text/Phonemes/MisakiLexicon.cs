using System.Text.Json;
using TtsService.Configuration;

namespace TtsService.Text.Phonemes;

/// <summary>
/// misaki's English pronunciation dictionaries (hexgrad/misaki <c>misaki/data/{us,gb}_{gold,silver}.json</c>),
/// the phonemes Kokoro v1.0 was trained on, read from <c>models_dir/kokoro/</c> when present
/// (<c>models/download.sh</c> fetches them). Gold entries win over silver. An entry is a phoneme string
/// or, for words whose reading depends on the part of speech, an object whose <c>DEFAULT</c> is used.
/// Words not listed are left to espeak-ng, as misaki itself does.
/// </summary>
public sealed class MisakiLexicon
{
    private readonly Dictionary<string, string> _american = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _british = new(StringComparer.Ordinal);

    public int AmericanCount => _american.Count;
    public int BritishCount => _british.Count;

    /// <summary>An empty lexicon: every word goes to espeak-ng.</summary>
    public MisakiLexicon() { }

    public MisakiLexicon(TtsSettings settings, IHostEnvironment environment, ILogger<MisakiLexicon> logger)
        : this(Path.Combine(settings.ResolvePath(environment.ContentRootPath, settings.ModelsDir), "kokoro"), logger) { }

    public MisakiLexicon(string directory, ILogger? logger = null)
    {
        foreach (var (file, target) in new[] { ("us_gold.json", _american), ("us_silver.json", _american), ("gb_gold.json", _british), ("gb_silver.json", _british) })
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path)) continue;
            try
            {
                var added = Load(path, target);
                logger?.LogInformation("misaki lexicon {File}: {Words} words", file, added);
            }
            catch (Exception e) when (e is JsonException or IOException or InvalidDataException)
            {
                logger?.LogWarning("misaki lexicon {File} is unreadable ({Reason}); espeak-ng reads those words instead", file, e.Message);
            }
        }
    }

    /// <summary>Adds the entries of <paramref name="path"/> that are not there yet (gold is loaded first).</summary>
    private static int Load(string path, Dictionary<string, string> target)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("not a JSON object");
        var added = 0;
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            var phonemes = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString(),
                JsonValueKind.Object => entry.Value.TryGetProperty("DEFAULT", out var d) && d.ValueKind == JsonValueKind.String
                    ? d.GetString()
                    : entry.Value.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.String).GetString(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(phonemes) && target.TryAdd(entry.Name, phonemes)) added++;
        }
        return added;
    }

    /// <summary>The phonemes of <paramref name="word"/>: as written, then lower-cased (misaki keys common words in lower case).</summary>
    public bool TryLookup(string word, bool british, out string phonemes)
    {
        var table = british ? _british : _american;
        if (table.TryGetValue(word, out phonemes!)) return true;
        var lower = word.ToLowerInvariant();
        return lower != word && table.TryGetValue(lower, out phonemes!);
    }

    public bool IsEmpty(bool british) => (british ? _british : _american).Count == 0;
}
