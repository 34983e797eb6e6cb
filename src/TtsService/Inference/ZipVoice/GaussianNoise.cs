namespace TtsService.Inference.ZipVoice;

/// <summary>
/// Seeded standard normal noise for x₀: xoshiro256** (seeded through SplitMix64) and the Box-Muller
/// transform. The same seed gives the same sequence on every machine and .NET version, unlike
/// <see cref="Random"/>, whose algorithm is not a documented contract.
/// </summary>
public sealed class GaussianNoise
{
    private ulong _s0, _s1, _s2, _s3;

    public GaussianNoise(long seed)
    {
        var x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Fills <paramref name="destination"/> with N(0, 1) samples.</summary>
    public void Fill(Span<float> destination)
    {
        var i = 0;
        while (i < destination.Length)
        {
            // u1 in (0, 1] so the log is finite; u2 in [0, 1).
            var u1 = 1.0 - NextDouble();
            var u2 = NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var angle = 2.0 * Math.PI * u2;
            destination[i++] = (float)(radius * Math.Cos(angle));
            if (i < destination.Length) destination[i++] = (float)(radius * Math.Sin(angle));
        }
    }

    /// <summary>53 random bits as a double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
