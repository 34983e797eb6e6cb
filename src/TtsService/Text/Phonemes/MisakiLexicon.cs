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
public sealed partial class MisakiLexicon
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

    /// <summary>
    /// The phonemes of <paramref name="word"/>, in the order of misaki's <c>Lexicon.get_word</c> and
    /// <c>__call__</c> (misaki/en.py): the word, its possessive forms, then a known stem with -s, -ed or
    /// -ing added by misaki's suffix rules; then the same for the lower-cased word when it is
    /// Capitalized or ALL CAPS. (misaki's part-of-speech choices and stress adjustments need a tagger
    /// and are not reproduced: entries with several readings use their DEFAULT.)
    /// </summary>
    public bool TryLookup(string word, bool british, out string phonemes)
    {
        var table = british ? _british : _american;
        word = word.Replace('’', '\'');
        if (TryWord(table, word, british, out phonemes)) return true;
        var lower = word.ToLowerInvariant();
        return lower != word && (word == word.ToUpperInvariant() || word[1..] == word[1..].ToLowerInvariant())
            && TryWord(table, lower, british, out phonemes);
    }

    private static bool TryWord(Dictionary<string, string> table, string word, bool british, out string phonemes)
    {
        if (Lookup(table, word, out phonemes)) return true;
        if (word.EndsWith("s'", StringComparison.Ordinal) && Lookup(table, word[..^2] + "'s", out phonemes)) return true;
        if (word.EndsWith('\'') && Lookup(table, word[..^1], out phonemes)) return true;
        return StemS(table, word, british, out phonemes) || StemEd(table, word, british, out phonemes) || StemIng(table, word, british, out phonemes);
    }

    /// <summary>misaki's lookup: the word, or an ALL-CAPS word not listed as such by its lower case.</summary>
    private static bool Lookup(Dictionary<string, string> table, string word, out string phonemes)
    {
        if (table.TryGetValue(word, out phonemes!)) return true;
        return word.Length > 0 && word == word.ToUpperInvariant() && table.TryGetValue(word.ToLowerInvariant(), out phonemes!);
    }

    // misaki/en.py US_TAUS: sounds before which an American /t/ becomes a flap.
    private const string UsTaus = "AIOWYiuæɑəɛɪɹʊʌ";

    private static bool StemS(Dictionary<string, string> table, string word, bool british, out string phonemes)
    {
        phonemes = "";
        if (word.Length < 3 || !word.EndsWith('s')) return false;
        string? stem = null;
        if (!word.EndsWith("ss", StringComparison.Ordinal) && Lookup(table, word[..^1], out var a)) stem = a;
        else if ((word.EndsWith("'s", StringComparison.Ordinal) || (word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("ies", StringComparison.Ordinal)))
                 && Lookup(table, word[..^2], out var b)) stem = b;
        else if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal) && Lookup(table, word[..^3] + "y", out var c)) stem = c;
        if (string.IsNullOrEmpty(stem)) return false;
        var last = stem[^1];
        phonemes = "ptkfθ".Contains(last) ? stem + "s" : "szʃʒʧʤ".Contains(last) ? stem + (british ? "ɪ" : "ᵻ") + "z" : stem + "z";
        return true;
    }

    private static bool StemEd(Dictionary<string, string> table, string word, bool british, out string phonemes)
    {
        phonemes = "";
        string? stem = null;
        if (word.EndsWith('d') && !word.EndsWith("dd", StringComparison.Ordinal) && Lookup(table, word[..^1], out var a)) stem = a;
        else if (word.EndsWith("ed", StringComparison.Ordinal) && !word.EndsWith("eed", StringComparison.Ordinal) && Lookup(table, word[..^2], out var b)) stem = b;
        if (string.IsNullOrEmpty(stem)) return false;
        var last = stem[^1];
        if ("pkfθʃsʧ".Contains(last)) phonemes = stem + "t";
        else if (last == 'd') phonemes = stem + (british ? "ɪ" : "ᵻ") + "d";
        else if (last != 't') phonemes = stem + "d";
        else if (british || stem.Length < 2) phonemes = stem + "ɪd";
        else if (UsTaus.Contains(stem[^2])) phonemes = stem[..^1] + "ɾᵻd";
        else phonemes = stem + "ᵻd";
        return true;
    }

    private static bool StemIng(Dictionary<string, string> table, string word, bool british, out string phonemes)
    {
        phonemes = "";
        if (!word.EndsWith("ing", StringComparison.Ordinal)) return false;
        string? stem = null;
        if (Lookup(table, word[..^3], out var a)) stem = a;
        else if (Lookup(table, word[..^3] + "e", out var b)) stem = b;
        else if (DoubledConsonantIng().IsMatch(word) && Lookup(table, word[..^4], out var c)) stem = c;
        if (string.IsNullOrEmpty(stem)) return false;
        if (british && "əː".Contains(stem[^1])) return false;
        phonemes = !british && stem.Length > 1 && stem[^1] == 't' && UsTaus.Contains(stem[^2]) ? stem[..^1] + "ɾɪŋ" : stem + "ɪŋ";
        return true;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"([bcdgklmnprstvxz])\1ing$|cking$", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex DoubledConsonantIng();

    public bool IsEmpty(bool british) => (british ? _british : _american).Count == 0;
}
