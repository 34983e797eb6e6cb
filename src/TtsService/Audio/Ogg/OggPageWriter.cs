using System.Buffers;
using System.Buffers.Binary;

namespace TtsService.Audio.Ogg;

/// <summary>
/// Writes one logical Ogg bitstream (RFC 3533): packets are laced into a page that is written when
/// the caller flushes it or when it is full. Buffers are reused across pages.
/// </summary>
public sealed class OggPageWriter(uint serial)
{
    private const int HeaderSize = 27;
    private const int MaxSegments = 255;

    private readonly byte[] _lacing = new byte[MaxSegments];
    private readonly ArrayBufferWriter<byte> _body = new(8192);
    private int _segments;
    private int _packets;
    private uint _sequence;
    private bool _started;
    private long _granule;

    public int PendingPackets => _packets;
    public int PagesWritten => (int)_sequence;

    /// <summary>
    /// Adds a whole packet ending at <paramref name="granule"/>. A packet that does not fit in the
    /// page's remaining lacing values flushes the page first; packets over ~64 KB are not needed here.
    /// </summary>
    public void AddPacket(ReadOnlySpan<byte> packet, long granule, IBufferWriter<byte> output)
    {
        var needed = packet.Length / 255 + 1;
        if (needed > MaxSegments) throw new ArgumentException("Packet too large for one Ogg page.", nameof(packet));
        if (_segments + needed > MaxSegments) Flush(output, endOfStream: false);
        var remaining = packet.Length;
        while (remaining >= 255) { _lacing[_segments++] = 255; remaining -= 255; }
        _lacing[_segments++] = (byte)remaining; // < 255 terminates the packet (0 when a multiple of 255)
        _body.Write(packet);
        _granule = granule;
        _packets++;
    }

    /// <summary>Writes the pending packets as one page (an empty end-of-stream page is allowed).</summary>
    public void Flush(IBufferWriter<byte> output, bool endOfStream)
    {
        if (_segments == 0 && !endOfStream) return;
        var size = HeaderSize + _segments + _body.WrittenCount;
        var page = output.GetSpan(size)[..size];
        "OggS"u8.CopyTo(page);
        page[4] = 0; // stream structure version
        page[5] = (byte)((_started ? 0 : 0x02) | (endOfStream ? 0x04 : 0)); // BOS on the first page, EOS on the last
        // Every packet ends on the page it starts on, so the granule is that of the last packet.
        BinaryPrimitives.WriteInt64LittleEndian(page[6..], _granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page[14..], serial);
        BinaryPrimitives.WriteUInt32LittleEndian(page[18..], _sequence++);
        BinaryPrimitives.WriteUInt32LittleEndian(page[22..], 0);
        page[26] = (byte)_segments;
        _lacing.AsSpan(0, _segments).CopyTo(page[HeaderSize..]);
        _body.WrittenSpan.CopyTo(page[(HeaderSize + _segments)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(page[22..], OggCrc.Compute(page));
        output.Advance(size);
        _started = true;
        _segments = 0;
        _packets = 0;
        _body.Clear();
    }

    /// <summary>Sets the granule of the next flushed page (used to end-trim the last page).</summary>
    public void SetGranule(long granule) => _granule = granule;
}
