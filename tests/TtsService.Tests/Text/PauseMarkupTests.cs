using TtsService.Text;

namespace TtsService.Tests.Text;

public sealed class PauseMarkupTests
{
    [Theory]
    [InlineData("Hi [pause:0.5s] there", 0.5)]
    [InlineData("Hi [pause:750ms] there", 0.75)]
    [InlineData("Hi [PAUSE: 2] there", 2.0)]
    [InlineData("Hi [pause:99999s] there", PauseMarkup.MaxSeconds)]
    public void Markers_become_pauses_between_the_text(string text, double seconds)
    {
        var parts = PauseMarkup.Split(text).ToList();
        Assert.Equal([("Hi ", 0.0), ("", seconds), (" there", 0.0)], parts);
    }

    [Theory]
    [InlineData("No markers here.")]
    [InlineData("A [note] in brackets and [pause:abc] stay text.")]
    [InlineData("")]
    public void Other_text_is_left_alone(string text) =>
        Assert.Equal(text, string.Concat(PauseMarkup.Split(text).Select(p => p.Text)));
}
