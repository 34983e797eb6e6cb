namespace TtsService.Inference.ZipVoice.Tokenizer;

/// <summary>
/// Chinese words → pinyin initials and finals, from a sherpa-onnx ZipVoice pack's <c>lexicon.txt</c>
/// (written by k2-fsa/sherpa-onnx <c>scripts/zipvoice/zh-en/generate_lexicon.py</c> from pypinyin with
/// tone sandhi: <c>你好 n0 i2 h0 ao3</c>, initials carry a "0", finals a tone 1-5). Words are found by
/// forward maximum matching, which stands in for upstream's jieba segmentation.
/// </summary>
public sealed class PinyinLexicon
{
    private readonly Dictionary<string, string[]> _words;

    public int MaxWordLength { get; }
    public int Count => _words.Count;

    private PinyinLexicon(Dictionary<string, string[]> words)
    {
        _words = words;
        MaxWordLength = words.Count == 0 ? 1 : words.Keys.Max(k => k.Length);
    }

    public static PinyinLexicon Load(string path) => Parse(File.ReadLines(path));

    public static PinyinLexicon Parse(IEnumerable<string> lines)
    {
        var words = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(' ', '\t').Where(p => p.Length > 0).ToArray();
            if (parts.Length < 2) continue;
            // The lexicon also has English words (lower case) in some packs; only Chinese ones are used here.
            words.TryAdd(parts[0], parts[1..]);
        }
        return new PinyinLexicon(words);
    }

    /// <summary>Initials and finals of <paramref name="text"/>, a run of Chinese characters; unknown characters are reported and skipped.</summary>
    public List<string> ToPhones(string text, Action<string>? unknown = null)
    {
        var phones = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var matched = false;
            for (var length = Math.Min(MaxWordLength, text.Length - i); length >= 1; length--)
            {
                if (!_words.TryGetValue(text.Substring(i, length), out var p)) continue;
                phones.AddRange(p);
                i += length;
                matched = true;
                break;
            }
            if (matched) continue;
            unknown?.Invoke(text[i].ToString());
            i++;
        }
        return phones;
    }
}
