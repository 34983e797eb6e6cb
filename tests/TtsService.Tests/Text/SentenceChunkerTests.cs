using TtsService.Text;

namespace TtsService.Tests.Text;

public sealed class SentenceChunkerTests
{
    private readonly SentenceChunker _chunker = new();

    [Fact]
    public void Sentences_are_joined_up_to_the_limit_with_a_short_first_chunk()
    {
        var text = string.Join(' ', Enumerable.Range(1, 30).Select(i => $"This is sentence {i}."));
        var chunks = _chunker.Split(text, s => s.Length, 100).ToList();
        Assert.True(chunks[0].Length <= 25, chunks[0]);
        Assert.All(chunks, c => Assert.True(c.Length <= 100, c));
        Assert.All(chunks, c => Assert.EndsWith(".", c)); // cuts only at sentence ends
        Assert.Equal(text, string.Join(' ', chunks));
    }

    [Fact]
    public void A_long_sentence_is_cut_at_clauses_then_words_never_inside_a_word()
    {
        var sentence = string.Join(", ", Enumerable.Range(1, 40).Select(i => $"clause {i} goes on"));
        var chunks = _chunker.Split(sentence, s => s.Length, 60).ToList();
        Assert.All(chunks, c => Assert.True(c.Length <= 60, c));
        Assert.Equal(sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries), string.Join(' ', chunks).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(chunks.Skip(1), c => Assert.StartsWith("clause", c));
    }

    [Fact]
    public void A_single_giant_word_is_cut_by_characters_without_splitting_surrogate_pairs()
    {
        var word = string.Concat(Enumerable.Repeat("ab😀", 50));
        var chunks = _chunker.Split(word, s => s.Length, 7).ToList();
        Assert.Equal(word, string.Concat(chunks));
        Assert.All(chunks, c => Assert.False(char.IsHighSurrogate(c[^1])));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n  ")]
    public void Blank_text_gives_no_chunks(string text) => Assert.Empty(_chunker.Split(text, s => s.Length, 10));

    [Fact]
    public void Paragraph_breaks_end_a_sentence_even_without_punctuation()
    {
        var chunks = _chunker.Split("A heading\n\nThe body text follows here and is long enough.", s => s.Length, 30).ToList();
        Assert.Equal("A heading", chunks[0]);
    }
}
