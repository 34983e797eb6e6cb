using TtsService.Audio;

namespace TtsService.Tests.Infrastructure;

/// <summary>The response formats, for theories: one list, taken from the service's own enum.</summary>
public static class TestFormats
{
    public static IReadOnlyList<AudioFormat> All { get; } = Enum.GetValues<AudioFormat>();

    /// <summary>The <c>response_format</c> values (mp3, opus, aac, flac, wav, pcm).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.FileExtension()).ToList();

    /// <summary>Every format, streamed and whole.</summary>
    public static TheoryData<AudioFormat, bool> AllStreamedAndWhole()
    {
        var data = new TheoryData<AudioFormat, bool>();
        foreach (var format in All)
        {
            data.Add(format, true);
            data.Add(format, false);
        }
        return data;
    }
}
