using System.Text;

namespace TtsService.Text;

/// <summary>
/// Decides when text that is still arriving (an LLM's answer, a few tokens at a time) can be spoken: the front
/// end of the streaming routes. It only cuts where the rest of the text cannot change what comes before the cut,
/// so each piece normalizes and phonemizes as it would inside the whole text:
/// <list type="bullet">
/// <item>a sentence end (<c>. ! ? …</c>, closing quotes allowed) once whitespace follows it, unless the word before the
/// period is an abbreviation or an initial (<c>Dr.</c>, <c>e.g.</c>, <c>J.</c>);</item>
/// <item>a clause mark (<c>, ; : —</c>) followed by whitespace once enough words have gathered: fewer for the first piece,
/// the first-chunk-short policy of HTTP streaming (<see cref="SentenceChunker.FirstChunkShare"/>);</item>
/// <item>on the max-wait timer (<see cref="TakeOnTimeout"/>), a word boundary between two plain words.</item>
/// </list>
/// Requiring whitespace after a mark is what keeps numbers (<c>3.14</c>, <c>1,000</c>, <c>10:30</c>) and URLs
/// (<c>example.com/a?b</c>) whole while they arrive; a <c>[pause:…]</c> mark is never cut while its bracket is open.
/// Not thread-safe: the session serializes calls.
/// </summary>
public sealed class IncrementalTextSplitter(int firstClauseWords = 3, int clauseWords = 8, int maxPieceChars = 1000)
{
    private readonly StringBuilder _pending = new();

    /// <summary>Pieces handed out so far.</summary>
    public int Pieces { get; private set; }

    /// <summary>Text received and not yet handed out.</summary>
    public string Pending => _pending.ToString();

    public bool HasPending => _pending.Length > 0 && !string.IsNullOrWhiteSpace(_pending.ToString());

    /// <summary>Words in the pending text (whitespace-separated).</summary>
    public int PendingWords => CountWords(_pending.ToString(), 0, _pending.Length);

    public void Append(string text) => _pending.Append(text);

    /// <summary>Forgets the pending text (the client cancelled).</summary>
    public void Clear() => _pending.Clear();

    /// <summary>The next piece that is complete (a sentence, or a clause with enough words), or null to wait for more text.</summary>
    public string? NextComplete()
    {
        var text = _pending.ToString();
        var cut = FirstCut(text);
        if (cut < 0 && text.Length > maxPieceChars) cut = LastWordBoundary(text, minWords: 1);
        return cut < 0 ? null : Take(cut);
    }

    /// <summary>
    /// The max-wait timer fired: a pending sentence end with nothing after it yet is taken whole; otherwise, with at
    /// least <paramref name="minWords"/> words pending, the text up to the last word boundary that cannot change
    /// a neighbour's reading. Null when neither is possible.
    /// </summary>
    public string? TakeOnTimeout(int minWords = 4)
    {
        var text = _pending.ToString();
        var trimmed = text.TrimEnd().Length;
        if (trimmed > 0 && IsSentenceEndAt(text, trimmed) && BracketOpenBefore(text, trimmed) == false) return Take(text.Length);
        if (PendingWords < minWords) return null;
        var cut = LastWordBoundary(text, minWords);
        return cut < 0 ? null : Take(cut);
    }

    /// <summary>Everything pending (flush, or the end of input); null when only whitespace is left.</summary>
    public string? TakeAll() => HasPending ? Take(_pending.Length) : Drop();

    private string? Drop()
    {
        _pending.Clear();
        return null;
    }

    private string Take(int length)
    {
        var piece = _pending.ToString(0, length).Trim();
        _pending.Remove(0, length);
        // The rest starts at its first word.
        var lead = 0;
        while (lead < _pending.Length && char.IsWhiteSpace(_pending[lead])) lead++;
        _pending.Remove(0, lead);
        if (piece.Length == 0) return piece;
        Pieces++;
        return piece;
    }

    /// <summary>Length of the first complete piece in <paramref name="text"/>, or -1.</summary>
    private int FirstCut(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '[') { depth++; continue; }
            if (c == ']')
            {
                if (depth > 0) depth--;
                // A complete [pause:…] mark is a boundary of its own (the backends cut there too).
                if (depth == 0 && IsPauseMarkEndingAt(text, i) && CountWords(text, 0, i + 1) > 0 && FollowedByWhitespace(text, i + 1))
                    return i + 1;
                continue;
            }
            if (depth > 0) continue;
            if (IsSentencePunctuation(c))
            {
                var end = SkipClosers(text, i + 1);
                if (!FollowedByWhitespace(text, end)) continue;
                if (c == '.' && IsAbbreviationBefore(text, i)) continue;
                if (CountWords(text, 0, end) > 0) return end;
            }
            else if (IsClausePunctuation(c))
            {
                var end = SkipClosers(text, i + 1);
                if (!FollowedByWhitespace(text, end)) continue;
                // "1, 2, 3": keep a list of numbers together (and wait to see what follows a number's comma).
                if (i > 0 && char.IsDigit(text[i - 1]) && !NextNonSpaceIsLetter(text, end)) continue;
                if (CountWords(text, 0, end) >= (Pieces == 0 ? firstClauseWords : clauseWords)) return end;
            }
        }
        return -1;
    }

    /// <summary>
    /// The end of the last whitespace run whose neighbours are plain words (letters only, no abbreviation, nothing
    /// numeric within a word of it), with at least <paramref name="minWords"/> words before it; -1 when none.
    /// </summary>
    private static int LastWordBoundary(string text, int minWords)
    {
        var tokens = Tokens(text);
        // Cut after token k (0-based) and before k+1; the last token may still be arriving, so k+1 must exist.
        for (var k = tokens.Count - 2; k >= minWords - 1 && k >= 0; k--)
        {
            var (start, length) = tokens[k];
            var before = text.Substring(start, length);
            var after = text.Substring(tokens[k + 1].Start, tokens[k + 1].Length);
            if (!IsPlainWord(before) || !StartsPlain(after)) continue;
            if (k > 0 && HasDigit(text.Substring(tokens[k - 1].Start, tokens[k - 1].Length))) continue;
            if (k + 2 < tokens.Count && HasDigit(text.Substring(tokens[k + 2].Start, tokens[k + 2].Length))) continue;
            if (BracketOpenBefore(text, tokens[k + 1].Start)) continue;
            if (MonthNames.Contains(before.TrimEnd(',', ';'))) continue;
            return tokens[k + 1].Start;
        }
        return -1;
    }

    private static List<(int Start, int Length)> Tokens(string text)
    {
        var tokens = new List<(int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            if (i > start) tokens.Add((start, i - start));
        }
        return tokens;
    }

    private static bool IsPlainWord(string token)
    {
        // A word, maybe with a trailing comma or semicolon (a clause mark the word count did not allow to cut at).
        var core = token.TrimEnd(',', ';');
        return core.Length > 0 && core.All(c => char.IsLetter(c) || c is '\'' or '’' or '-') && char.IsLetter(core[0]);
    }

    private static bool StartsPlain(string token) => token.Length > 0 && char.IsLetter(token[0]);

    private static bool HasDigit(string token) => token.Any(char.IsDigit);

    private static bool BracketOpenBefore(string text, int end)
    {
        var depth = 0;
        for (var i = 0; i < end && i < text.Length; i++)
        {
            if (text[i] == '[') depth++;
            else if (text[i] == ']' && depth > 0) depth--;
        }
        return depth > 0;
    }

    private static bool IsPauseMarkEndingAt(string text, int close)
    {
        var open = text.LastIndexOf('[', close);
        if (open < 0) return false;
        var parts = PauseMarkup.Split(text.Substring(open, close - open + 1)).ToList();
        return parts.Count == 1 && parts[0].PauseSeconds > 0;
    }

    private static bool IsSentenceEndAt(string text, int end)
    {
        // end is the length of the trimmed text: its last visible character, past closing quotes, ends a sentence.
        var i = end - 1;
        while (i >= 0 && IsCloser(text[i])) i--;
        if (i < 0 || !IsSentencePunctuation(text[i])) return false;
        return !(text[i] == '.' && IsAbbreviationBefore(text, i)) && CountWords(text, 0, end) > 0;
    }

    private static bool IsSentencePunctuation(char c) => c is '.' or '!' or '?' or '…' or '。' or '！' or '？';

    private static bool IsClausePunctuation(char c) => c is ',' or ';' or ':' or '—' or '–' or '、' or '，' or '；' or '：';

    private static bool IsCloser(char c) => c is '"' or '\'' or '”' or '’' or ')' or ']' or '»';

    private static int SkipClosers(string text, int i)
    {
        // A ']' may close a pause mark; the bracket logic handles it, so only quotes and parentheses here.
        while (i < text.Length && IsCloser(text[i]) && text[i] != ']') i++;
        return i;
    }

    private static bool FollowedByWhitespace(string text, int i) => i < text.Length && char.IsWhiteSpace(text[i]);

    private static bool NextNonSpaceIsLetter(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i < text.Length && char.IsLetter(text[i]);
    }

    /// <summary>The token before the period at <paramref name="dot"/> is an abbreviation or an initial, not a sentence's last word.</summary>
    private static bool IsAbbreviationBefore(string text, int dot)
    {
        var start = dot;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] is not ('(' or '"' or '“' or '\'')) start--;
        var token = text[start..dot];
        if (token.Length == 0) return false;
        // An initial (J.) or dotted letters (e.g., U.S., a.m.).
        if (token.Length == 1 && char.IsLetter(token[0])) return true;
        if (token.Contains('.') && token.Split('.').All(p => p.Length == 1 && char.IsLetter(p[0]))) return true;
        return Abbreviations.Contains(token);
    }

    private static int CountWords(string text, int from, int to)
    {
        var words = 0;
        var inWord = false;
        for (var i = from; i < to; i++)
        {
            var letter = char.IsLetterOrDigit(text[i]);
            if (letter && !inWord) words++;
            inWord = letter || (inWord && !char.IsWhiteSpace(text[i]));
        }
        return words;
    }

    /// <summary>Words written with a period that rarely end a sentence (titles, Latin, units, street types).</summary>
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "rev", "hon", "gen", "col", "capt", "lt", "sgt", "gov",
        "sen", "rep", "pres", "vs", "etc", "approx", "dept", "est", "inc", "ltd", "co", "corp", "no", "nos", "vol", "fig",
        "figs", "ch", "sec", "p", "pp", "ave", "rd", "blvd", "ln", "cf", "al", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    };

    private static readonly HashSet<string> MonthNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "of",
    };
}
