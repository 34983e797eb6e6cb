using System.Text.RegularExpressions;

namespace TtsService.Text;

/// <summary>One spoken word and when it is heard, in seconds from the start of the audio.</summary>
public sealed record WordTimestamp(string Word, double StartTime, double EndTime);

/// <summary>
/// Word timings for a synthesized chunk. With the model's per-token durations, each word gets the
/// frames of its phonemes (phoneme words are split on spaces, as espeak separates words); without
/// them, or when the word counts of text and phonemes differ, the chunk's length is shared out in
/// proportion to each word's letters (an estimate; the response says which one was used).
/// </summary>
public static partial class WordTimestamps
{
    public static IReadOnlyList<string> Words(string text) =>
        WordPattern().Matches(text).Select(m => m.Value).ToList();

    /// <param name="offsetSeconds">Start of this chunk in the whole response.</param>
    /// <param name="durations">Per-token durations including the two pads, or null.</param>
    /// <returns>The words and whether they came from the model's durations.</returns>
    public static (List<WordTimestamp> Words, bool FromDurations) ForChunk(
        string text, string phonemes, int[]? durations, int sampleCount, int sampleRate, double offsetSeconds)
    {
        var words = Words(text);
        var seconds = (double)sampleCount / sampleRate;
        if (words.Count == 0 || seconds <= 0) return ([], false);

        var phonemeWords = phonemes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (durations is { Length: > 2 } && phonemeWords.Length == words.Count && durations.Length == phonemes.Length + 2)
        {
            var total = durations.Sum(d => (double)Math.Max(d, 0));
            if (total > 0)
            {
                var secondsPerUnit = seconds / total;
                var result = new List<WordTimestamp>(words.Count);
                var token = 1; // skip the leading pad
                var elapsed = Math.Max(durations[0], 0);
                var wordIndex = 0;
                for (var i = 0; i < phonemes.Length && wordIndex < words.Count;)
                {
                    while (i < phonemes.Length && phonemes[i] == ' ') { elapsed += Math.Max(durations[token++], 0); i++; }
                    var start = elapsed;
                    while (i < phonemes.Length && phonemes[i] != ' ') { elapsed += Math.Max(durations[token++], 0); i++; }
                    result.Add(new WordTimestamp(words[wordIndex++], offsetSeconds + start * secondsPerUnit, offsetSeconds + elapsed * secondsPerUnit));
                }
                return (result, true);
            }
        }

        // Proportional estimate: letters plus one for the gap after each word.
        var weights = words.Select(w => w.Count(char.IsLetterOrDigit) + 1.0).ToArray();
        var sum = weights.Sum();
        var estimate = new List<WordTimestamp>(words.Count);
        double at = 0;
        for (var i = 0; i < words.Count; i++)
        {
            var length = seconds * weights[i] / sum;
            estimate.Add(new WordTimestamp(words[i], offsetSeconds + at, offsetSeconds + at + length * (weights[i] - 1) / weights[i]));
            at += length;
        }
        return (estimate, false);
    }

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}\p{M}'’\-]*")]
    private static partial Regex WordPattern();
}
