using System.Buffers;
using System.Buffers.Binary;
using TtsService.Audio;
using TtsService.Audio.Ogg;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary>
/// The Ogg writer and the Ogg Opus layout (RFC 3533, RFC 7845), checked with a page parser and a
/// bitwise CRC written here, the reference pages of libogg's own self-test, and opus-tools' opusinfo.
/// </summary>
public sealed class OggOpusTests
{
    /// <summary>RFC 3533 §6 CRC, one bit at a time: poly 0x04C11DB7, init 0, no reflection, no final XOR.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (var b in data)
        {
            crc ^= (uint)b << 24;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
        }
        return crc;
    }

    private sealed record Page(byte Flags, long Granule, uint Serial, uint Sequence, uint Crc, byte[] Lacing, byte[] Body, byte[] Raw);

    /// <summary>Splits a file into pages; fails on anything that is not a whole page.</summary>
    private static List<Page> ParsePages(ReadOnlySpan<byte> file)
    {
        var pages = new List<Page>();
        var pos = 0;
        while (pos < file.Length)
        {
            var rest = file[pos..];
            Assert.True(rest.Length >= 27 && rest[..4].SequenceEqual("OggS"u8), $"no page header at byte {pos}");
            Assert.Equal(0, rest[4]);
            var lacing = rest.Slice(27, rest[26]).ToArray();
            var size = 27 + lacing.Length + lacing.Sum(l => l);
            Assert.True(rest.Length >= size, $"page at byte {pos} is cut off");
            pages.Add(new Page(rest[5], BinaryPrimitives.ReadInt64LittleEndian(rest[6..]), BinaryPrimitives.ReadUInt32LittleEndian(rest[14..]),
                BinaryPrimitives.ReadUInt32LittleEndian(rest[18..]), BinaryPrimitives.ReadUInt32LittleEndian(rest[22..]),
                lacing, rest.Slice(27 + lacing.Length, size - 27 - lacing.Length).ToArray(), rest[..size].ToArray()));
            pos += size;
        }
        return pages;
    }

    private static uint PageCrc(byte[] raw)
    {
        var copy = (byte[])raw.Clone();
        copy.AsSpan(22, 4).Clear();
        return BitwiseCrc(copy);
    }

    /// <summary>Packets of one page (every packet we write ends on the page it starts on).</summary>
    private static List<byte[]> Packets(Page page)
    {
        var packets = new List<byte[]>();
        var offset = 0;
        var start = 0;
        foreach (var l in page.Lacing)
        {
            offset += l;
            if (l < 255) { packets.Add(page.Body[start..offset]); start = offset; }
        }
        Assert.Equal(page.Body.Length, start); // no packet continues onto the next page
        return packets;
    }

    /// <summary>Duration in 48 kHz samples of an Opus packet, from its TOC byte (RFC 6716 §3.1).</summary>
    private static int OpusPacketSamples(byte[] packet)
    {
        var config = packet[0] >> 3;
        int frame48 = config switch
        {
            < 12 => new[] { 480, 960, 1920, 2880 }[config % 4],  // SILK: 10, 20, 40, 60 ms
            < 16 => new[] { 480, 960 }[config % 2],              // hybrid: 10, 20 ms
            _ => new[] { 120, 240, 480, 960 }[config % 4],       // CELT: 2.5, 5, 10, 20 ms
        };
        var frames = (packet[0] & 3) switch { 0 => 1, 1 or 2 => 2, _ => packet[1] & 0x3F };
        return frame48 * frames;
    }

    [Fact]
    public void Crc_matches_the_catalogue_check_value_and_a_bitwise_implementation()
    {
        // CRC-32 with poly 0x04C11DB7, init 0, no reflection: CRC-32/CKSUM's check 0x765E7680 without its final XOR.
        Assert.Equal(0x89A1897Fu, BitwiseCrc("123456789"u8));
        Assert.Equal(0x89A1897Fu, OggCrc.Compute("123456789"u8));
        var random = new Random(11);
        foreach (var length in new[] { 0, 1, 2, 7, 27, 255, 4096, 65307 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(BitwiseCrc(data), OggCrc.Compute(data));
            var split = length / 3;
            Assert.Equal(BitwiseCrc(data), OggCrc.Update(OggCrc.Update(0, data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    /// <summary>
    /// Pages from libogg's framing self-test (src/framing.c, head1_0 and head1_2): serial 0x04030201, granule 0,
    /// one packet of 17 bytes 0..16 (BOS and EOS), and one empty packet (BOS). Our writer must produce them
    /// byte for byte, CRC included.
    /// </summary>
    [Fact]
    public void Writer_reproduces_libogg_reference_pages()
    {
        byte[] head1_0 = [0x4f, 0x67, 0x67, 0x53, 0, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0x15, 0xed, 0xec, 0x91, 1, 17];
        byte[] head1_2 = [0x4f, 0x67, 0x67, 0x53, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0xff, 0x7b, 0x23, 0x17, 1, 0];
        var body = Enumerable.Range(0, 17).Select(i => (byte)i).ToArray();

        var output = new ArrayBufferWriter<byte>();
        var writer = new OggPageWriter(0x04030201);
        writer.AddPacket(body, 0, output);
        writer.Flush(output, endOfStream: true);
        Assert.Equal(head1_0.Concat(body).ToArray(), output.WrittenSpan.ToArray());
        Assert.Equal(0x91ECED15u, BitwiseCrc([.. head1_0[..22], 0, 0, 0, 0, .. head1_0[26..], .. body]));

        output = new ArrayBufferWriter<byte>();
        writer = new OggPageWriter(0x04030201);
        writer.AddPacket([], 0, output);
        writer.Flush(output, endOfStream: false);
        Assert.Equal(head1_2, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writer_splits_large_packets_into_255_lacing_and_starts_a_new_page_when_full()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new OggPageWriter(5);
        var packet = new byte[255 * 3]; // exactly a multiple of 255: needs a terminating 0
        for (var i = 0; i < 100; i++) writer.AddPacket(packet, i + 1, output);
        writer.Flush(output, endOfStream: true);
        var pages = ParsePages(output.WrittenSpan);
        Assert.True(pages.Count > 1);
        Assert.All(pages, p => Assert.True(p.Lacing.Length <= 255));
        Assert.All(pages, p => Assert.Equal(PageCrc(p.Raw), p.Crc));
        Assert.Equal(100, pages.Sum(p => Packets(p).Count));
        Assert.All(pages.SelectMany(Packets), p => Assert.Equal(packet.Length, p.Length));
        Assert.Equal(100, pages[^1].Granule);
        var reader = new OggPageReader(output.WrittenSpan);
        var assembler = new OggPacketAssembler();
        var count = 0;
        while (reader.TryReadPage(out var page)) assembler.Add(page, p => { Assert.Equal(packet.Length, p.Length); count++; });
        Assert.Equal(100, count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Opus_file_follows_rfc_7845(bool streaming)
    {
        var input = AudioSignals.Tone(440, 1.5);
        var bytes = AudioSignals.Encode(AudioFormat.Opus, input, streaming).Bytes;
        var pages = ParsePages(bytes);
        Assert.True(pages.Count >= 4);

        // Every CRC, computed bit by bit here.
        Assert.All(pages, p => Assert.Equal(PageCrc(p.Raw), p.Crc));
        // One logical stream, pages numbered 0, 1, 2...; BOS only first, EOS only last.
        Assert.All(pages, p => Assert.Equal(pages[0].Serial, p.Serial));
        Assert.Equal(Enumerable.Range(0, pages.Count).Select(i => (uint)i), pages.Select(p => p.Sequence));
        Assert.Equal(0x02, pages[0].Flags);
        Assert.Equal(0x04, pages[^1].Flags);
        Assert.All(pages.Skip(1).SkipLast(1), p => Assert.Equal(0, p.Flags));

        // §5.1 OpusHead alone on page 0 with granule 0.
        var head = Assert.Single(Packets(pages[0]));
        Assert.Equal(19, head.Length);
        Assert.Equal("OpusHead"u8.ToArray(), head[..8]);
        Assert.Equal(1, head[8]);  // version
        Assert.Equal(1, head[9]);  // channels
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        Assert.InRange(preSkip, 1, 48000 / 10);
        Assert.Equal(24000u, BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12)));
        Assert.Equal(0, BinaryPrimitives.ReadInt16LittleEndian(head.AsSpan(16))); // output gain
        Assert.Equal(0, head[18]); // mapping family
        Assert.Equal(0, pages[0].Granule);

        // §5.2 OpusTags alone on page 1: vendor string and a comment count that add up to the packet.
        var tags = Assert.Single(Packets(pages[1]));
        Assert.Equal("OpusTags"u8.ToArray(), tags[..8]);
        var vendorLength = BinaryPrimitives.ReadInt32LittleEndian(tags.AsSpan(8));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(tags.AsSpan(12 + vendorLength)));
        Assert.Equal(16 + vendorLength, tags.Length);
        Assert.Equal(0, pages[1].Granule);

        // §4: audio granules = 48 kHz samples of every packet so far (pre-skip included), strictly increasing;
        // the last page's granule trims the padding so exactly the input remains after the pre-skip.
        long total = 0;
        var previous = 0L;
        foreach (var page in pages.Skip(2))
        {
            var packets = Packets(page);
            Assert.NotEmpty(packets);
            total += packets.Sum(OpusPacketSamples);
            Assert.True(page.Granule > previous, $"granule {page.Granule} after {previous}");
            if (page != pages[^1]) Assert.Equal(total, page.Granule);
            previous = page.Granule;
        }
        Assert.Equal(preSkip + input.Length * 2L, pages[^1].Granule);
        Assert.True(total >= pages[^1].Granule && total - pages[^1].Granule < 960 + preSkip);

        // And ffmpeg, which honours pre-skip and end trimming, gives back exactly the input's length.
        Assert.Equal(input.Length, Ffmpeg.DecodeToFloat(bytes).Length);
    }

    [Fact]
    public void Every_streamed_write_ends_on_a_page_boundary()
    {
        var input = AudioSignals.Tone(440, 1);
        var output = new ArrayBufferWriter<byte>();
        using var encoder = new AudioEncoderFactory().Create(AudioFormat.Opus, new EncoderOptions(24000, 1, Streaming: true));
        var offset = 0;
        for (var k = 0; offset < input.Length; k++)
        {
            var take = Math.Min(AudioSignals.UnevenChunks[k % AudioSignals.UnevenChunks.Length], input.Length - offset);
            encoder.Write(input.AsSpan(offset, take), output);
            offset += take;
            ParsePages(output.WrittenSpan); // fails on a partial page
        }
        encoder.Complete(output);
        Assert.Equal(0x04, ParsePages(output.WrittenSpan)[^1].Flags);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Opusinfo_accepts_the_file(bool streaming)
    {
        Skip.IfNot(Ffmpeg.HasTool("opusinfo"), "opus-tools (opusinfo) is not installed");
        var bytes = AudioSignals.Encode(AudioFormat.Opus, AudioSignals.Tone(440, 1.5), streaming).Bytes;
        var (exitCode, output) = Ffmpeg.OpusInfo(bytes);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("WARNING", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ERROR", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Pre-skip", output);
        Assert.Contains("Playback length: 0m:01.5", output);
    }
}
