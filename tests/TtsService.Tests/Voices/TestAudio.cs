using System.Buffers.Binary;

namespace TtsService.Tests.Voices;

/// <summary>Generated prompt audio for tests: a sine as 16-bit PCM WAV.</summary>
internal static class TestAudio
{
    public static byte[] SineWav(double seconds, int sampleRate = 24000, int channels = 1, double frequency = 220)
    {
        var frames = (int)Math.Round(seconds * sampleRate);
        var data = frames * channels * 2;
        var bytes = new byte[44 + data];
        var h = bytes.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + data));
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)data);
        for (var i = 0; i < frames; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * frequency * i / sampleRate) * 0.5 * short.MaxValue);
            for (var c = 0; c < channels; c++)
                BinaryPrimitives.WriteInt16LittleEndian(h[(44 + (i * channels + c) * 2)..], value);
        }
        return bytes;
    }
}
