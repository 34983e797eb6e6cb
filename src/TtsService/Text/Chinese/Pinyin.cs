using System.Text;

namespace TtsService.Text.Chinese;

/// <summary>
/// pypinyin's <c>lazy_pinyin(…, style=Style.TONE3, neutral_tone_with_five=True)</c> (mozillazg/python-pinyin
/// <c>pypinyin/core.py</c>, <c>converter.py</c>, <c>seg/simpleseg.py</c>, <c>seg/mmseg.py</c>) over
/// <see cref="PinyinDictionary"/>: one tone-3 syllable per Chinese character, a phrase's own reading
/// when the phrase is in the dictionary (银行 yin2 hang2, 行走 xing2 zou3), each character's first
/// reading otherwise; a run of other characters comes back whole, as written. Thread-safe.
/// </summary>
public sealed class Pinyin(PinyinDictionary dictionary)
{
    public static Pinyin Shared => SharedInstance.Value;
    private static readonly Lazy<Pinyin> SharedInstance = new(() => new Pinyin(PinyinDictionary.Shared));

    /// <summary>
    /// <c>lazy_pinyin(text)</c> for a string (misaki's <c>word2ipa</c>): Chinese and other runs apart
    /// (<c>simple_seg</c>), then each Chinese run cut into dictionary phrases by forward maximum matching
    /// (<c>mmseg.seg</c>, strict: only real phrases, else single characters).
    /// </summary>
    public List<string> LazyPinyin(string text)
    {
        var result = new List<string>();
        foreach (var (run, isHan) in SimpleSeg(text))
        {
            if (!isHan) { result.Add(run); continue; }
            foreach (var word in PhraseCut(run)) Convert(word, toneSandhi: false, result);
        }
        return result;
    }

    /// <summary>
    /// <c>lazy_pinyin(words, …, tone_sandhi=…)</c> for words already segmented (ZipVoice passes jieba's):
    /// pypinyin's module-level <c>lazy_pinyin</c> (an <c>UltimateConverter</c>) keeps an all-Chinese word
    /// whole (no phrase cutting inside it) and, with tone sandhi, applies the rules within each word
    /// (<see cref="ToneSandhi"/>); other words are <c>seg</c>-ed as a string would be.
    /// </summary>
    public List<string> LazyPinyin(IEnumerable<string> words, bool toneSandhi)
    {
        var result = new List<string>();
        foreach (var word in words)
        {
            if (IsAllHan(word)) { Convert(word, toneSandhi, result); continue; }
            foreach (var (run, isHan) in SimpleSeg(word))
            {
                if (!isHan) { result.Add(run); continue; }
                foreach (var piece in PhraseCut(run)) Convert(piece, toneSandhi, result);
            }
        }
        return result;
    }

    /// <summary><c>DefaultConverter.convert</c> for an all-Chinese word: phrase reading, else per character.</summary>
    private void Convert(string word, bool toneSandhi, List<string> result)
    {
        var runes = Runes(word);
        string[] syllables;
        if (dictionary.TryGetPhrase(word, out var phrase) && phrase.Length == runes.Length)
        {
            syllables = (string[])phrase.Clone();
        }
        else
        {
            syllables = new string[runes.Length];
            for (var i = 0; i < runes.Length; i++)
                // A character without a reading comes back as itself (errors='default').
                syllables[i] = dictionary.TryGetCharacter(runes[i].Value, out var py) ? py : runes[i].ToString();
        }
        if (toneSandhi) ToneSandhi.Apply(runes, syllables);
        result.AddRange(syllables);
    }

    /// <summary>pypinyin <c>seg.mmseg.Seg.cut</c> with <c>no_non_phrases=True</c>, over code points.</summary>
    internal IEnumerable<string> PhraseCut(string text)
    {
        var starts = RuneStarts(text);
        var count = starts.Length - 1;
        var at = 0;
        while (at < count)
        {
            string? lastValid = null;
            var lastValidEnd = 0;
            var end = at + 1;
            var broke = false;
            for (; end <= count; end++)
            {
                var word = text[starts[at]..starts[end]];
                if (dictionary.IsPhrasePrefix(word))
                {
                    if (dictionary.IsPhrase(word)) { lastValid = word; lastValidEnd = end; }
                    continue;
                }
                broke = true;
                break;
            }
            if (lastValid is not null)
            {
                yield return lastValid;
                at = lastValidEnd;
            }
            else if (broke)
            {
                // No phrase starts here: one character goes alone.
                yield return text[starts[at]..starts[at + 1]];
                at++;
            }
            else
            {
                // The whole rest is a prefix of some phrase but holds none: pypinyin yields every
                // character alone and stops matching.
                for (; at < count; at++) yield return text[starts[at]..starts[at + 1]];
            }
        }
    }

    /// <summary>pypinyin <c>simple_seg</c>: runs of characters with (RE_HANS) or without readings.</summary>
    internal static IEnumerable<(string Run, bool IsHan)> SimpleSeg(string text)
    {
        var sb = new StringBuilder();
        bool? current = null;
        foreach (var rune in text.EnumerateRunes())
        {
            var han = IsHan(rune.Value);
            if (current is not null && current != han)
            {
                yield return (sb.ToString(), current.Value);
                sb.Clear();
            }
            current = han;
            sb.Append(rune.ToString());
        }
        if (sb.Length > 0) yield return (sb.ToString(), current!.Value);
    }

    public static bool IsAllHan(string text) => text.Length > 0 && text.EnumerateRunes().All(r => IsHan(r.Value));

    /// <summary>pypinyin's <c>RE_HANS</c> (constants.py): the code points its dictionary can have readings for.</summary>
    public static bool IsHan(int c) =>
        c == 0x3007 || c is >= 0xE815 and <= 0xE864 || c == 0xFA18 || c is >= 0x3400 and <= 0x4DBF
        || c is >= 0x4E00 and <= 0x9FFF || c is >= 0xF900 and <= 0xFAFF || c is >= 0x20000 and <= 0x2A6DF
        || c is >= 0x2A703 and <= 0x2B73F || c is >= 0x2B740 and <= 0x2B81D || c is >= 0x2B825 and <= 0x2BF6E
        || c is >= 0x2C029 and <= 0x2CE93 || c == 0x2D016 || c is >= 0x2D11B and <= 0x2EBD9
        || c is >= 0x2F80A and <= 0x2FA1F || c is >= 0x30000 and <= 0x3134A || c is >= 0x31350 and <= 0x32389;

    /// <summary>True for a tone-3 syllable as ZipVoice checks it: letters then one tone digit 1-5.</summary>
    public static bool IsTone3(string s) =>
        s.Length >= 2 && s[^1] is >= '1' and <= '5' && s.AsSpan(0, s.Length - 1).ToString().All(char.IsLetter);

    private static Rune[] Runes(string s) => s.EnumerateRunes().ToArray();

    private static int[] RuneStarts(string s)
    {
        var starts = new List<int>(s.Length + 1);
        var i = 0;
        while (i < s.Length)
        {
            starts.Add(i);
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
        }
        starts.Add(s.Length);
        return starts.ToArray();
    }
}
