using TtsService.Tests.Audio;

namespace TtsService.Tests.Voices;

/// <summary>Generated prompt audio for tests: a sine as 16-bit PCM WAV, written by the one test WAV writer (<see cref="PromptFiles.Wav"/>).</summary>
internal static class TestAudio
{
    public static byte[] SineWav(double seconds, int sampleRate = 24000, int channels = 1, double frequency = 220) =>
        PromptFiles.ToneWav(sampleRate, channels, seconds, bits: 16, hz: frequency);
}
