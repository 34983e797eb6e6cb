using TtsService.Errors;
using TtsService.Inference.ZipVoice.Dialog;

namespace TtsService.Tests.ZipVoice;

/// <summary>Dialog text rules of k2-fsa/ZipVoice: the [S1] start, two speakers, the split-prompt join and chunk_tokens_dialog.</summary>
public sealed class DialogTextTests
{
    [Theory]
    [InlineData("[S1] Hi. [S2] Hello.")]
    [InlineData("  [S1]Hi.")]
    [InlineData("[S1] Hi. [S1] Me again.")]
    public void Dialogues_that_start_with_S1_and_name_two_speakers_pass(string text) => DialogText.Validate(text, "input");

    [Theory]
    [InlineData("Hi. [S2] Hello.", "dialog_must_start_with_s1")]
    [InlineData("[S2] Hello. [S1] Hi.", "dialog_must_start_with_s1")]
    [InlineData("Plain text.", "dialog_must_start_with_s1")]
    [InlineData("[S1] Hi. [S2] Hello. [S3] Me too.", "too_many_speakers")]
    [InlineData("[S1] Hi. [s3] hey.", "too_many_speakers")]
    [InlineData("[S1] Hi. [s2] hey.", "invalid_speaker_mark")]
    public void Other_dialogues_are_400_with_a_code(string text, string code)
    {
        var e = Assert.Throws<InvalidRequestException>(() => DialogText.Validate(text, "input"));
        Assert.Equal(code, e.Code);
        Assert.Equal("input", e.Param);
    }

    [Fact]
    public void Split_prompts_join_their_transcriptions_as_generate_list_does() =>
        Assert.Equal("[S1]Hello there.[S2]Hi, how are you?", DialogText.JoinTranscripts(" Hello there. ", "Hi, how are you? "));

    [Fact]
    public void Chunks_start_at_S1_and_merge_while_they_fit()
    {
        // chunk_tokens_dialog by hand: dialogs [S1 a b S2 c], [S1 d S2 e f], [S1 g]; max 10 merges the first two (10 tokens),
        // the third starts a new chunk.
        string[] tokens = ["[S1]", "a", "b", "[S2]", "c", "[S1]", "d", "[S2]", "e", "f", "[S1]", "g"];
        var chunks = DialogText.Chunk(tokens, 10);
        Assert.Equal(2, chunks.Count);
        Assert.Equal(tokens[..10], chunks[0]);
        Assert.Equal(tokens[10..], chunks[1]);

        // A dialog longer than the budget stays whole; nothing is lost or reordered.
        var small = DialogText.Chunk(tokens, 3);
        Assert.Equal([5, 5, 2], small.Select(c => c.Count));
        Assert.Equal(tokens, small.SelectMany(c => c));
    }

    [Theory]
    [InlineData("alice+bob", new[] { "alice", "bob" })]
    [InlineData(" alice + bob ", new[] { "alice", "bob" })]
    [InlineData("a+b+c", new[] { "a", "b", "c" })]
    public void Two_or_more_names_are_a_split_prompt(string voice, string[] names) =>
        Assert.Equal(names, DialogPrompts.SplitVoices(voice));

    [Theory]
    [InlineData("alice")]
    [InlineData("url+https://example.com/a+b.wav")]
    [InlineData("base64+UklGRg+/abc")]
    [InlineData("file+upload")]
    [InlineData(null)]
    public void One_name_or_an_inline_prompt_is_one_prompt(string? voice) => Assert.Null(DialogPrompts.SplitVoices(voice));
}
