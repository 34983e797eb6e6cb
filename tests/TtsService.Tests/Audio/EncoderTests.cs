using System.Buffers;
using System.Buffers.Binary;
using TtsService.Audio;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary>
/// Every <c>response_format</c>, streamed and whole, checked by an independent decoder (ffmpeg/ffprobe):
/// container, codec, rate, channels, clean decoding, duration, the tone's frequency, and for the
/// lossless formats every sample.
/// </summary>
public sealed class EncoderTests
{
    private const int Rate = 24000;
    private const double ToneHz = 440;
    private const double Seconds = 1.5;

    /// <summary>ffprobe's codec and container for each format.</summary>
    private static (string Codec, string Container) Expected(AudioFormat format) => format switch
    {
        AudioFormat.Mp3 => ("mp3", "mp3"),
        AudioFormat.Opus => ("opus", "ogg"),
        AudioFormat.Aac => ("aac", "aac"),
        AudioFormat.Flac => ("flac", "flac"),
        AudioFormat.Wav => ("pcm_s16le", "wav"),
        AudioFormat.Pcm => ("pcm_s16le", "s16le"),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Extra samples a decoder may legitimately give back beyond 1% of the input. Opus (pre-skip and
    /// end granule) and MP3 with its LAME Info tag carry trimming data, so only 1% is allowed. A
    /// streamed MP3 cannot carry the tag (it would have to be patched at the start): LAME's decoder
    /// delay (576 + 529) plus padding to a 576-sample frame. ADTS has no field for the AAC encoder's
    /// 1024 priming samples, plus padding to a 1024-sample frame.
    /// </summary>
    private static int CodecSlack(AudioFormat format, bool streaming) => format switch
    {
        AudioFormat.Mp3 when streaming => 576 + 529 + 576,
        AudioFormat.Aac => 1024 + 1024,
        _ => 0,
    };

    private static readonly string[] BenignWarnings =
    [
        "Estimating duration from bitrate, this may be inaccurate",
        "Ignoring maximum wav data size",
        "Guessed Channel Layout for Input Stream",
    ];

    internal static string? InputFormat(AudioFormat format) => format == AudioFormat.Pcm ? "s16le" : null;

    [Theory]
    [MemberData(nameof(TestFormats.AllStreamedAndWhole), MemberType = typeof(TestFormats))]
    public void Tone_round_trips_through_ffmpeg(AudioFormat format, bool streaming)
    {
        var input = AudioSignals.Tone(ToneHz, Seconds);
        var encoded = AudioSignals.Encode(format, input, streaming).Bytes;
        var rawFormat = InputFormat(format);

        var probe = Ffmpeg.Probe(encoded, rawFormat);
        Assert.Equal(Expected(format), (probe.Codec, probe.Format));
        // Opus always decodes at 48 kHz (RFC 7845 §5.1); the 24 kHz input rate is in OpusHead (OggOpusTests).
        Assert.Equal((format == AudioFormat.Opus ? 48000 : Rate, 1), (probe.SampleRate, probe.Channels));
        Assert.Equal("", Ffmpeg.DecodeMessages(encoded, rawFormat, "error"));
        // At warning level ffmpeg may only say what any file of the kind gets: streams that cannot state
        // their length (raw PCM, ADTS, MP3 without an Info tag, WAV with "unknown" sizes) and mono WAV
        // without a channel mask. Anything else (bad frames, invalid data, CRC errors) fails.
        // ffmpeg 5.1's wav demuxer calls the short last read of any unknown-length WAV a "corrupt packet"
        // (it does so for data sizes 0, 0xFFFFFFFF or merely too large, i.e. for every streamed WAV); the
        // sample-exact test below proves that every sample still comes back.
        string[] streamedWav = format == AudioFormat.Wav && streaming ? ["Packet corrupt (stream = 0", "corrupt input packet in stream 0"] : [];
        var warnings = Ffmpeg.DecodeMessages(encoded, rawFormat, "warning").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !BenignWarnings.Concat(streamedWav).Any(line.Contains)).ToArray();
        Assert.Empty(warnings);

        var decoded = Ffmpeg.DecodeToFloat(encoded, Rate, rawFormat);
        var slack = (int)Math.Ceiling(input.Length * 0.01) + CodecSlack(format, streaming);
        Assert.InRange(decoded.Length, input.Length - (int)Math.Ceiling(input.Length * 0.01), input.Length + slack);

        var middle = AudioSignals.Middle(decoded, Rate);
        Assert.InRange(Ffmpeg.ToneFrequency(middle, Rate), ToneHz - 1, ToneHz + 1);
        var expectedRms = 0.5 / Math.Sqrt(2);
        Assert.InRange(AudioSignals.Rms(middle), expectedRms * 0.9, expectedRms * 1.1);
    }

    [Theory]
    [InlineData(AudioFormat.Wav, true)]
    [InlineData(AudioFormat.Wav, false)]
    [InlineData(AudioFormat.Pcm, true)]
    [InlineData(AudioFormat.Pcm, false)]
    [InlineData(AudioFormat.Flac, true)]
    [InlineData(AudioFormat.Flac, false)]
    public void Lossless_formats_give_back_every_quantized_sample(AudioFormat format, bool streaming)
    {
        // A tone plus a deterministic pseudo-random part, so predictors cannot hide a sample error.
        var input = AudioSignals.Tone(ToneHz, Seconds);
        var random = new Random(7);
        for (var i = 0; i < input.Length; i++) input[i] += (float)(random.NextDouble() - 0.5) * 0.2f;

        var encoded = AudioSignals.Encode(format, input, streaming).Bytes;
        var decoded = Ffmpeg.DecodeToFloat(encoded, Rate, InputFormat(format));
        Assert.Equal(input.Length, decoded.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var expected = Pcm16.FromFloat(input[i]);
            var actual = (int)Math.Round(decoded[i] * 32768.0); // ffmpeg: s16 / 32768
            if (expected != actual) Assert.Fail($"sample {i}: expected {expected}, ffmpeg decoded {actual}");
        }
    }

    [Fact]
    public void Quantizer_rounds_to_nearest_and_saturates_instead_of_wrapping()
    {
        var random = new Random(3);
        for (var i = 0; i < 100_000; i++)
        {
            var x = (float)(random.NextDouble() * 2 - 1);
            // Within one step of the exact value (float arithmetic may round a .5 tie either way).
            Assert.InRange(Pcm16.FromFloat(x) - AudioSignals.Quantize(x), -1, 1);
        }
        Assert.Equal(32767, Pcm16.FromFloat(1f));
        Assert.Equal(-32767, Pcm16.FromFloat(-1f));
        Assert.Equal(32767, Pcm16.FromFloat(1.7f));
        Assert.Equal(-32768, Pcm16.FromFloat(-3f));
        Assert.Equal(32767, Pcm16.FromFloat(float.PositiveInfinity));
        Assert.Equal(0, Pcm16.FromFloat(float.NaN));
    }

    [Theory]
    [InlineData(AudioFormat.Mp3)]
    [InlineData(AudioFormat.Opus)]
    [InlineData(AudioFormat.Aac)]
    [InlineData(AudioFormat.Flac)]
    [InlineData(AudioFormat.Wav)]
    [InlineData(AudioFormat.Pcm)]
    public void Streaming_emits_decodable_audio_before_complete(AudioFormat format)
    {
        var input = AudioSignals.Tone(ToneHz, Seconds);
        var output = new ArrayBufferWriter<byte>();
        using var encoder = new AudioEncoderFactory().Create(format, new EncoderOptions(Rate, 1, Streaming: true));
        var offset = 0;
        for (var k = 0; offset < input.Length; k++)
        {
            var take = Math.Min(AudioSignals.UnevenChunks[k % AudioSignals.UnevenChunks.Length], input.Length - offset);
            encoder.Write(input.AsSpan(offset, take), output);
            offset += take;
        }
        // The AAC encoder is a child process: what it has encoded reaches us on the next Write.
        var deadline = DateTime.UtcNow.AddSeconds(60); // generous: a loaded 2-core CI machine
        while (format == AudioFormat.Aac && Decodable(output, format) < 1.2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
            encoder.Write([], output);
        }

        // A prefix of a streamed file is a playable file: all but the codec's own look-ahead is out.
        var seconds = Decodable(output, format);
        Assert.True(seconds >= 1.2, $"{format}: only {seconds:F3} s of {Seconds} s decodable before Complete");
    }

    private static double Decodable(ArrayBufferWriter<byte> output, AudioFormat format) =>
        output.WrittenCount == 0 ? 0 : Ffmpeg.DecodeToFloat(output.WrittenSpan.ToArray(), Rate, InputFormat(format)).Length / (double)Rate;

    [Fact]
    public void Streamed_wav_header_says_unknown_length_and_whole_wav_says_the_exact_one()
    {
        var input = AudioSignals.Tone(ToneHz, Seconds);
        var streamed = AudioSignals.Encode(AudioFormat.Wav, input, streaming: true);
        Assert.True(streamed.BytesBeforeComplete >= 44 + 2 * (input.Length - 1), "streamed WAV holds samples back");
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(streamed.Bytes.AsSpan(4)));
        Assert.Equal("data"u8.ToArray(), streamed.Bytes[36..40]);
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(streamed.Bytes.AsSpan(40)));

        var whole = AudioSignals.Encode(AudioFormat.Wav, input, streaming: false).Bytes;
        Assert.Equal(44 + 2 * input.Length, whole.Length);
        Assert.Equal((uint)(whole.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(whole.AsSpan(4)));
        Assert.Equal((uint)(2 * input.Length), BinaryPrimitives.ReadUInt32LittleEndian(whole.AsSpan(40)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(whole.AsSpan(20))); // PCM
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(whole.AsSpan(34)));
    }

    [Theory]
    [InlineData(AudioFormat.Mp3, "audio/mpeg")]
    [InlineData(AudioFormat.Opus, "audio/ogg")]
    [InlineData(AudioFormat.Aac, "audio/aac")]
    [InlineData(AudioFormat.Flac, "audio/flac")]
    [InlineData(AudioFormat.Wav, "audio/wav")]
    [InlineData(AudioFormat.Pcm, "audio/pcm")]
    public void Content_type_per_format(AudioFormat format, string contentType)
    {
        Assert.Equal(contentType, format.ContentType());
        Assert.Equal(format, AudioFormats.Parse(format.FileExtension()));
    }

    [Fact]
    public void Every_format_is_available_on_this_machine() =>
        Assert.Equal(Enum.GetValues<AudioFormat>(), new AudioEncoderFactory().SupportedFormats);

    [Fact]
    public void Stereo_and_other_rates_encode_where_the_codec_allows()
    {
        var stereo = AudioSignals.Tone(ToneHz, 1, 48000, channels: 2);
        foreach (var format in new[] { AudioFormat.Mp3, AudioFormat.Opus, AudioFormat.Flac, AudioFormat.Wav, AudioFormat.Aac })
        {
            var encoded = AudioSignals.Encode(format, stereo, streaming: false, 48000, 2).Bytes;
            var probe = Ffmpeg.Probe(encoded);
            Assert.Equal((48000, 2), (probe.SampleRate, probe.Channels));
            Assert.InRange(Ffmpeg.ToneFrequency(AudioSignals.Middle(Ffmpeg.DecodeToFloat(encoded, 48000), 48000), 48000), ToneHz - 1, ToneHz + 1);
        }
    }

    [Fact]
    public void Unsuitable_options_are_a_400_not_a_crash()
    {
        var factory = new AudioEncoderFactory();
        Assert.Throws<TtsService.Errors.InvalidRequestException>(() => factory.Create(AudioFormat.Opus, new EncoderOptions(22050, 1, true)));
        Assert.Throws<TtsService.Errors.InvalidRequestException>(() => factory.Create(AudioFormat.Mp3, new EncoderOptions(24000, 3, true)));
        Assert.Throws<TtsService.Errors.InvalidRequestException>(() => factory.Create(AudioFormat.Wav, new EncoderOptions(1_000_000, 1, true)));
        Assert.Throws<TtsService.Errors.InvalidRequestException>(() => factory.Create(AudioFormat.Pcm, new EncoderOptions(24000, 0, true)));
        Assert.Throws<TtsService.Errors.InvalidRequestException>(() => AudioFormats.Parse("ogg"));
    }
}
