using TtsService.Errors;
using TtsService.Voices;

namespace TtsService.Tests.Voices;

public sealed class VoiceNameTests
{
    [Theory]
    [InlineData("my_voice")]
    [InlineData("A")]
    [InlineData("voice-01_B")]
    [InlineData("CONSOLE")]
    [InlineData("com10")]
    public void Valid_names_pass(string name)
    {
        Assert.True(VoiceName.IsValid(name));
        Assert.Equal(name, VoiceName.Validate(name));
    }

    public static TheoryData<string?> InvalidNames => new()
    {
        null, "", "../x", "..", ".", "a/b", "a\\b", "CON", "con", "Nul", "COM1", "lpt9", "aux",
        new string('a', 65), "é", "名前", "voice\n", "abc\0", " abc", "a b", "a.b", "%2e%2e", "x:y",
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Invalid_names_are_400(string? name)
    {
        Assert.False(VoiceName.IsValid(name));
        var error = Assert.Throws<InvalidRequestException>(() => VoiceName.Validate(name));
        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_voice_name", error.Code);
    }

    [Fact]
    public void Sixty_four_characters_is_the_longest_name()
    {
        Assert.True(VoiceName.IsValid(new string('z', 64)));
        Assert.False(VoiceName.IsValid(new string('z', 65)));
    }
}
