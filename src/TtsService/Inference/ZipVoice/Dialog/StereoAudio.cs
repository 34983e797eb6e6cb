namespace TtsService.Inference.ZipVoice.Dialog;

/// <summary>
/// The waveform rules of <see cref="ZipVoiceAudio"/> for interleaved two-channel audio, as upstream applies them to
/// zipvoice_dialog_stereo's (C, T) tensors: pydub measures a stereo chunk's loudness over both channels' samples
/// together, so silence is found on the per-frame power sqrt((L² + R²) / 2) and cut from both channels at once.
/// </summary>
public static class StereoAudio
{
    public const int Channels = 2;

    /// <summary>Interleaves two equally long channels.</summary>
    public static float[] Interleave(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (left.Length != right.Length) throw new ArgumentException("channels differ in length");
        var result = new float[left.Length * 2];
        for (var i = 0; i < left.Length; i++)
        {
            result[2 * i] = left[i];
            result[2 * i + 1] = right[i];
        }
        return result;
    }

    /// <summary>One channel of interleaved stereo.</summary>
    public static float[] Channel(ReadOnlySpan<float> interleaved, int channel)
    {
        var result = new float[interleaved.Length / 2];
        for (var i = 0; i < result.Length; i++) result[i] = interleaved[2 * i + channel];
        return result;
    }

    /// <summary>Per frame, the RMS of its two samples: windows of it have the RMS pydub computes on the stereo chunk.</summary>
    private static float[] FramePower(ReadOnlySpan<float> interleaved)
    {
        var power = new float[interleaved.Length / 2];
        for (var i = 0; i < power.Length; i++)
        {
            double l = interleaved[2 * i], r = interleaved[2 * i + 1];
            power[i] = (float)Math.Sqrt((l * l + r * r) / 2);
        }
        return power;
    }

    /// <summary><see cref="ZipVoiceAudio.RemoveSilence"/> for interleaved stereo (whole-millisecond length included).</summary>
    public static float[] RemoveSilence(float[] interleaved, int sampleRate, bool onlyEdge, int trailingSilenceMs = 0, bool trimStart = true, bool trimEnd = true)
    {
        var wave = interleaved;
        if (!onlyEdge && ZipVoiceAudio.KeptRanges(FramePower(interleaved), sampleRate) is { } ranges)
        {
            var kept = new List<float>(interleaved.Length);
            foreach (var (from, to) in ranges) kept.AddRange(interleaved.AsSpan(2 * from, 2 * (to - from)));
            wave = kept.ToArray();
        }
        if (trimEnd) wave = ZipVoiceAudio.PydubWholeMilliseconds(wave, Channels, sampleRate);
        var power = FramePower(wave);
        var frames = power.Length;
        var step = sampleRate / 100;
        var start = trimStart ? Math.Max(0, ZipVoiceAudio.LeadingSilence(power, step, forward: true) - sampleRate / 10) : 0;
        var end = trimEnd ? frames - Math.Max(0, ZipVoiceAudio.LeadingSilence(power, step, forward: false) - sampleRate / 10) : frames;
        if (end <= start) return interleaved;
        var trailing = ZipVoiceAudio.PydubSilenceSamples(trailingSilenceMs, sampleRate);
        var result = new float[2 * (end - start + trailing)];
        Array.Copy(wave, 2 * start, result, 0, 2 * (end - start));
        return result;
    }
}

/// <summary><see cref="CrossFadeJoiner"/> per channel of interleaved stereo (cross_fade_concat fades each channel alike).</summary>
public sealed class StereoCrossFadeJoiner(int fadeFrames)
{
    private readonly CrossFadeJoiner _left = new(fadeFrames);
    private readonly CrossFadeJoiner _right = new(fadeFrames);

    public float[] Push(float[] interleaved) =>
        StereoAudio.Interleave(_left.Push(StereoAudio.Channel(interleaved, 0)), _right.Push(StereoAudio.Channel(interleaved, 1)));

    public float[] Flush() => StereoAudio.Interleave(_left.Flush(), _right.Flush());
}
