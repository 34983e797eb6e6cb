using System.Text;
using System.Text.RegularExpressions;

namespace TtsService.Text.Chinese;

/// <summary>
/// Chinese text → Kokoro v1.0 phonemes, as misaki's <c>ZHG2P</c> without a version (its <c>legacy_call</c>,
/// the path hexgrad/kokoro takes for Kokoro-82M v1.0; hexgrad/misaki <c>misaki/zh.py</c>):
/// numbers to Chinese numerals (<see cref="ChineseNumbers"/>), full-width punctuation to ASCII
/// (<see cref="MapPunctuation"/>), then each run of CJK characters (U+4E00–U+9FFF) cut into words by jieba,
/// each word to tone-3 pinyin by pypinyin (<see cref="Pinyin.LazyPinyin(string)"/>) and each syllable to
/// phonemes (<see cref="PinyinIpa"/>); words are joined by spaces, syllables within a word are not.
/// One deliberate difference: misaki leaves other text as written, so Latin letters reach Kokoro as if
/// they were phonemes; here runs of Latin letters go to <paramref name="english"/> (the en-us G2P) so mixed
/// text stays readable. Everything else between Chinese runs (punctuation, spaces) is kept, as misaki does.
/// </summary>
public sealed partial class MisakiChinese(ChineseWordSegmenter segmenter, Pinyin pinyin, Func<string, string>? english = null, ILogger? logger = null)
{
    public string Phonemize(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        text = MapPunctuation(ChineseNumbers.Transform(text));
        var sb = new StringBuilder(text.Length * 4);
        foreach (Match segment in Segment().Matches(text))
        {
            if (segment.Groups[1].Success)
            {
                var first = true;
                foreach (var word in segmenter.Cut(segment.Value))
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(WordToPhonemes(word));
                }
            }
            else
            {
                AppendOther(sb, segment.Value, followedByChinese: segment.Index + segment.Length < text.Length);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Text between Chinese runs as misaki keeps it, but with Latin words through the English G2P and set
    /// off by a space from the phonemes around them (misaki glues "我用iPhone" into one word).
    /// </summary>
    private void AppendOther(StringBuilder sb, string other, bool followedByChinese)
    {
        if (english is null) { sb.Append(other); return; }
        var at = 0;
        foreach (Match m in LatinWords().Matches(other))
        {
            sb.Append(other, at, m.Index - at);
            if (sb.Length > 0 && !char.IsWhiteSpace(sb[^1])) sb.Append(' ');
            sb.Append(english(m.Value));
            at = m.Index + m.Length;
            if (at < other.Length ? char.IsLetter(other[at]) : followedByChinese) sb.Append(' ');
        }
        sb.Append(other, at, other.Length - at);
    }

    /// <summary>misaki <c>word2ipa</c>: the word's syllables run together.</summary>
    public string WordToPhonemes(string word)
    {
        var sb = new StringBuilder();
        foreach (var syllable in pinyin.LazyPinyin(word))
        {
            var phonemes = PinyinIpa.ToKokoro(syllable);
            // misaki raises on anything that is not a pinyin syllable (a character pypinyin has no reading
            // for); here it is dropped and logged, so one rare character does not fail the request.
            if (phonemes is null) logger?.LogDebug("No pinyin for {Text}; skipped", syllable);
            else sb.Append(phonemes);
        }
        return sb.ToString();
    }

    /// <summary>misaki <c>ZHG2P.map_punctuation</c>: the same replacements, in the same order, then trimmed.</summary>
    public static string MapPunctuation(string text) => text
        .Replace("、", ", ").Replace("，", ", ").Replace("。", ". ").Replace("．", ". ").Replace("！", "! ")
        .Replace("：", ": ").Replace("；", "; ").Replace("？", "? ").Replace("«", " “").Replace("»", "” ")
        .Replace("《", " “").Replace("》", "” ").Replace("「", " “").Replace("」", "” ").Replace("【", " “")
        .Replace("】", "” ").Replace("（", " (").Replace("）", ") ").Trim();

    [GeneratedRegex("([\u4E00-\u9FFF]+)|[^\u4E00-\u9FFF]+")]
    private static partial Regex Segment();

    [GeneratedRegex("[A-Za-z][A-Za-z'’]*(?:[- ]+[A-Za-z][A-Za-z'’]*)*")]
    private static partial Regex LatinWords();
}
