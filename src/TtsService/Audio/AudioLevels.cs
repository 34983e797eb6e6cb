namespace TtsService.Audio;

/// <summary>Gain applied before encoding. Peaks that the gain would push past full scale are limited
/// with a smooth knee instead of clipping, so loud speech distorts gently rather than wrapping.</summary>
public static class AudioLevels
{
    private const float Knee = 0.9f;

    public static float[] ApplyVolume(float[] samples, float volume)
    {
        if (volume == 1f) return samples;
        var result = new float[samples.Length];
        for (var i = 0; i < samples.Length; i++) result[i] = SoftLimit(samples[i] * volume);
        return result;
    }

    /// <summary>Identity below the knee; above it, compresses the rest of the range into (knee, 1).</summary>
    public static float SoftLimit(float x)
    {
        var a = MathF.Abs(x);
        if (a <= Knee) return x;
        var over = (a - Knee) / (1 - Knee);
        var limited = Knee + (1 - Knee) * MathF.Tanh(over);
        return MathF.CopySign(limited, x);
    }
}
