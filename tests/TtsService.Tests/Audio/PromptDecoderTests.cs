using System.Buffers.Binary;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Errors;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary>
/// Prompt decoding: every WAV variant, MP3, FLAC and Ogg Opus written by other programs, down-mixing and
/// resampling to 24 kHz, detection from bytes, and the typed errors (413, 415, 422) with their limits.
/// </summary>
public sealed class PromptDecoderTests
{
    private static readonly AudioDecodeLimits Limits = new();
    private static DecodedAudio Decode(byte[] bytes, AudioDecodeLimits? limits = null) => new PromptAudioDecoder().Decode(bytes, limits ?? Limits);

    private static void AssertTone(DecodedAudio audio, double seconds, double hz = 440, double lengthTolerance = 0.001)
    {
        Assert.Equal(24000, audio.SampleRate);
        Assert.InRange(audio.DurationSeconds, seconds * (1 - lengthTolerance) - 1e-9, seconds * (1 + lengthTolerance) + 1e-9);
        Assert.InRange(Ffmpeg.ToneFrequency(AudioSignals.Middle(audio.Samples, 24000, 0.1), 24000), hz - 1, hz + 1);
        Assert.All(audio.Samples, s => Assert.InRange(s, -1f, 1f));
    }

    [Theory]
    [InlineData(PromptFiles.Pcm, 8, false)]
    [InlineData(PromptFiles.Pcm, 16, false)]
    [InlineData(PromptFiles.Pcm, 24, false)]
    [InlineData(PromptFiles.Pcm, 32, false)]
    [InlineData(PromptFiles.Float, 32, false)]
    [InlineData(PromptFiles.Float, 64, false)]
    [InlineData(PromptFiles.Pcm, 16, true)]
    [InlineData(PromptFiles.Pcm, 24, true)]
    [InlineData(PromptFiles.Float, 32, true)]
    public void Wav_sample_formats_decode_to_the_samples_written(ushort format, int bits, bool extensible)
    {
        var input = AudioSignals.Tone(440, 1, amplitude: 0.7f);
        var bytes = PromptFiles.Wav(format, 1, 24000, bits, PromptFiles.Encode(input, bits, format == PromptFiles.Float), extensible);
        var audio = Decode(bytes);
        Assert.Equal(("wav", 24000, 1), (audio.SourceFormat, audio.SourceSampleRate, audio.SourceChannels));
        Assert.Equal(input.Length, audio.Samples.Length);
        var step = format == PromptFiles.Float ? 1e-7 : 1.0 / (1L << (bits - 1));
        for (var i = 0; i < input.Length; i++) Assert.InRange(audio.Samples[i] - input[i], -1.5 * step - 1e-7, 1.5 * step + 1e-7);
    }

    [Fact]
    public void Stereo_is_down_mixed_by_averaging()
    {
        var left = AudioSignals.Tone(440, 1, amplitude: 0.6f);
        var stereo = new float[left.Length * 2];
        for (var i = 0; i < left.Length; i++) stereo[2 * i] = left[i]; // right channel silent
        var audio = Decode(PromptFiles.Wav(PromptFiles.Float, 2, 24000, 32, PromptFiles.Encode(stereo, 32, true), junkChunk: true));
        Assert.Equal(2, audio.SourceChannels);
        Assert.Equal(left.Length, audio.Samples.Length);
        for (var i = 0; i < left.Length; i++) Assert.Equal(left[i] / 2, audio.Samples[i], 1e-6);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(22050)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void Other_rates_are_resampled_to_24k_keeping_pitch_length_and_level(int rate)
    {
        var audio = Decode(PromptFiles.ToneWav(rate, channels: 2, seconds: 1.5, hz: 1000));
        Assert.Equal(rate, audio.SourceSampleRate);
        Assert.Equal((int)Math.Round(1.5 * rate * 24000.0 / rate), audio.Samples.Length);
        AssertTone(audio, 1.5, 1000);
        Assert.InRange(AudioSignals.Rms(AudioSignals.Middle(audio.Samples, 24000, 0.1)), 0.5 / Math.Sqrt(2) * 0.97, 0.5 / Math.Sqrt(2) * 1.03);
    }

    [Fact]
    public void Content_above_the_new_nyquist_is_removed_not_aliased()
    {
        // 15 kHz at 48 kHz would alias to 9 kHz at 24 kHz without a band-limited resampler.
        var audio = Decode(PromptFiles.ToneWav(48000, seconds: 1, hz: 15000));
        Assert.True(AudioSignals.Rms(AudioSignals.Middle(audio.Samples, 24000, 0.1)) < 0.01,
            $"alias left at RMS {AudioSignals.Rms(audio.Samples)}");
    }

    public static TheoryData<string, string, int, int> FfmpegWavs() => new()
    {
        { "-c:a pcm_u8", "wav", 16000, 1 },
        { "-c:a pcm_s16le", "wav", 44100, 2 },
        { "-c:a pcm_s24le", "wav", 48000, 2 },
        { "-c:a pcm_s32le", "wav", 22050, 1 },
        { "-c:a pcm_f32le", "wav", 8000, 1 },
        { "-c:a pcm_f64le", "wav", 24000, 2 },
        { "-c:a pcm_s16le -ac 6", "wav", 48000, 6 }, // ffmpeg writes WAVE_FORMAT_EXTENSIBLE for 5.1
        { "-c:a libmp3lame -b:a 128k", "mp3", 44100, 2 },
        { "-c:a libmp3lame -b:a 32k -id3v2_version 0", "mp3", 16000, 1 },
        { "-c:a libmp3lame -b:a 64k -metadata title=prompt", "mp3", 24000, 1 },
        { "-c:a flac", "flac", 44100, 2 },
        { "-c:a flac -sample_fmt s32", "flac", 96000, 1 },
        { "-c:a libopus -b:a 48k", "opus", 48000, 2 },
        { "-c:a libopus -b:a 24k", "opus", 16000, 1 },
    };

    [Theory]
    [MemberData(nameof(FfmpegWavs))]
    public void Files_written_by_ffmpeg_decode(string codec, string extension, int rate, int channels)
    {
        var bytes = PromptFiles.FfmpegTone(codec, extension, rate, channels, seconds: 1.5);
        Assert.Equal(extension, PromptAudioDecoder.DetectFormat(bytes));
        var audio = Decode(bytes);
        Assert.Equal((extension, channels), (audio.SourceFormat, audio.SourceChannels));
        // MP3 files keep the encoder's delay and frame padding (NLayer does not read the LAME tag).
        AssertTone(audio, 1.5, lengthTolerance: extension == "mp3" ? 0.08 : 0.002);
        // Channels are averaged: identical channels give back the tone's own level.
        // (LAME's files come out 5% quieter; ffmpeg decodes them at that same level.)
        Assert.InRange(AudioSignals.Rms(AudioSignals.Middle(audio.Samples, 24000, 0.2)),
            PromptFiles.FfmpegToneRms * (extension == "mp3" ? 0.93 : 0.97), PromptFiles.FfmpegToneRms * 1.03);
    }

    [SkippableFact]
    public void Sox_24_bit_extensible_wav_and_flac_decode()
    {
        Skip.IfNot(Ffmpeg.HasTool("sox"));
        var wav = Ffmpeg.Make("sox", "-n -r 48000 -c 2 -b 24 {out} synth 1.5 sine 440 vol 0.5", "wav");
        Assert.Equal(0xFFFE, BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(20))); // sox: extensible above 16 bits
        AssertTone(Decode(wav), 1.5);
        var flac = Ffmpeg.Make("sox", "-n -r 32000 -c 1 -b 16 {out} synth 1.5 sine 440 vol 0.5", "flac");
        AssertTone(Decode(flac), 1.5);
    }

    [SkippableFact]
    public void Opusenc_file_decodes()
    {
        Skip.IfNot(Ffmpeg.HasTool("opusenc"), "opus-tools (opusenc) is not installed");
        var wav = PromptFiles.ToneWav(44100, 2, 1.5);
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, wav);
            var opus = Ffmpeg.Make("opusenc", $"--quiet {input} {{out}}", "opus");
            var audio = Decode(opus);
            Assert.Equal(44100, audio.SourceSampleRate); // OpusHead's input rate
            AssertTone(audio, 1.5, lengthTolerance: 0.002);
        }
        finally { File.Delete(input); }
    }

    [SkippableFact]
    public void Espeak_ng_speech_decodes_like_ffmpeg_decodes_it()
    {
        Skip.IfNot(Ffmpeg.HasTool("espeak-ng"));
        var wav = Ffmpeg.Make("espeak-ng", "-w {out} \"This is a voice prompt recorded by espeak.\"", "wav");
        var ours = Decode(wav);
        Assert.Equal(22050, ours.SourceSampleRate);
        var theirs = Ffmpeg.DecodeToFloat(wav);
        Assert.InRange(ours.Samples.Length, theirs.Length - 2, theirs.Length + 2);
        // Two different band-limited resamplers of the same speech: nearly identical.
        double dot = 0, a = 0, b = 0;
        for (var i = 0; i < Math.Min(ours.Samples.Length, theirs.Length); i++)
        {
            dot += ours.Samples[i] * theirs[i];
            a += ours.Samples[i] * ours.Samples[i];
            b += theirs[i] * theirs[i];
        }
        Assert.True(dot / Math.Sqrt(a * b) > 0.99, $"correlation {dot / Math.Sqrt(a * b):F4}");
    }

    [Fact]
    public void Format_comes_from_the_bytes()
    {
        Assert.Equal("wav", PromptAudioDecoder.DetectFormat(PromptFiles.Sample("wav")));
        Assert.Equal("mp3", PromptAudioDecoder.DetectFormat(PromptFiles.Sample("mp3")));
        Assert.Equal("flac", PromptAudioDecoder.DetectFormat(PromptFiles.Sample("flac")));
        Assert.Equal("opus", PromptAudioDecoder.DetectFormat(PromptFiles.Sample("opus")));
        var vorbis = PromptFiles.FfmpegTone("-c:a libvorbis", "ogg");
        Assert.Equal("ogg", PromptAudioDecoder.DetectFormat(vorbis));
        Assert.Equal(415, Assert.Throws<UnsupportedMediaException>(() => Decode(vorbis)).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello, this is text")]
    [InlineData("\u0089PNG\r\n\u001a\n0000000000000")]
    [InlineData("RIFF\0\0\0\0AVI LIST")]
    [InlineData("ID")]
    public void Unknown_bytes_are_415(string content)
    {
        var e = Assert.Throws<UnsupportedMediaException>(() => Decode(System.Text.Encoding.Latin1.GetBytes(content)));
        Assert.Equal(415, e.Status);
    }

    [Fact]
    public void Unsupported_encodings_inside_known_containers_are_415()
    {
        var alaw = PromptFiles.Wav(6, 1, 8000, 8, new byte[8000]);
        Assert.Throws<UnsupportedMediaException>(() => Decode(alaw));
        var twelveBit = PromptFiles.Wav(PromptFiles.Pcm, 1, 8000, 12, new byte[8000]);
        Assert.Throws<UnsupportedMediaException>(() => Decode(twelveBit));
    }

    [Theory]
    [InlineData("wav", 30)]   // inside the fmt chunk
    [InlineData("wav", 40)]   // header without its data chunk
    [InlineData("flac", 20)]  // inside STREAMINFO
    [InlineData("flac", -1)]  // half the frames
    [InlineData("opus", 20)]  // inside the first page header
    [InlineData("opus", -1)]  // half the pages: no end-of-stream page
    public void Truncated_files_are_422(string kind, int keep)
    {
        var bytes = PromptFiles.Sample(kind);
        var cut = bytes[..(keep < 0 ? bytes.Length / 2 : keep)];
        Assert.Equal(422, Assert.Throws<UnprocessableException>(() => Decode(cut)).Status);
    }

    [Fact]
    public void Corrupt_files_are_422()
    {
        var flac = (byte[])PromptFiles.Sample("flac").Clone();
        for (var i = flac.Length / 2; i < flac.Length / 2 + 64; i++) flac[i] ^= 0x5A; // frame CRCs catch it
        Assert.Throws<UnprocessableException>(() => Decode(flac));
        var opus = (byte[])PromptFiles.Sample("opus").Clone();
        opus[opus.Length / 2] ^= 0x01; // the page CRC catches it
        Assert.Throws<UnprocessableException>(() => Decode(opus));
        var wav = PromptFiles.ToneWav();
        var declaresMore = PromptFiles.Wav(PromptFiles.Pcm, 1, 24000, 16, wav[44..], dataSize: uint.MaxValue - 1);
        Assert.Throws<UnprocessableException>(() => Decode(declaresMore));
    }

    [Theory]
    [InlineData(0, 24000)]
    [InlineData(9, 24000)]
    [InlineData(1, 1_000_000)]
    [InlineData(1, 0)]
    public void Absurd_wav_headers_are_422(int channels, int rate)
    {
        var bytes = PromptFiles.Wav(PromptFiles.Pcm, Math.Max(channels, 1), 24000, 16, new byte[4800]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)rate);
        Assert.Throws<UnprocessableException>(() => Decode(bytes));
    }

    /// <summary>A FLAC header may promise anything; what is allocated must follow the bytes, not the promise.</summary>
    [Theory]
    [InlineData(192000, 8, 1L << 35)] // billions of samples: over the duration limit
    [InlineData(192000, 8, 192000L * 590)] // just under the 600 s limit, in a file of a few hundred bytes
    [InlineData(1_000_000, 1, 1000)] // 1 MHz
    public void Absurd_flac_headers_are_refused_before_allocating(int rate, int channels, long totalSamples)
    {
        var bytes = (byte[])PromptFiles.Sample("flac").Clone();
        // STREAMINFO packs rate (20 bits), channels-1 (3), bits-1 (5) and total samples (36) at byte 8 + 10.
        var packed = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(18));
        var bitsField = (packed >> 36) & 0x1F;
        packed = ((ulong)(rate & 0xFFFFF) << 44) | ((ulong)(channels - 1) << 41) | (bitsField << 36) | ((ulong)totalSamples & 0xF_FFFF_FFFF);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(18), packed);
        var truncated = bytes[..Math.Min(bytes.Length, 400)];
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<UnprocessableException>(() => Decode(truncated));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 << 20, $"allocated {allocated / 1e6:F1} MB for a {truncated.Length}-byte file");
    }

    [Fact]
    public void Wav_claiming_a_long_duration_is_refused_before_allocating()
    {
        // 10 minutes + of 8-channel 192 kHz float according to a header on 100 bytes.
        var bytes = PromptFiles.Wav(PromptFiles.Float, 8, 192000, 32, new byte[64], dataSize: uint.MaxValue);
        var limits = new AudioDecodeLimits(MaxDurationSeconds: 1e-6);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<UnprocessableException>(() => Decode(bytes, limits));
        Assert.Equal("audio_too_long", e.Code);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Uploads_over_the_byte_limit_are_413()
    {
        var bytes = PromptFiles.ToneWav(seconds: 1);
        var e = Assert.Throws<PayloadTooLargeException>(() => Decode(bytes, new AudioDecodeLimits(MaxInputBytes: bytes.Length - 1)));
        Assert.Equal(413, e.Status);
        Assert.Equal(1.0, Decode(bytes, new AudioDecodeLimits(MaxInputBytes: bytes.Length)).DurationSeconds, 6);
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("wav24ext")]
    [InlineData("mp3")]
    [InlineData("flac")]
    [InlineData("opus")]
    public void Decoded_duration_is_limited_in_every_format(string kind)
    {
        var limits = new AudioDecodeLimits(MaxDurationSeconds: 0.5);
        var e = Assert.Throws<UnprocessableException>(() => Decode(PromptFiles.Sample(kind), limits));
        Assert.Equal(("audio_too_long", 422), (e.Code, e.Status));
        Assert.InRange(Decode(PromptFiles.Sample(kind), new AudioDecodeLimits(MaxDurationSeconds: 1.2)).DurationSeconds, 0.9, 1.2);
    }

    [Fact]
    public void Both_resampler_families_keep_a_tone_and_the_length()
    {
        var input = AudioSignals.Tone(1000, 1, 44100);
        foreach (var resampler in Resamplers.Candidates)
        {
            var output = resampler.Resample(input, 44100, 24000);
            Assert.Equal(24000, output.Length);
            Assert.InRange(Ffmpeg.ToneFrequency(AudioSignals.Middle(output, 24000, 0.1), 24000), 999, 1001);
            Assert.InRange(AudioSignals.Rms(AudioSignals.Middle(output, 24000, 0.1)), 0.5 / Math.Sqrt(2) * 0.95, 0.5 / Math.Sqrt(2) * 1.05);
        }
    }
}
