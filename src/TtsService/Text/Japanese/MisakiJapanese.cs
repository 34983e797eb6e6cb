using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace TtsService.Text.Japanese;

/// <summary>
/// Japanese text → Kokoro v1.0 phonemes, as misaki's <c>JAG2P()</c> does by default (version "cutlet", the one
/// hexgrad/kokoro's pipeline builds for lang_code "j"; hexgrad/misaki <c>misaki/cutlet.py</c>):
/// <list type="number">
/// <item>normalize: a wave dash before a digit → から, small katakana extensions → full size, NFKC, digit runs → a
/// space and their hiragana reading (<see cref="JapaneseNumbers"/>);</item>
/// <item>MeCab with UniDic (<see cref="MecabTagger"/>): each word's reading is UniDic's <c>pron</c>, else
/// <c>kana</c>, else the surface, in hiragana; known words count as kana, unknown ones keep their class;</item>
/// <item>consecutive words of one class that together form an entry of misaki's word list are joined;</item>
/// <item>each word's kana → phonemes with misaki's table (<c>kana.tsv</c>): digraphs, small kana, ー → ː,
/// っ → ʔ, ん by what follows (m, ŋ, ɲ, n or ɴ); ASCII words stay as written; words are separated by spaces,
/// with cutlet's rules around brackets and punctuation.</item>
/// </list>
/// UniDic gives "*" as the reading of punctuation, which cutlet's table has no entry for, so 、 and 。 leave
/// only a word break, as they do in misaki. One deliberate difference: misaki leaves ASCII words as they are
/// (Kokoro would read "iPhone" letter by letter as phonemes); here they go to <paramref name="english"/>.
/// </summary>
public sealed partial class MisakiJapanese(MecabTagger tagger, Func<string, string>? english = null)
{
    private static readonly Lazy<Dictionary<string, string>> Kana = new(LoadKana);
    private static readonly Lazy<WordList> Words = new(LoadWords);

    private sealed class WordList(HashSet<string> words)
    {
        public int MaxLength { get; } = words.Count == 0 ? 0 : words.Max(w => w.Length);
        public bool Contains(string s) => words.Contains(s);
    }

    private const int KanaClass = 6, SymbolClass = 3, KatakanaClass = 7;

    public string Phonemize(string text)
    {
        if (text.Length == 0) return "";
        var words = tagger.Parse(Normalize(text))
            .Select(w => new Word(w.Surface, ToHiragana(NonEmpty(w.Pron) ?? NonEmpty(w.Kana) ?? w.Surface),
                w.CharType == KatakanaClass || !w.IsUnknown ? KanaClass : w.CharType))
            .ToList();
        var sb = new StringBuilder();
        foreach (var token in Tokens(Group(words))) sb.Append(token.Text).Append(token.Space ? " " : "");
        var ps = Whitespace().Replace(sb.ToString().Trim(), " ").Replace('(', '«').Replace(')', '»');
        return SpaceAroundGlottalStop().Replace(ps, "");
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private sealed record Word(string Surface, string Hira, int CharType);

    private sealed class Token(string text)
    {
        public string Text = text;
        public bool Space;
    }

    /// <summary>cutlet <c>_normalize_text</c>.</summary>
    internal static string Normalize(string text)
    {
        text = WaveDashBeforeDigit().Replace(text, "から");
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c is >= '\u31F0' and <= '\u31FF' ? PhoneticExtensions[c - '\u31F0'] : c);
        // NFKC. The service runs with invariant globalization, where Normalize leaves non-ASCII text alone: the
        // width forms (？ ！ Ａ ｶﾞ), which are what Japanese text brings, are folded without ICU first.
        text = FullwidthForms.Fold(sb.ToString()).Normalize(NormalizationForm.FormKC);
        // mojimoji's width conversions come after NFKC, which has already done them.
        return Digits().Replace(text, m => " " + JapaneseNumbers.Convert(m.Value));
    }

    // Katakana Phonetic Extensions U+31F0..U+31FF → the full-size katakana (cutlet's list).
    private const string PhoneticExtensions = "クシストヌハヒフヘホムラリルレロ";

    /// <summary>jaconv <c>kata2hira</c>: ァ..ヶ and ヽヾ move down to hiragana; ヷ..ヺ and ー stay.</summary>
    internal static string ToHiragana(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is >= '\u30A1' and <= '\u30F6' or '\u30FD' or '\u30FE') chars[i] = (char)(chars[i] - 0x60);
        return new string(chars);
    }

    /// <summary>
    /// cutlet <c>_romaji_tokens</c>, first half: from each word, the longest run of words of its class that
    /// together form a listed word is joined. Only runs no longer than the longest listed word are tried
    /// (cutlet tries every run to the end of the class, which is the whole sentence for known words; the result
    /// is the same, without the cubic cost on long texts).
    /// </summary>
    private static List<Word> Group(List<Word> words)
    {
        var list = Words.Value;
        var grouped = new List<Word>();
        var i = 0;
        while (i < words.Count)
        {
            var candidates = new List<int>();
            var length = 0;
            for (var end = i + 1; end <= words.Count && words[end - 1].CharType == words[i].CharType; end++)
            {
                length += words[end - 1].Surface.Length;
                if (length > list.MaxLength) break;
                candidates.Add(end);
            }
            var j = -1;
            for (var c = candidates.Count - 1; c >= 0; c--)
            {
                if (!list.Contains(string.Concat(words.Skip(i).Take(candidates[c] - i).Select(w => w.Surface)))) continue;
                j = candidates[c];
                break;
            }
            if (j < 0) { grouped.Add(words[i]); i++; continue; }
            var group = words.Skip(i).Take(j - i).ToList();
            grouped.Add(new Word(string.Concat(group.Select(w => w.Surface)), string.Concat(group.Select(w => w.Hira)), group[0].CharType));
            i = j;
        }
        return grouped;
    }

    /// <summary>cutlet <c>_romaji_tokens</c>, second half: phonemes per word and the spaces between them.</summary>
    private List<Token> Tokens(List<Word> words)
    {
        var tokens = new List<Token>(words.Count);
        foreach (var word in words)
        {
            var previous = tokens.Count > 0 ? tokens[^1] : null;
            var roma = Romanize(word);
            var token = new Token(roma);
            // Python's `x in "…"` is a substring test, so an empty reading counts as an opening bracket.
            if ("「『«".Contains(word.Surface) || "([".Contains(roma)) { if (previous is not null) previous.Space = true; }
            else if ("」』»".Contains(word.Surface) || "]).,?!:".Contains(roma)) { if (previous is not null) previous.Space = false; token.Space = true; }
            else token.Space = roma != " ";
            tokens.Add(token);
        }
        foreach (var token in tokens) token.Text = token.Text.Replace("っ", "");
        return tokens;
    }

    /// <summary>cutlet <c>_romaji_word</c>.</summary>
    private string Romanize(Word word)
    {
        if (word.Surface.All(char.IsAscii))
            return english is not null && word.Surface.Any(char.IsAsciiLetter) ? english(word.Surface) : word.Surface;
        if (word.CharType == SymbolClass)
            return string.Concat(word.Surface.Select(c => Kana.Value.TryGetValue(c.ToString(), out var v) ? v : c.ToString()));
        if (word.CharType != KanaClass) return ""; // cutlet: unknown kanji and the like are silently dropped
        var sb = new StringBuilder();
        var hira = word.Hira;
        for (var k = 0; k < hira.Length; k++)
            sb.Append(Mora(k > 0 ? hira[k - 1] : null, hira[k], k < hira.Length - 1 ? hira[k + 1] : null));
        return sb.ToString();
    }

    private const string SmallKana = "ゃゅょぁぃぅぇぉ";

    /// <summary>cutlet <c>_get_single_mapping</c>: one kana given its neighbours.</summary>
    private static string Mora(char? previous, char kana, char? next)
    {
        var table = Kana.Value;
        switch (kana)
        {
            case 'ゝ' or 'ヽ': return previous is { } p ? p.ToString() : "";
            case 'ゞ' or 'ヾ':
                if (previous is not { } pv) return "";
                var voiced = AddDakuten(pv);
                return voiced is not null && table.TryGetValue(voiced.Value.ToString(), out var vv) ? vv : "";
            case '〃' or '々': return "";
        }
        if (previous is { } pk && table.TryGetValue($"{pk}{kana}", out var digraph)) return digraph;
        if (next is { } nk && table.ContainsKey($"{kana}{nk}")) return "";
        if (next is { } small && SmallKana.Contains(small))
        {
            if (kana == 'っ') return "";
            var head = table.TryGetValue(kana.ToString(), out var h) ? h : "";
            return (head.Length > 0 ? head[..^1] : "") + (table.TryGetValue(small.ToString(), out var s) ? s : "");
        }
        if (SmallKana.Contains(kana)) return "";
        if (kana == 'ー') return "ː";
        if (kana == 'っ') return "ʔ";
        if (kana == 'ん')
        {
            if (next is { } n && table.TryGetValue(n.ToString(), out var following) && following.Length > 0)
            {
                if ("mpb".Contains(following[0])) return "m";
                if ("k\u0261".Contains(following[0])) return "ŋ"; // ɡ is U+0261, as in the table
                if (following.StartsWith('ɲ') || following.StartsWith('ʨ') || following.StartsWith('ʥ')) return "ɲ";
                if ("ntdɾz".Contains(following[0])) return "n";
            }
            return "ɴ";
        }
        return table.TryGetValue(kana.ToString(), out var single) ? single : "";
    }

    private static char? AddDakuten(char kana)
    {
        const string plain = "かきくけこさしすせそたちつてとはひふへほ", voiced = "がぎぐげござじずぜぞだぢづでどばびぶべぼ";
        var i = plain.IndexOf(kana);
        return i < 0 ? null : voiced[i];
    }

    private static Dictionary<string, string> LoadKana()
    {
        using var stream = typeof(MisakiJapanese).Assembly.GetManifestResourceStream("TtsService.Text.Japanese.kana.tsv")
            ?? throw new InvalidOperationException("The embedded kana table (Text/Japanese/kana.tsv) is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#')) continue;
            var tab = line.IndexOf('\t');
            if (tab > 0) table[line[..tab]] = line[(tab + 1)..];
        }
        return table;
    }

    private static WordList LoadWords()
    {
        using var stream = typeof(MisakiJapanese).Assembly.GetManifestResourceStream("TtsService.Text.Japanese.ja_words.txt.gz")
            ?? throw new InvalidOperationException("The embedded word list (Text/Japanese/ja_words.txt.gz) is missing from the build.");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress), Encoding.UTF8);
        var words = new HashSet<string>(150_000, StringComparer.Ordinal);
        while (reader.ReadLine() is { } line) words.Add(line.Trim());
        return new WordList(words);
    }

    [GeneratedRegex("[〜～](?=[0-9])")]
    private static partial Regex WaveDashBeforeDigit();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // cutlet: no space before ʔ unless after punctuation, none after ʔ unless before an opening quote.
    [GeneratedRegex("(?<![!\",.:;?»—…”]) (?=ʔ)|(?<=ʔ) (?![\"«“])")]
    private static partial Regex SpaceAroundGlottalStop();
}
