using NLayer;

namespace TtsService.Audio.Decoders;

/// <summary>
/// MPEG-1/2/2.5 Layer III through NLayer. Detection insists on an ID3v2 tag or a valid
/// frame header whose successor sits where the header says, so random bytes are not taken for MP3.
/// </summary>
internal static class Mp3Decoder
{
    private static readonly int[] Mpeg1L3Kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2L3Kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    private static readonly int[] Mpeg1Rates = [44100, 48000, 32000];

    public static bool Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 10 && b[..3].SequenceEqual("ID3"u8) && b[3] < 0xFF && b[4] < 0xFF) return true;
        if (TryFrameLength(b, out var length))
            return b.Length < length + 4 || TryFrameLength(b[length..], out _); // a second frame confirms it
        return false;
    }

    /// <summary>Length of the Layer III frame whose header starts <paramref name="b"/> (ISO 11172-3 / 13818-3 tables).</summary>
    private static bool TryFrameLength(ReadOnlySpan<byte> b, out int length)
    {
        length = 0;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return false;
        var version = (b[1] >> 3) & 3;      // 0: 2.5, 2: 2, 3: 1, 1: reserved
        var layer = (b[1] >> 1) & 3;        // 1: Layer III
        var bitrateIndex = b[2] >> 4;
        var rateIndex = (b[2] >> 2) & 3;
        var padding = (b[2] >> 1) & 1;
        if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3) return false;
        var rate = Mpeg1Rates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        var kbps = version == 3 ? Mpeg1L3Kbps[bitrateIndex] : Mpeg2L3Kbps[bitrateIndex];
        length = (version == 3 ? 144 : 72) * kbps * 1000 / rate + padding;
        return length > 4;
    }

    public static RawAudio Decode(byte[] file, DecodeBudget budget)
    {
        using var stream = new MemoryStream(file, writable: false);
        using var mpeg = new MpegFile(stream);
        var rate = mpeg.SampleRate;
        var channels = mpeg.Channels;
        budget.CheckStream("MP3", rate, channels);
        var maxFrames = budget.MaxFrames(rate);
        var sink = new SampleSink(channels, rate * 10);
        var chunk = new float[1152 * 2 * 8];
        int read;
        while ((read = mpeg.ReadSamples(chunk, 0, chunk.Length)) > 0)
        {
            var frames = read / channels;
            if (sink.Frames + (long)frames > maxFrames) throw budget.TooLong(double.PositiveInfinity);
            chunk.AsSpan(0, frames * channels).CopyTo(sink.Reserve(frames));
            sink.Commit(frames);
        }
        if (sink.Frames == 0) throw DecodeBudget.Corrupt("MP3", "no decodable frames.");
        return new RawAudio(sink.Data, sink.Frames, rate, channels, "mp3");
    }
}
