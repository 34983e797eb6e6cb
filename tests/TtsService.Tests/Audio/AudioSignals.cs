using System.Buffers;
using TtsService.Audio;

namespace TtsService.Tests.Audio;

/// <summary>Test signals and a driver that feeds an encoder the way a backend does: uneven chunks.</summary>
internal static class AudioSignals
{
    /// <summary>Chunk sizes (samples) cycled through: odd, tiny, frame-straddling, larger than a frame.</summary>
    public static readonly int[] UnevenChunks = [1, 37, 480, 1000, 4099, 7, 2400, 333, 9600, 1];

    public static float[] Tone(double frequency, double seconds, int sampleRate = 24000, float amplitude = 0.5f, int channels = 1)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        var samples = new float[frames * channels];
        for (var i = 0; i < frames; i++)
        {
            var value = amplitude * (float)Math.Sin(2 * Math.PI * frequency * i / sampleRate);
            for (var c = 0; c < channels; c++) samples[i * channels + c] = value;
        }
        return samples;
    }

    /// <summary>What a 16-bit quantizer must produce: round(x × 32767), saturated (computed here, not by the service).</summary>
    public static short Quantize(float x) => (short)Math.Clamp(Math.Round(x * 32767.0, MidpointRounding.AwayFromZero), -32768, 32767);

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>The middle part of a decoding: lossy codecs add priming silence and fades at the ends.</summary>
    public static ReadOnlySpan<float> Middle(float[] samples, int sampleRate, double skipSeconds = 0.25)
    {
        var skip = (int)(skipSeconds * sampleRate);
        return samples.Length > 2 * skip ? samples.AsSpan(skip, samples.Length - 2 * skip) : samples;
    }

    public sealed record Encoded(byte[] Bytes, long BytesBeforeComplete, int WritesBeforeFirstOutput);

    /// <summary>Encodes <paramref name="samples"/> in <see cref="UnevenChunks"/>, noting when output first appeared.</summary>
    public static Encoded Encode(AudioFormat format, float[] samples, bool streaming, int sampleRate = 24000, int channels = 1)
    {
        var output = new ArrayBufferWriter<byte>();
        var options = new EncoderOptions(sampleRate, channels, streaming, streaming ? null : samples.Length / channels);
        using var encoder = new AudioEncoderFactory().Create(format, options);
        var writes = 0;
        var firstOutput = -1;
        var offset = 0;
        for (var k = 0; offset < samples.Length; k++)
        {
            var take = Math.Min(UnevenChunks[k % UnevenChunks.Length] * channels, samples.Length - offset);
            encoder.Write(samples.AsSpan(offset, take), output);
            offset += take;
            writes++;
            if (firstOutput < 0 && output.WrittenCount > 0) firstOutput = writes;
        }
        var before = output.WrittenCount;
        encoder.Complete(output);
        return new Encoded(output.WrittenSpan.ToArray(), before, firstOutput);
    }
}
