using System.Buffers;

namespace TtsService.Audio;

/// <summary><c>pcm</c>: raw 16-bit little-endian samples, no header.</summary>
public sealed class PcmEncoder(EncoderOptions options) : IAudioEncoder
{
    public AudioFormat Format => AudioFormat.Pcm;
    public EncoderOptions Options { get; } = options;
    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output) => Pcm16.Write(samples, output);
    public void Complete(IBufferWriter<byte> output) { }
    public void Dispose() { }
}
