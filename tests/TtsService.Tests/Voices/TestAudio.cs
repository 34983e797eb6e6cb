using System.Diagnostics;
using TtsService.Tests.Audio;

namespace TtsService.Tests.Voices;

/// <summary>Generated prompt audio for tests: a sine as 16-bit PCM WAV, written by the one test WAV writer (<see cref="PromptFiles.Wav"/>).</summary>
internal static class TestAudio
{
    public static byte[] SineWav(double seconds, int sampleRate = 24000, int channels = 1, double frequency = 220) =>
        PromptFiles.ToneWav(sampleRate, channels, seconds, bits: 16, hz: frequency);

    /// <summary>A real recording: espeak-ng speaking <paramref name="text"/> (22.05 kHz WAV, resampled by the service).</summary>
    public static byte[] SpokenWav(string text)
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var espeak = Process.Start(new ProcessStartInfo("espeak-ng", $"-w {path} \"{text}\"") { RedirectStandardError = true })!)
            {
                espeak.WaitForExit();
                Assert.Equal(0, espeak.ExitCode);
            }
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }
}
