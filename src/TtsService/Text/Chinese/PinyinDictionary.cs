using System.IO.Compression;
using System.Text;

namespace TtsService.Text.Chinese;

/// <summary>
/// pypinyin's dictionaries (mozillazg/python-pinyin 0.55.0, MIT): the first reading of 41,923 characters
/// and the readings of 47,111 phrases, already in tone-3 spelling with neutral tone 5 ("zhong1", "ma5",
/// "lv4"), built by <c>tools/pinyin-data/build.py</c> into the embedded <c>pinyin.tsv.gz</c> (650 kB).
/// Loaded once, on first use (<see cref="Shared"/>), so a service that never sees Chinese never pays for it.
/// </summary>
public sealed class PinyinDictionary
{
    private static readonly Lazy<PinyinDictionary> SharedInstance = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedded dictionary, loaded on first use.</summary>
    public static PinyinDictionary Shared => SharedInstance.Value;

    private readonly Dictionary<int, string> _characters;
    private readonly Dictionary<string, string[]> _phrases;
    private readonly HashSet<string> _phrasePrefixes;

    private PinyinDictionary(Dictionary<int, string> characters, Dictionary<string, string[]> phrases)
    {
        _characters = characters;
        _phrases = phrases;
        // pypinyin's mmseg PrefixSet: every prefix of every phrase, so matching can stop early.
        _phrasePrefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phrase in phrases.Keys)
            for (var i = 1; i <= phrase.Length; i++) _phrasePrefixes.Add(phrase[..i]);
    }

    public int CharacterCount => _characters.Count;
    public int PhraseCount => _phrases.Count;

    public bool TryGetCharacter(int codePoint, out string pinyin) => _characters.TryGetValue(codePoint, out pinyin!);
    public bool TryGetPhrase(string phrase, out string[] pinyin) => _phrases.TryGetValue(phrase, out pinyin!);
    public bool IsPhrasePrefix(string text) => _phrasePrefixes.Contains(text);
    public bool IsPhrase(string text) => _phrases.ContainsKey(text);

    private static PinyinDictionary LoadEmbedded()
    {
        using var stream = typeof(PinyinDictionary).Assembly.GetManifestResourceStream("TtsService.Text.Chinese.pinyin.tsv.gz")
            ?? throw new InvalidOperationException("The embedded pinyin dictionary (Text/Chinese/pinyin.tsv.gz) is missing from the build.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return Parse(ReadLines(reader));
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>Lines "C\tchar\tpinyin" and "P\tphrase\tpy py …"; '#' starts a comment.</summary>
    public static PinyinDictionary Parse(IEnumerable<string> lines)
    {
        var characters = new Dictionary<int, string>(42_000);
        var phrases = new Dictionary<string, string[]>(48_000, StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Length < 4 || line[0] == '#') continue;
            var parts = line.Split('\t');
            if (parts.Length != 3) continue;
            if (parts[0] == "C") characters[char.ConvertToUtf32(parts[1], 0)] = string.Intern(parts[2]);
            else if (parts[0] == "P") phrases[parts[1]] = parts[2].Split(' ').Select(string.Intern).ToArray();
        }
        return new PinyinDictionary(characters, phrases);
    }
}
