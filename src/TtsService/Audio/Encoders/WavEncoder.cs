using System.Buffers;
using System.Buffers.Binary;

namespace TtsService.Audio;

/// <summary>
/// <c>wav</c>: 16-bit PCM RIFF. The header goes out with the first write; when streaming (or the
/// length is not known up front) the RIFF and data sizes are 0xFFFFFFFF, "unknown length", as
/// OpenAI's streamed WAV does. Non-streamed responses pass <see cref="EncoderOptions.TotalSamples"/>.
/// </summary>
public sealed class WavEncoder(EncoderOptions options) : IAudioEncoder
{
    private bool _headerWritten;

    public AudioFormat Format => AudioFormat.Wav;

    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        EnsureHeader(output);
        Pcm16.Write(samples, output);
    }

    public void Complete(IBufferWriter<byte> output) => EnsureHeader(output);

    private void EnsureHeader(IBufferWriter<byte> output)
    {
        if (_headerWritten) return;
        _headerWritten = true;
        uint? dataBytes = !options.Streaming && options.TotalSamples is { } n ? (uint)(n * options.Channels * 2) : null;
        WriteHeader(output, options.SampleRate, options.Channels, dataBytes);
    }

    public static void WriteHeader(IBufferWriter<byte> output, int sampleRate, int channels, uint? dataBytes)
    {
        var h = output.GetSpan(44)[..44];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], dataBytes is { } d ? 36 + d : uint.MaxValue);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], dataBytes ?? uint.MaxValue);
        output.Advance(44);
    }

    public void Dispose() { }
}
