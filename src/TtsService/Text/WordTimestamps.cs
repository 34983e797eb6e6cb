using System.Text.RegularExpressions;

namespace TtsService.Text;

/// <summary>One spoken word and when it is heard, in seconds from the start of the audio.</summary>
/// <param name="Speaker">In a two-speaker dialogue, who says it: "S1" or "S2" (the input's [S1]/[S2] turns); else absent.</param>
public sealed record WordTimestamp(string Word, double StartTime, double EndTime,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Speaker = null);

/// <summary>One speaker's turn within a synthesized chunk of a dialogue.</summary>
/// <param name="Speaker">"S1" or "S2".</param>
/// <param name="Text">The turn's words as the input wrote them.</param>
/// <param name="Weight">The turn's share of the chunk: its token count (the model spends time per token).</param>
public sealed record SpeakerTurn(string Speaker, string Text, int Weight);

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

    /// <summary>The words of <paramref name="chunk"/>: per speaker turn when it has turns, else from its text and durations.</summary>
    /// <param name="offsetSeconds">Start of this chunk in the whole response.</param>
    public static (List<WordTimestamp> Words, bool FromDurations) ForChunk(Inference.AudioChunk chunk, double offsetSeconds)
    {
        var frames = chunk.Samples.Length / chunk.Channels;
        return chunk.Turns is { Count: > 0 } turns
            ? (ForTurns(turns, frames, chunk.SampleRate, offsetSeconds), false)
            : ForChunk(chunk.Text ?? "", chunk.Phonemes ?? "", chunk.Durations, frames, chunk.SampleRate, offsetSeconds);
    }

    /// <summary>
    /// A dialogue chunk's words: the chunk's length is shared out among its turns by their token counts, then within
    /// each turn by letters (an estimate: ZipVoice reports no durations); each word names its speaker.
    /// </summary>
    public static List<WordTimestamp> ForTurns(IReadOnlyList<SpeakerTurn> turns, int sampleCount, int sampleRate, double offsetSeconds)
    {
        var seconds = (double)sampleCount / sampleRate;
        var total = turns.Sum(t => (double)Math.Max(t.Weight, 0));
        var result = new List<WordTimestamp>();
        if (seconds <= 0 || total <= 0) return result;
        var at = offsetSeconds;
        foreach (var turn in turns)
        {
            var length = seconds * Math.Max(turn.Weight, 0) / total;
            var (words, _) = ForChunk(turn.Text, "", null, (int)Math.Round(length * sampleRate), sampleRate, at);
            result.AddRange(words.Select(w => w with { Speaker = turn.Speaker }));
            at += length;
        }
        return result;
    }

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
