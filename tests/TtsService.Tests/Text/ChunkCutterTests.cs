using TtsService.Text;

namespace TtsService.Tests.Text;

public sealed class ChunkCutterTests
{
    private static readonly ChunkSchedule Streaming = new(FirstMin: 10, FirstMax: 24, Growth: 2, Max: 510);

    /// <summary>Words of <paramref name="letters"/> letters, one space between; a comma token before the space after word <paramref name="commaAfterWord"/>.</summary>
    private static List<char> Tokens(int words, int letters = 4, int commaAfterWord = -1)
    {
        var tokens = new List<char>();
        for (var w = 0; w < words; w++)
        {
            if (w > 0) tokens.Add(' ');
            tokens.AddRange(Enumerable.Repeat('a', letters));
            if (w == commaAfterWord) tokens.Add(',');
        }
        return tokens;
    }

    private static CutStrength CutAfter(List<char> tokens, int i) =>
        tokens[i] != ' ' ? CutStrength.None : i > 0 && tokens[i - 1] == ',' ? CutStrength.Clause : CutStrength.Word;

    private static List<string> Cut(ChunkCutter cutter, List<char> tokens) =>
        cutter.Cut(tokens.Count, i => CutAfter(tokens, i)).Select(r => new string(tokens.GetRange(r.Start, r.Length).ToArray())).ToList();

    [Fact]
    public void A_long_sentence_streams_a_short_first_call_then_doubling_ones_and_loses_nothing()
    {
        var tokens = Tokens(33); // 164 tokens, like the 165-character sentence
        var cutter = new ChunkCutter(Streaming);
        var pieces = Cut(cutter, tokens);

        Assert.Equal(new string(tokens.ToArray()), string.Concat(pieces));
        Assert.InRange(pieces[0].Length, Streaming.FirstMin, Streaming.FirstMax);
        Assert.EndsWith(" ", pieces[0]); // cut after a word, never inside one
        for (var k = 1; k < pieces.Count - 1; k++)
        {
            Assert.InRange(pieces[k].Length, Streaming.Budget(k) / 2, Streaming.Budget(k));
            Assert.EndsWith(" ", pieces[k]);
        }
        Assert.InRange(pieces[^1].Length, 1, Streaming.Budget(pieces.Count - 1) + Streaming.FirstMin);
        Assert.Equal([24, 48, 96], Enumerable.Range(0, 3).Select(Streaming.Budget));
        Assert.Equal(pieces.Count, cutter.Calls);
        Assert.InRange(pieces.Count, 3, 4);
    }

    [Fact]
    public void A_clause_end_inside_the_budget_wins_over_a_later_word_end()
    {
        var tokens = Tokens(20, commaAfterWord: 2); // "aaaa aaaa aaaa, aaaa ...": the comma sits at token 14
        var pieces = Cut(new ChunkCutter(Streaming), tokens);
        Assert.Equal("aaaa aaaa aaaa, ", pieces[0]);
    }

    [Fact]
    public void A_clause_end_before_the_minimum_is_ignored_for_a_word_end_near_the_budget()
    {
        var tokens = Tokens(20, commaAfterWord: 0); // comma after 4 letters: too short a first call
        var pieces = Cut(new ChunkCutter(Streaming), tokens);
        Assert.InRange(pieces[0].Length, 20, 24);
    }

    [Fact]
    public void Text_without_boundaries_is_cut_hard_at_the_budget()
    {
        var tokens = Enumerable.Repeat('a', 100).ToList();
        var pieces = Cut(new ChunkCutter(Streaming), tokens);
        Assert.Equal([24, 48, 28], pieces.Select(p => p.Length));
    }

    [Fact]
    public void The_schedule_runs_across_sentences_so_only_the_request_starts_short()
    {
        var cutter = new ChunkCutter(Streaming);
        var first = Cut(cutter, Tokens(3));   // 14 tokens: within the first budget, one call
        var second = Cut(cutter, Tokens(11)); // 54 tokens: the second call's budget is 48 (+ slack 10 keeps it whole)
        Assert.Single(first);
        Assert.Single(second);
        var third = Cut(cutter, Tokens(40));  // 199 tokens: budget 96, so it is cut
        Assert.True(third.Count > 1);
        Assert.InRange(third[0].Length, 48, 96);
    }

    [Fact]
    public void A_rest_shorter_than_the_slack_stays_with_its_call()
    {
        var tokens = Tokens(6); // 29 tokens: budget 24 + slack 10 → one call, no 5-token straggler
        Assert.Single(Cut(new ChunkCutter(Streaming), tokens));
    }

    [Fact]
    public void The_whole_schedule_keeps_anything_up_to_the_model_limit_in_one_call_and_never_exceeds_it()
    {
        var whole = ChunkSchedule.Whole(510);
        Assert.Single(Cut(new ChunkCutter(whole), Tokens(100))); // 499 tokens
        var pieces = Cut(new ChunkCutter(whole), Tokens(300));   // 1499 tokens
        Assert.All(pieces, p => Assert.InRange(p.Length, 255, 510));
        var huge = Cut(new ChunkCutter(Streaming with { Growth = 1000 }), Tokens(300));
        Assert.All(huge, p => Assert.True(p.Length <= 510, $"{p.Length}"));
    }
}
