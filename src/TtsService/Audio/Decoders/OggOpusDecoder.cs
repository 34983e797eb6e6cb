using System.Buffers.Binary;
using Concentus;
using TtsService.Audio.Ogg;

namespace TtsService.Audio.Decoders;

/// <summary>
/// Ogg Opus (RFC 7845), channel mapping family 0 (mono/stereo). Opus decodes at any of its rates, so
/// we decode straight to 24 kHz (no resampling), drop the pre-skip, apply the header's output gain
/// and trim the end to the last granule position.
/// </summary>
internal static class OggOpusDecoder
{
    private const int DecodeRate = PromptAudioDecoder.TargetSampleRate;
    private const int GranuleRate = 48000;
    private const int MaxFramePerChannel = DecodeRate * 120 / 1000; // longest Opus packet: 120 ms

    /// <summary>
    /// False when the first page's packet is another codec in Ogg (Vorbis, FLAC, Speex...). A file cut
    /// off before that packet shows counts as Opus, so the decoder reports it as truncated (422), not 415.
    /// </summary>
    public static bool IsOpus(ReadOnlySpan<byte> file)
    {
        if (file.Length < 27) return true;
        var body = 27 + file[26];
        return file.Length < body + 8 || file.Slice(body, 8).SequenceEqual("OpusHead"u8);
    }

    public static RawAudio Decode(ReadOnlySpan<byte> file, DecodeBudget budget)
    {
        var reader = new OggPageReader(file);
        var assembler = new OggPacketAssembler();
        uint? serial = null;
        int channels = 0, preSkip = 0, packetIndex = 0, inputRate = 0;
        var gain = 1f;
        IOpusDecoder? decoder = null;
        SampleSink? sink = null;
        var decodeBuffer = new float[MaxFramePerChannel * 2];
        long lastGranule = -1;
        var sawEnd = false;
        string? failure = null;

        void OnPacket(ReadOnlyMemory<byte> packet)
        {
            var p = packet.Span;
            switch (packetIndex++)
            {
                case 0:
                    if (p.Length < 19 || !p[..8].SequenceEqual("OpusHead"u8)) throw new OggFormatException("the first packet is not OpusHead.");
                    if ((p[8] & 0xF0) != 0) throw new Errors.UnsupportedMediaException($"Ogg Opus version {p[8]} is not read.", "audio");
                    channels = p[9];
                    preSkip = BinaryPrimitives.ReadUInt16LittleEndian(p[10..]);
                    inputRate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(p[12..]), int.MaxValue);
                    gain = MathF.Pow(10f, BinaryPrimitives.ReadInt16LittleEndian(p[16..]) / (20f * 256f)); // Q7.8 dB
                    if (p[18] != 0 || channels is < 1 or > 2)
                        throw new Errors.UnsupportedMediaException(
                            $"Ogg Opus with channel mapping family {p[18]} and {channels} channels is not read; send mono or stereo.", "audio");
                    decoder = OpusCodecFactory.CreateDecoder(DecodeRate, channels);
                    sink = new SampleSink(channels, DecodeRate * 10);
                    break;
                case 1:
                    if (p.Length < 8 || !p[..8].SequenceEqual("OpusTags"u8)) throw new OggFormatException("the second packet is not OpusTags.");
                    break;
                default:
                    var samples = decoder!.Decode(p, decodeBuffer, MaxFramePerChannel, false);
                    if (samples < 0) throw new OggFormatException($"an Opus packet does not decode (error {samples}).");
                    if (sink!.Frames + (long)samples > budget.MaxFrames(DecodeRate) + MaxFramePerChannel + preSkip)
                        throw budget.TooLong(double.PositiveInfinity);
                    decodeBuffer.AsSpan(0, samples * channels).CopyTo(sink.Reserve(samples));
                    sink.Commit(samples);
                    break;
            }
        }

        try
        {
            while (reader.TryReadPage(out var page))
            {
                serial ??= page.IsFirst ? page.Serial : throw new OggFormatException("the first page is not a beginning-of-stream page.");
                if (page.Serial != serial) continue; // another multiplexed stream: not ours
                if (sawEnd) throw new OggFormatException("pages follow the end-of-stream page.");
                assembler.Add(page, OnPacket);
                if (page.Granule >= 0 && packetIndex > 2) lastGranule = page.Granule;
                sawEnd = page.IsLast;
            }
        }
        catch (OggFormatException e) { failure = e.Message; }
        catch (Concentus.OpusException e) { failure = "an Opus packet does not decode: " + e.Message; }

        if (failure is not null) throw DecodeBudget.Corrupt("Ogg Opus", failure);
        if (sink is null || packetIndex < 3) throw DecodeBudget.Corrupt("Ogg Opus", "no audio packets.");
        if (assembler.HasUnfinishedPacket || !sawEnd) throw DecodeBudget.Corrupt("Ogg Opus", "the stream ends without its end-of-stream page.");

        // Granules count 48 kHz samples including the pre-skip; we decoded at 24 kHz.
        var ratio = GranuleRate / DecodeRate;
        var skip = Math.Min(preSkip / ratio, sink.Frames);
        var end = lastGranule >= 0 ? (int)Math.Clamp((lastGranule - preSkip) / ratio + skip, skip, sink.Frames) : sink.Frames;
        var frames = end - skip;
        budget.CheckFrames(frames, DecodeRate);
        var output = new float[frames * channels];
        sink.Data.AsSpan(skip * channels, frames * channels).CopyTo(output);
        if (gain != 1f) for (var i = 0; i < output.Length; i++) output[i] *= gain;
        // The header's input rate is informational (Opus decodes at whatever rate we ask); 0 means unknown.
        return new RawAudio(output, frames, DecodeRate, channels, "opus", inputRate > 0 ? inputRate : GranuleRate);
    }
}
