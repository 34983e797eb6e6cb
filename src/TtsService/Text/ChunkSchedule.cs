namespace TtsService.Text;

/// <summary>
/// How many tokens each model call gets. A streamed response starts with a short call so the first
/// audio leaves early, then the calls grow so the whole request costs about what one big call would.
/// Growth is bounded by real time: while the client plays chunk N, chunk N+1 must be synthesized, so
/// with a real-time factor r a chunk may be at most 1/r times longer than the one before it.
/// </summary>
/// <param name="FirstMin">The first call is never cut shorter than this (a cut looks for a boundary past it).</param>
/// <param name="FirstMax">Budget of the first call.</param>
/// <param name="Growth">Each later call's budget is the previous one's times this.</param>
/// <param name="Max">Hard limit of any call (the model's context).</param>
public sealed record ChunkSchedule(int FirstMin, int FirstMax, double Growth, int Max)
{
    /// <summary>No early cut: every call as long as the model allows (a whole file, not a stream).</summary>
    public static ChunkSchedule Whole(int max) => new(max / 2, max, 1, max);

    /// <summary>Budget of the call with this index (0 = first of the request).</summary>
    public int Budget(int index) => (int)Math.Min(Max, FirstMax * Math.Pow(Growth, Math.Min(index, 64)));

    /// <summary>Shortest cut accepted for the call with this index: the first may stop at <see cref="FirstMin"/>, later ones at half their budget.</summary>
    public int MinimumCut(int index) => index == 0 ? Math.Min(FirstMin, FirstMax) : Math.Max(1, Budget(index) / 2);
}

/// <summary>Where a token sequence may be cut: after a clause (punctuation), after a word, or nowhere.</summary>
public enum CutStrength { None = 0, Word = 1, Clause = 2 }

/// <summary>
/// Cuts one request's token sequences into model calls that follow a <see cref="ChunkSchedule"/>. One
/// cutter serves a whole request, so the schedule runs across sentences: only the request's first call
/// is short.
/// </summary>
public sealed class ChunkCutter(ChunkSchedule schedule)
{
    private int _calls;

    public ChunkSchedule Schedule => schedule;

    /// <summary>Calls emitted so far.</summary>
    public int Calls => _calls;

    /// <summary>
    /// Splits <paramref name="count"/> tokens into (start, length) ranges. <paramref name="cutAfter"/>
    /// says how good a cut after token i is. Within a call's budget the latest clause end wins, then the
    /// latest word end; with neither, the budget is cut hard. A rest that fits in the budget plus
    /// <see cref="ChunkSchedule.FirstMin"/> stays whole rather than making a tiny extra call.
    /// </summary>
    public List<(int Start, int Length)> Cut(int count, Func<int, CutStrength> cutAfter)
    {
        var ranges = new List<(int, int)>();
        var start = 0;
        while (count - start > 0)
        {
            var budget = schedule.Budget(_calls);
            var rest = count - start;
            if (rest <= Math.Min((long)schedule.Max, (long)budget + schedule.FirstMin))
            {
                ranges.Add((start, rest));
                _calls++;
                break;
            }
            var end = BestCut(start, budget, schedule.MinimumCut(_calls), cutAfter);
            ranges.Add((start, end - start));
            _calls++;
            start = end;
        }
        return ranges;
    }

    private static int BestCut(int start, int budget, int minimum, Func<int, CutStrength> cutAfter)
    {
        int word = -1, anyWord = -1;
        for (var end = start + budget; end > start; end--)
        {
            var strength = cutAfter(end - 1);
            if (end - start >= minimum)
            {
                if (strength == CutStrength.Clause) return end;
                if (strength == CutStrength.Word && word < 0) word = end;
            }
            else if (strength != CutStrength.None && anyWord < 0) anyWord = end;
        }
        // A word end past the minimum; else any boundary at all; else the budget, hard.
        return word > 0 ? word : anyWord > 0 ? anyWord : start + budget;
    }
}
