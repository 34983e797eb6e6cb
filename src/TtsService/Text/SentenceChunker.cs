using System.Text.RegularExpressions;

namespace TtsService.Text;

/// <summary>
/// Cuts text where a reader would breathe: at sentence ends, then (for an over-long sentence) at
/// clause punctuation, then between words; never inside a word unless one word alone is over the
/// limit. Short sentences are joined up to the limit, except that the first chunk stays short
/// (<see cref="FirstChunkShare"/> of the limit) so a streaming client hears audio sooner.
/// </summary>
public sealed partial class SentenceChunker : ITextChunker
{
    /// <summary>The first chunk's budget as a share of the limit.</summary>
    public const double FirstChunkShare = 0.25;

    public IEnumerable<string> Split(string text, Func<string, int> cost, int maxCost)
    {
        if (maxCost < 1) throw new ArgumentOutOfRangeException(nameof(maxCost));
        var pieces = SentenceEnd().Split(text)
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .SelectMany(s => cost(s) <= maxCost ? [s] : SplitLong(s, cost, maxCost));

        var budget = Math.Max(1, (int)(maxCost * FirstChunkShare));
        string? current = null;
        foreach (var piece in pieces)
        {
            if (current is null) { current = piece; continue; }
            var joined = current + " " + piece;
            if (cost(joined) <= budget)
            {
                current = joined;
                continue;
            }
            yield return current;
            budget = maxCost;
            current = piece;
        }
        if (current is not null) yield return current;
    }

    /// <summary>An over-long sentence: clauses first, then words, then (one giant word) characters.</summary>
    private static IEnumerable<string> SplitLong(string sentence, Func<string, int> cost, int maxCost)
    {
        foreach (var clause in Pack(ClauseEnd().Split(sentence), cost, maxCost))
        {
            if (cost(clause) <= maxCost) { yield return clause; continue; }
            foreach (var words in Pack(clause.Split(' ', StringSplitOptions.RemoveEmptyEntries), cost, maxCost))
            {
                if (cost(words) <= maxCost) { yield return words; continue; }
                foreach (var cut in HardCut(words, cost, maxCost)) yield return cut;
            }
        }
    }

    /// <summary>Joins consecutive parts with spaces while the result stays within the limit.</summary>
    private static IEnumerable<string> Pack(IEnumerable<string> parts, Func<string, int> cost, int maxCost)
    {
        string? current = null;
        foreach (var raw in parts)
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            if (current is null) { current = part; continue; }
            var joined = current + " " + part;
            if (cost(joined) <= maxCost) { current = joined; continue; }
            yield return current;
            current = part;
        }
        if (current is not null) yield return current;
    }

    private static IEnumerable<string> HardCut(string word, Func<string, int> cost, int maxCost)
    {
        var start = 0;
        while (start < word.Length)
        {
            var length = 1;
            while (start + length < word.Length && cost(word.Substring(start, length + 1)) <= maxCost) length++;
            // Do not cut a surrogate pair in half.
            if (start + length < word.Length && char.IsHighSurrogate(word[start + length - 1])) length++;
            yield return word.Substring(start, length);
            start += length;
        }
    }

    // After . ! ? … (optionally followed by closing quotes/brackets) and whitespace, or at a blank line / line break.
    [GeneratedRegex(@"(?<=[.!?…。！？][""'”’)\]]*)\s+|\n+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"(?<=[,;:—–、，；：])\s*", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ClauseEnd();
}
