using TtsService.Text;

namespace TtsService.Tests.Text;

public class WordTimestampsTests
{
    [Fact]
    public void Durations_give_each_word_the_frames_of_its_phonemes()
    {
        // "ab cd": tokens pad a b ␠ c d pad with durations 2 1 1 4 3 3 6 → 20 units over 1 s of audio.
        var (words, fromDurations) = WordTimestamps.ForChunk("Hi you", "ab cd", [2, 1, 1, 4, 3, 3, 6], 24000, 24000, 10);
        Assert.True(fromDurations);
        Assert.Equal(["Hi", "you"], words.Select(w => w.Word));
        Assert.Equal(10 + 2 / 20.0, words[0].StartTime, 9);
        Assert.Equal(10 + 4 / 20.0, words[0].EndTime, 9);
        Assert.Equal(10 + 8 / 20.0, words[1].StartTime, 9);
        Assert.Equal(10 + 14 / 20.0, words[1].EndTime, 9);
    }

    [Fact]
    public void Without_durations_the_estimate_is_monotonic_and_inside_the_chunk()
    {
        var (words, fromDurations) = WordTimestamps.ForChunk("The quick brown fox jumps over the lazy dog.", "", null, 48000, 24000, 1.5);
        Assert.False(fromDurations);
        Assert.Equal(9, words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            Assert.True(words[i].StartTime < words[i].EndTime);
            if (i > 0) Assert.True(words[i].StartTime >= words[i - 1].EndTime);
            Assert.InRange(words[i].StartTime, 1.5, 3.5);
            Assert.InRange(words[i].EndTime, 1.5, 3.5);
        }
    }
}
