using TtsService.Errors;
using TtsService.Inference.ZipVoice.Dialog;
using TtsService.Speech;
using TtsService.Text;

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
        Assert.Equal(names, VoiceList.Split(voice));

    [Theory]
    [InlineData("alice")]
    [InlineData("url+https://example.com/a+b.wav")]
    [InlineData("base64+UklGRg+/abc")]
    [InlineData("file+upload")]
    [InlineData(null)]
    public void One_name_or_an_inline_prompt_is_one_prompt(string? voice) => Assert.Null(VoiceList.Split(voice));

    [Fact]
    public void Each_chunk_gets_its_turns_weighed_by_tokens_with_the_words_as_written()
    {
        var written = DialogText.Turns(" [S1] Hi, Bob. [S2]I'm fine![S1] Good. ");
        Assert.Equal([("S1", "Hi, Bob."), ("S2", "I'm fine!"), ("S1", "Good.")], written);
        List<string>[] chunks = [["[S1]", "h", "i", "[S2]", "a", "b", "c"], ["[S1]", "g"]];
        var turns = DialogText.TurnsOfChunks(chunks, written)!;
        Assert.Equal([new SpeakerTurn("S1", "Hi, Bob.", 2), new SpeakerTurn("S2", "I'm fine!", 3)], turns[0]);
        Assert.Equal([new SpeakerTurn("S1", "Good.", 1)], turns[1]);
        // Marks that do not line up with the text: no turns rather than wrong ones.
        Assert.Null(DialogText.TurnsOfChunks([["[S1]", "a", "[S1]", "b"]], written));
        Assert.Null(DialogText.TurnsOfChunks([["[S1]", "a"]], written));
    }

    [Fact]
    public void Turn_captions_share_the_chunk_by_weight_and_name_the_speaker()
    {
        // 2 s of audio from 1 s in; S1 has 1 token of 4, S2 has 3: S1 takes [1, 1.5), S2 [1.5, 3).
        var words = WordTimestamps.ForTurns([new SpeakerTurn("S1", "Hi.", 1), new SpeakerTurn("S2", "Fine, thanks.", 3)], 48000, 24000, 1.0);
        Assert.Equal(["Hi", "Fine", "thanks"], words.Select(w => w.Word));
        Assert.Equal(["S1", "S2", "S2"], words.Select(w => w.Speaker));
        Assert.Equal(1.0, words[0].StartTime, 6);
        Assert.True(words[0].EndTime <= 1.5);
        Assert.Equal(1.5, words[1].StartTime, 3);
        Assert.True(words[2].EndTime is > 2.5 and <= 3.0);
        Assert.All(words.Zip(words.Skip(1)), p => Assert.True(p.First.EndTime <= p.Second.StartTime));
    }
}
