namespace TtsService.Inference.ZipVoice.Tokenizer;

/// <summary>
/// ZipVoice's <c>tokens.txt</c>: one <c>{token}\t{id}</c> per line, as read by
/// <c>SimpleTokenizer.__init__</c> in k2-fsa/ZipVoice <c>zipvoice/tokenizer/tokenizer.py</c>; the pad
/// token is <c>_</c>. The space token is a line that starts with a space, so the token is
/// everything before the last separator, never trimmed.
/// </summary>
public sealed class ZipVoiceTokens
{
    private readonly Dictionary<string, long> _ids;

    public long PadId { get; }
    public int Count => _ids.Count;

    private ZipVoiceTokens(Dictionary<string, long> ids, string source)
    {
        _ids = ids;
        if (!ids.TryGetValue("_", out var pad))
            throw new InvalidDataException($"{source}: no pad token '_' (ZipVoice's tokens.txt always has one).");
        PadId = pad;
    }

    public static ZipVoiceTokens Load(string path) => Parse(File.ReadAllLines(path), Path.GetFileName(path));

    public static ZipVoiceTokens Parse(IEnumerable<string> lines, string source = "tokens.txt")
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.TrimEnd('\r', '\n');
            if (line.Trim().Length == 0) continue;
            // Tab is the upstream separator; a space is accepted for hand-written files.
            var cut = line.LastIndexOf('\t');
            if (cut < 0) cut = line.LastIndexOf(' ');
            if (cut < 0 || !long.TryParse(line.AsSpan(cut + 1).Trim(), out var id))
                throw new InvalidDataException($"{source}: line {lineNumber} is not '<token>\\t<id>': '{line}'.");
            var token = cut == 0 ? " " : line[..cut];
            if (!ids.TryAdd(token, id))
                throw new InvalidDataException($"{source}: token '{token}' appears twice (line {lineNumber}).");
        }
        return new ZipVoiceTokens(ids, source);
    }

    public bool Contains(string token) => _ids.ContainsKey(token);

    public bool TryGetId(string token, out long id) => _ids.TryGetValue(token, out id);
}
