namespace TtsService.Audio;

/// <summary>Decoded prompt audio: mono float samples at <see cref="SampleRate"/>, plus what the source was.</summary>
/// <param name="Samples">Mono samples in [-1, 1].</param>
/// <param name="SampleRate">Rate of <paramref name="Samples"/>.</param>
/// <param name="SourceFormat">"wav", "mp3", "flac", "opus".</param>
/// <param name="SourceSampleRate">Rate of the original file.</param>
/// <param name="SourceChannels">Channels of the original file (down-mixed here).</param>
public sealed record DecodedAudio(float[] Samples, int SampleRate, string SourceFormat, int SourceSampleRate, int SourceChannels)
{
    /// <summary>A two-channel source's channels kept apart: interleaved L/R at <see cref="SampleRate"/> (zipvoice_dialog_stereo's merged prompts); else null.</summary>
    public float[]? Stereo { get; init; }

    public double DurationSeconds => (double)Samples.Length / SampleRate;
}

/// <summary>Bounds applied while decoding untrusted audio, before anything large is allocated.</summary>
public sealed record AudioDecodeLimits(long MaxInputBytes = 25L << 20, double MaxDurationSeconds = 600);
