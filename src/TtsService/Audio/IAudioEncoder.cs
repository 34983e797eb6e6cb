using System.Buffers;

namespace TtsService.Audio;

/// <summary>
/// A streaming encoder: takes float samples in [-1, 1] as the backend produces them and writes
/// whole frames/pages to <paramref name="output"/> as soon as they are complete.
/// One instance per response; not thread-safe.
/// </summary>
public interface IAudioEncoder : IDisposable
{
    AudioFormat Format { get; }

    /// <summary>Encodes interleaved samples (channels given at creation).</summary>
    void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output);

    /// <summary>Flushes what is buffered and writes the trailer (last frame, end-of-stream page...).</summary>
    void Complete(IBufferWriter<byte> output);
}

/// <summary>How an encoder will be used.</summary>
/// <param name="SampleRate">Input rate in Hz (24000 for both backends).</param>
/// <param name="Channels">Interleaved channel count.</param>
/// <param name="Streaming">True when the total length is unknown at the start (WAV writes "unknown" sizes).</param>
/// <param name="TotalSamples">Per channel, when known in advance (non-streaming).</param>
public sealed record EncoderOptions(int SampleRate, int Channels, bool Streaming, long? TotalSamples = null);
