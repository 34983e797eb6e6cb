namespace TtsService.Audio.Decoders;

/// <summary>What a container decoder produces: interleaved float samples at the source rate.</summary>
internal sealed record RawAudio(float[] Interleaved, int Frames, int SampleRate, int Channels, string Format, int? SourceSampleRate = null);

/// <summary>
/// Checks stream parameters from a header before anything is allocated, and counts decoded frames
/// against the duration limit while decoding.
/// </summary>
internal sealed class DecodeBudget(AudioDecodeLimits limits)
{
    public const int MinSampleRate = 4000, MaxSampleRate = 192000, MaxChannels = 8;

    public AudioDecodeLimits Limits => limits;

    public void CheckStream(string format, int sampleRate, int channels)
    {
        if (channels is < 1 or > MaxChannels)
            throw new Errors.UnprocessableException($"The {format} header declares {channels} channels (1 to {MaxChannels} are read).", "audio", "corrupt_audio");
        if (sampleRate is < MinSampleRate or > MaxSampleRate)
            throw new Errors.UnprocessableException($"The {format} header declares {sampleRate} Hz ({MinSampleRate} to {MaxSampleRate} Hz are read).", "audio", "corrupt_audio");
    }

    /// <summary>Frames (samples per channel) allowed at <paramref name="sampleRate"/>.</summary>
    public long MaxFrames(int sampleRate) => (long)Math.Ceiling(limits.MaxDurationSeconds * sampleRate);

    public void CheckFrames(long frames, int sampleRate)
    {
        if (frames > MaxFrames(sampleRate)) throw TooLong(frames / (double)sampleRate);
    }

    public Errors.UnprocessableException TooLong(double seconds) => new(
        $"Audio is {(double.IsFinite(seconds) ? $"{seconds:F1} s" : "too")} long; the limit is {limits.MaxDurationSeconds} s.", "audio", "audio_too_long");

    public static Errors.UnprocessableException Corrupt(string format, string why) =>
        new($"The {format} audio is corrupt or truncated: {why}", "audio", "corrupt_audio");
}

/// <summary>A growable interleaved float buffer whose growth the budget bounds.</summary>
internal sealed class SampleSink(int channels, int initialFrames)
{
    private float[] _data = new float[Math.Max(1024, Math.Min(initialFrames, 1 << 22)) * channels];

    public int Frames { get; private set; }

    public Span<float> Reserve(int frames)
    {
        var need = (Frames + frames) * channels;
        if (need > _data.Length) Array.Resize(ref _data, Math.Max(need, _data.Length * 2));
        return _data.AsSpan(Frames * channels, frames * channels);
    }

    public void Commit(int frames) => Frames += frames;

    public void Truncate(int frames) => Frames = Math.Min(Frames, Math.Max(0, frames));

    public float[] Data => _data;
}
