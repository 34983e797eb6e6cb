namespace TtsService.Audio.Dsp;

/// <summary>
/// <c>volume_multiplier</c>, applied before encoding. Samples that the gain would push past the
/// knee are bent smoothly towards ±1 (tanh soft limiting) instead of clipping hard or wrapping.
/// </summary>
public static class AudioVolume
{
    /// <summary>Below this magnitude the gain is exactly linear.</summary>
    public const float Knee = 0.9f;

    public static void Apply(Span<float> samples, float multiplier)
    {
        if (float.IsNaN(multiplier) || multiplier < 0)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "Volume must be a non-negative number.");
        if (multiplier == 1f) { Limit(samples); return; }
        for (var i = 0; i < samples.Length; i++) samples[i] = SoftLimit(samples[i] * multiplier);
    }

    /// <summary>Applies the gain in place to a buffer the caller owns and returns it (for chaining).</summary>
    public static float[] Applied(float[] samples, float multiplier)
    {
        Apply(samples, multiplier);
        return samples;
    }

    /// <summary>Only the limiter: keeps a backend's overshoot inside [-1, 1].</summary>
    public static void Limit(Span<float> samples)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var x = samples[i];
            if (x > Knee || x < -Knee || float.IsNaN(x)) samples[i] = SoftLimit(x);
        }
    }

    public static float SoftLimit(float x)
    {
        if (float.IsNaN(x)) return 0f;
        var magnitude = MathF.Abs(x);
        if (magnitude <= Knee) return x;
        // Continuous value and slope at the knee; approaches 1 asymptotically, never reaches past it.
        const float headroom = 1f - Knee;
        var bent = Knee + headroom * MathF.Tanh((magnitude - Knee) / headroom);
        return MathF.CopySign(bent, x);
    }
}
