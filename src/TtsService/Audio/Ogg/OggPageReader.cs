using System.Buffers;
using System.Buffers.Binary;

namespace TtsService.Audio.Ogg;

/// <summary>One parsed Ogg page (RFC 3533 §6); <see cref="Body"/> points into the file.</summary>
public readonly ref struct OggPage
{
    public required byte HeaderType { get; init; }
    public required long Granule { get; init; }
    public required uint Serial { get; init; }
    public required uint Sequence { get; init; }
    public required ReadOnlySpan<byte> Lacing { get; init; }
    public required ReadOnlySpan<byte> Body { get; init; }
    public bool IsContinued => (HeaderType & 0x01) != 0;
    public bool IsFirst => (HeaderType & 0x02) != 0;
    public bool IsLast => (HeaderType & 0x04) != 0;
}

/// <summary>Thrown for a malformed page; the prompt decoder maps it to 422.</summary>
public sealed class OggFormatException(string message) : Exception(message);

/// <summary>
/// Reads the pages of an in-memory Ogg file in order, checking capture pattern, version and CRC,
/// and reassembles the packets of one logical stream (chosen by serial).
/// </summary>
public ref struct OggPageReader(ReadOnlySpan<byte> file)
{
    private readonly ReadOnlySpan<byte> _file = file;
    private int _position;

    public static bool Sniff(ReadOnlySpan<byte> b) => b.Length >= 4 && b[..4].SequenceEqual("OggS"u8);

    public bool AtEnd => _position >= _file.Length;

    public bool TryReadPage(out OggPage page)
    {
        page = default;
        if (AtEnd) return false;
        var rest = _file[_position..];
        if (rest.Length < 27) throw new OggFormatException("the file ends inside a page header.");
        if (!rest[..4].SequenceEqual("OggS"u8)) throw new OggFormatException($"no page starts at byte {_position}.");
        if (rest[4] != 0) throw new OggFormatException($"unknown Ogg version {rest[4]}.");
        int segments = rest[26];
        if (rest.Length < 27 + segments) throw new OggFormatException("the file ends inside a lacing table.");
        var lacing = rest.Slice(27, segments);
        var bodyLength = 0;
        foreach (var l in lacing) bodyLength += l;
        var size = 27 + segments + bodyLength;
        if (rest.Length < size) throw new OggFormatException("the file ends inside a page.");
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(rest[22..]);
        var crc = OggCrc.Update(0, rest[..22]);
        crc = OggCrc.Update(crc, [0, 0, 0, 0]);
        crc = OggCrc.Update(crc, rest[26..size]);
        if (crc != stored) throw new OggFormatException($"page {BinaryPrimitives.ReadUInt32LittleEndian(rest[18..])} has a bad CRC.");
        page = new OggPage
        {
            HeaderType = rest[5],
            Granule = BinaryPrimitives.ReadInt64LittleEndian(rest[6..]),
            Serial = BinaryPrimitives.ReadUInt32LittleEndian(rest[14..]),
            Sequence = BinaryPrimitives.ReadUInt32LittleEndian(rest[18..]),
            Lacing = lacing,
            Body = rest.Slice(27 + segments, bodyLength),
        };
        _position += size;
        return true;
    }
}

/// <summary>Joins lacing segments into packets, across page boundaries, for one stream.</summary>
public sealed class OggPacketAssembler
{
    private readonly ArrayBufferWriter<byte> _packet = new(4096);
    private uint? _expectedSequence;
    private bool _open;

    /// <summary>Feeds a page; calls <paramref name="onPacket"/> for each packet that ends on it.</summary>
    public void Add(in OggPage page, Action<ReadOnlyMemory<byte>> onPacket, int maxPacketBytes = 1 << 20)
    {
        if (_expectedSequence is { } expected && page.Sequence != expected)
            throw new OggFormatException($"page {expected} is missing (found {page.Sequence}).");
        _expectedSequence = page.Sequence + 1;
        if (page.IsContinued != _open)
            throw new OggFormatException(_open ? "a packet is cut off by the next page." : "a page continues a packet that never started.");
        var offset = 0;
        foreach (var l in page.Lacing)
        {
            _packet.Write(page.Body.Slice(offset, l));
            offset += l;
            if (_packet.WrittenCount > maxPacketBytes) throw new OggFormatException("a packet is implausibly large.");
            if (l < 255)
            {
                onPacket(_packet.WrittenMemory);
                _packet.Clear();
            }
        }
        _open = page.Lacing.Length > 0 && page.Lacing[^1] == 255;
    }

    public bool HasUnfinishedPacket => _open;
}
