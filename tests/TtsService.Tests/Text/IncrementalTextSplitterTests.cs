using TtsService.Text;

namespace TtsService.Tests.Text;

/// <summary>When a growing text may be cut: the pieces the splitter hands out as characters arrive one by one.</summary>
public sealed class IncrementalTextSplitterTests
{
    /// <summary>Feeds <paramref name="text"/> a character at a time and collects what becomes complete on the way (nothing forced at the end).</summary>
    private static (List<string> Pieces, string Pending) Feed(string text, IncrementalTextSplitter? splitter = null)
    {
        splitter ??= new IncrementalTextSplitter();
        var pieces = new List<string>();
        foreach (var c in text)
        {
            splitter.Append(c.ToString());
            while (splitter.NextComplete() is { } piece) pieces.Add(piece);
        }
        return (pieces, splitter.Pending);
    }

    [Fact]
    public void A_sentence_is_complete_once_whitespace_follows_its_end()
    {
        var (pieces, rest) = Feed("Hello there. How are");
        Assert.Equal(["Hello there."], pieces);
        Assert.Equal("How are", rest);
        var (none, pending) = Feed("Wait!");
        Assert.Empty(none);
        Assert.Equal("Wait!", pending);
    }

    [Theory]
    [InlineData("It costs 3.50 dollars. Next", "It costs 3.50 dollars.")]
    [InlineData("Visit example.com/a.b?c=1 today. Next", "Visit example.com/a.b?c=1 today.")]
    [InlineData("Dr. Smith and Mr. Jones met at 10 a.m. on Jan. 5th. Next", "Dr. Smith and Mr. Jones met at 10 a.m. on Jan. 5th.")]
    [InlineData("We saw J. R. R. Tolkien e.g. at home. Next", "We saw J. R. R. Tolkien e.g. at home.")]
    [InlineData("Wait [pause:0.5s] then go. Next", "Wait [pause:0.5s]")]
    public void Numbers_urls_abbreviations_and_pause_marks_are_never_cut_while_arriving(string text, string first)
    {
        var (pieces, _) = Feed(text);
        Assert.Equal(first, pieces[0]);
        // Nothing was handed out inside the protected spans: every piece, rejoined, is the text.
        Assert.StartsWith(string.Join(' ', pieces), text);
    }

    [Fact]
    public void A_pause_mark_with_spaces_inside_is_not_cut_at_its_colon()
    {
        var (pieces, rest) = Feed("One two three four five six seven [pause: 1 s] and on");
        Assert.Equal(["One two three four five six seven [pause: 1 s]"], pieces);
        Assert.Equal("and on", rest);
    }

    [Fact]
    public void A_clause_mark_cuts_once_enough_words_have_gathered_fewer_for_the_first_piece()
    {
        var (pieces, rest) = Feed("Well, then we go, after all of the people have gone home, we rest, ok");
        // First piece: three words before a comma; later pieces: eight.
        Assert.Equal(["Well, then we go,", "after all of the people have gone home,"], pieces);
        Assert.Equal("we rest, ok", rest);
    }

    [Fact]
    public void A_list_of_numbers_stays_together()
    {
        var (pieces, _) = Feed("The winning numbers are 4, 8, 15, 16, 23 and 42. Done");
        Assert.Equal(["The winning numbers are 4, 8, 15, 16, 23 and 42."], pieces);
    }

    [Fact]
    public void The_timer_cuts_between_plain_words_and_keeps_numbers_with_their_units()
    {
        var splitter = new IncrementalTextSplitter();
        splitter.Append("we need about 5 kg of flour and");
        // "and" may be unfinished; "5 kg of" stays with its neighbours.
        Assert.Equal("we need about 5 kg of flour", splitter.TakeOnTimeout());
        Assert.Equal("and", splitter.Pending);
        Assert.Null(splitter.TakeOnTimeout()); // fewer than four words

        var dates = new IncrementalTextSplitter();
        dates.Append("and so we all met in March 2024 again");
        Assert.Equal("and so we all met", dates.TakeOnTimeout());
    }

    [Fact]
    public void The_timer_takes_a_finished_sentence_that_nothing_follows_yet()
    {
        var splitter = new IncrementalTextSplitter();
        splitter.Append("Yes.");
        Assert.Null(splitter.NextComplete());
        Assert.Equal("Yes.", splitter.TakeOnTimeout());
        splitter.Append("Ask Dr.");
        Assert.Null(splitter.TakeOnTimeout()); // an abbreviation, not an end
    }

    [Fact]
    public void An_open_pause_mark_is_not_cut_by_the_timer()
    {
        var splitter = new IncrementalTextSplitter();
        splitter.Append("one two three four five [pause: 0.5");
        Assert.Equal("one two three four", splitter.TakeOnTimeout());
        Assert.Equal("five [pause: 0.5", splitter.Pending);
    }

    [Fact]
    public void A_long_run_without_punctuation_is_cut_at_a_word_boundary()
    {
        var splitter = new IncrementalTextSplitter(maxPieceChars: 40);
        var (pieces, _) = Feed(string.Join(' ', Enumerable.Repeat("word", 30)), splitter);
        Assert.NotEmpty(pieces);
        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 45));
        Assert.All(pieces, p => Assert.DoesNotContain("wor ", p + " "));
    }

    [Fact]
    public void Take_all_hands_out_the_rest_and_clear_forgets_it()
    {
        var splitter = new IncrementalTextSplitter();
        splitter.Append("unfinished 3.");
        Assert.Null(splitter.NextComplete());
        Assert.Equal("unfinished 3.", splitter.TakeAll());
        Assert.Null(splitter.TakeAll());
        splitter.Append("dropped");
        splitter.Clear();
        Assert.False(splitter.HasPending);
    }
}
