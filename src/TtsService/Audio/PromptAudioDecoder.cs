using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using TtsService.Errors;

namespace TtsService.Audio;

/// <summary>
/// Decodes prompt audio (format detected from the bytes) to mono float at 24 kHz.
/// Minimal first version: WAV only. The codecs work replaces this with every prompt format.
/// </summary>
public sealed class PromptAudioDecoder
{
    public const int TargetSampleRate = 24000;

    public DecodedAudio Decode(ReadOnlyMemory<byte> bytes, AudioDecodeLimits limits)
    {
        if (bytes.Length > limits.MaxInputBytes)
            throw new PayloadTooLargeException($"Audio is {bytes.Length} bytes; the limit is {limits.MaxInputBytes}.", "audio");
        var span = bytes.Span;
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new UnsupportedMediaException("Audio format not recognised from its bytes; send WAV.", "audio");
        try
        {
            using var reader = new WaveFileReader(new MemoryStream(bytes.ToArray(), writable: false));
            var format = reader.WaveFormat;
            if (format.Channels < 1 || format.SampleRate < 1000 || format.SampleRate > 384000)
                throw new UnprocessableException($"WAV header declares {format.Channels} channels at {format.SampleRate} Hz.", "audio");
            var seconds = (double)reader.Length / format.AverageBytesPerSecond;
            if (seconds > limits.MaxDurationSeconds)
                throw new UnprocessableException($"Audio is {seconds:F1} s long; the limit is {limits.MaxDurationSeconds} s.", "audio", "audio_too_long");
            ISampleProvider provider = reader.ToSampleProvider();
            if (format.Channels > 1) provider = new DownmixToMono(provider);
            if (format.SampleRate != TargetSampleRate) provider = new WdlResamplingSampleProvider(provider, TargetSampleRate);
            var samples = new List<float>((int)(seconds * TargetSampleRate) + 1024);
            var buffer = new float[8192];
            int read;
            while ((read = provider.Read(buffer.AsSpan())) > 0) samples.AddRange(buffer.AsSpan(0, read));
            return new DecodedAudio(samples.ToArray(), TargetSampleRate, "wav", format.SampleRate, format.Channels);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException or InvalidDataException)
        {
            throw new UnprocessableException($"WAV data is corrupt or truncated: {e.Message}", "audio", "corrupt_audio");
        }
    }

    /// <summary>Averages interleaved channels into one.</summary>
    private sealed class DownmixToMono(ISampleProvider source) : ISampleProvider
    {
        private float[] _buffer = [];
        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(source.WaveFormat.SampleRate, 1);

        public int Read(Span<float> buffer)
        {
            var channels = source.WaveFormat.Channels;
            var count = buffer.Length;
            if (_buffer.Length < count * channels) _buffer = new float[count * channels];
            var read = source.Read(_buffer.AsSpan(0, count * channels)) / channels;
            for (var i = 0; i < read; i++)
            {
                float sum = 0;
                for (var c = 0; c < channels; c++) sum += _buffer[i * channels + c];
                buffer[i] = sum / channels;
            }
            return read;
        }
    }
}
