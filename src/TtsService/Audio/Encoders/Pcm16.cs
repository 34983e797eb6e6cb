using System.Buffers;
using System.Buffers.Binary;

namespace TtsService.Audio;

/// <summary>Float [-1, 1] to 16-bit little-endian PCM, saturating (never wrapping).</summary>
public static class Pcm16
{
    public static short FromFloat(float sample)
    {
        var scaled = sample * 32767f;
        if (float.IsNaN(scaled)) return 0;
        return (short)Math.Clamp(MathF.Round(scaled), short.MinValue, short.MaxValue);
    }

    public static void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(samples.Length * 2);
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(span.Slice(i * 2, 2), FromFloat(samples[i]));
        output.Advance(samples.Length * 2);
    }
}
