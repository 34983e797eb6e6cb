using System.Text;
using System.Text.RegularExpressions;

namespace TtsService.Text.Phonemes;

/// <summary>
/// Maps espeak-ng IPA (ties written '^') onto misaki's phoneme set, which Kokoro v1.0 was trained on.
/// English follows hexgrad/misaki <c>misaki/espeak.py</c> (EspeakFallback: FROM_ESPEAKS, then the
/// syllabic-consonant rule, then the British or American replacements); other languages follow the
/// smaller table of misaki's EspeakG2P (diphthongs and affricates to single letters). Ties left
/// unmatched are dropped.
/// </summary>
public static partial class MisakiPhonemes
{
    // misaki/espeak.py FROM_ESPEAKS, longest key first (the order misaki applies them in).
    private static readonly (string From, string To)[] EnglishTable = Longest(new Dictionary<string, string>
    {
        ["\u0303"] = "", ["a^ɪ"] = "I", ["a^ʊ"] = "W", ["d^ʒ"] = "ʤ", ["e"] = "A", ["e^ɪ"] = "A", ["r"] = "ɹ",
        ["t^ʃ"] = "ʧ", ["x"] = "k", ["ç"] = "k", ["ɐ"] = "ə", ["ɔ^ɪ"] = "Y", ["ə^l"] = "ᵊl", ["ɚ"] = "əɹ",
        ["ɬ"] = "l", ["ʔ"] = "t", ["ʔn"] = "tᵊn", ["ʔˌn\u0329"] = "tᵊn", ["ʲ"] = "", ["ʲO"] = "jO", ["ʲQ"] = "jQ",
    });

    // misaki EspeakG2P (non-English): multi-letter phonemes that Kokoro has single symbols for.
    private static readonly (string From, string To)[] OtherTable = Longest(new Dictionary<string, string>
    {
        ["a^ɪ"] = "I", ["a^ʊ"] = "W", ["d^z"] = "ʣ", ["d^ʒ"] = "ʤ", ["e^ɪ"] = "A", ["o^ʊ"] = "O", ["ə^ʊ"] = "Q",
        ["s^s"] = "S", ["t^s"] = "ʦ", ["t^ʃ"] = "ʧ", ["ɔ^ɪ"] = "Y",
    });

    public static string FromEspeak(string ipa, bool english, bool british)
    {
        var ps = Apply(ipa, english ? EnglishTable : OtherTable);
        if (english)
        {
            // A syllabic consonant (combining vertical line below, U+0329) becomes ᵊ before it.
            ps = SyllabicConsonant().Replace(ps, "ᵊ$1").Replace("\u0329", "");
            // espeak writes "button" as ʔn̩: the table already gives tᵊn, and the rule above would add a
            // second ᵊ (misaki's fallback does the same); one is what misaki's own lexicon has.
            ps = ps.Replace("ᵊᵊ", "ᵊ");
            if (british)
            {
                ps = ps.Replace("e^ə", "ɛː").Replace("iə", "ɪə").Replace("ə^ʊ", "Q");
            }
            else
            {
                ps = ps.Replace("o^ʊ", "O").Replace("ɜːɹ", "ɜɹ").Replace("ɜː", "ɜɹ").Replace("ɪə", "iə").Replace("ː", "");
            }
            ps = ps.Replace('o', 'ɔ'); // espeak-ng < 1.52 writes 'o' where misaki expects 'ɔ'
        }
        return ps.Replace("^", "");
    }

    private static string Apply(string ipa, (string From, string To)[] table)
    {
        var sb = new StringBuilder(ipa);
        foreach (var (from, to) in table) sb.Replace(from, to);
        return sb.ToString();
    }

    private static (string, string)[] Longest(Dictionary<string, string> map) =>
        map.OrderByDescending(kv => kv.Key.Length).Select(kv => (kv.Key, kv.Value)).ToArray();

    [GeneratedRegex("(\\S)\u0329")]
    private static partial Regex SyllabicConsonant();
}
