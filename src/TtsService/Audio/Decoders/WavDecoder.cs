using System.Buffers.Binary;

namespace TtsService.Audio.Decoders;

/// <summary>
/// RIFF/WAVE: PCM 8 (unsigned), 16, 24, 32-bit; IEEE float 32/64-bit; WAVE_FORMAT_EXTENSIBLE with
/// either sub-format. A data size of 0 or 0xFFFFFFFF means "until the end" (streamed WAV, as ours).
/// </summary>
internal static class WavDecoder
{
    private const ushort FormatPcm = 1, FormatFloat = 3, FormatExtensible = 0xFFFE;

    /// <summary>The KSDATAFORMAT_SUBTYPE GUID tail shared by PCM and float (mmreg.h / ksmedia.h).</summary>
    private static ReadOnlySpan<byte> SubFormatTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static bool Sniff(ReadOnlySpan<byte> b) =>
        b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WAVE"u8);

    public static RawAudio Decode(ReadOnlySpan<byte> file, DecodeBudget budget)
    {
        int? formatTag = null, channels = null, rate = null, bits = null, blockAlign = null;
        var pos = 12;
        while (pos + 8 <= file.Length)
        {
            var id = file.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 4, 4));
            var body = pos + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + size > file.Length) throw DecodeBudget.Corrupt("WAV", "the fmt chunk is cut short.");
                var fmt = file.Slice(body, (int)size);
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]), int.MaxValue);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (tag == FormatExtensible)
                {
                    if (size < 40) throw DecodeBudget.Corrupt("WAV", "WAVE_FORMAT_EXTENSIBLE without its extension.");
                    var guid = fmt.Slice(24, 16);
                    if (!guid[2..].SequenceEqual(SubFormatTail))
                        throw new Errors.UnsupportedMediaException("This WAV sub-format is not read; send PCM or IEEE float WAV.", "audio");
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
                }
                formatTag = tag;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (formatTag is null) throw DecodeBudget.Corrupt("WAV", "the data chunk comes before the fmt chunk.");
                long available = file.Length - body;
                long dataSize = size is 0 or uint.MaxValue ? available : size;
                if (dataSize > available) throw DecodeBudget.Corrupt("WAV", $"the data chunk declares {dataSize} bytes but {available} are present.");
                return DecodeData(file.Slice(body, (int)dataSize), formatTag.Value, channels!.Value, rate!.Value, bits!.Value, blockAlign!.Value, budget);
            }
            pos = body + (int)Math.Min(size + (size & 1), int.MaxValue - body); // chunks are word-aligned
            if (pos < 0) break;
        }
        throw DecodeBudget.Corrupt("WAV", formatTag is null ? "no fmt chunk." : "no data chunk.");
    }

    private static RawAudio DecodeData(ReadOnlySpan<byte> data, int tag, int channels, int rate, int bits, int blockAlign, DecodeBudget budget)
    {
        budget.CheckStream("WAV", rate, channels);
        var isFloat = tag == FormatFloat;
        if (tag is not (FormatPcm or FormatFloat))
            throw new Errors.UnsupportedMediaException($"WAV encoding {tag} is not read; send PCM or IEEE float WAV.", "audio");
        if (isFloat ? bits is not (32 or 64) : bits is not (8 or 16 or 24 or 32))
            throw new Errors.UnsupportedMediaException($"{bits}-bit {(isFloat ? "float" : "PCM")} WAV is not read.", "audio");
        var bytesPerSample = bits / 8;
        if (blockAlign != bytesPerSample * channels)
            throw DecodeBudget.Corrupt("WAV", $"block align {blockAlign} does not match {channels} × {bits}-bit samples.");
        var frames = data.Length / blockAlign; // a trailing partial frame is dropped
        budget.CheckFrames(frames, rate);      // before allocating the output
        var count = frames * channels;
        var output = new float[count];
        switch (bits, isFloat)
        {
            case (8, false):
                for (var i = 0; i < count; i++) output[i] = (data[i] - 128) / 128f;
                break;
            case (16, false):
                for (var i = 0; i < count; i++) output[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]) / 32768f;
                break;
            case (24, false):
                for (var i = 0; i < count; i++)
                {
                    var p = i * 3;
                    output[i] = ((data[p] << 8 | data[p + 1] << 16 | data[p + 2] << 24) >> 8) / 8388608f;
                }
                break;
            case (32, false):
                for (var i = 0; i < count; i++) output[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]) / 2147483648f;
                break;
            case (32, true):
                for (var i = 0; i < count; i++) output[i] = Sanitize(BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]));
                break;
            default:
                for (var i = 0; i < count; i++) output[i] = Sanitize((float)BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]));
                break;
        }
        return new RawAudio(output, frames, rate, channels, "wav");
    }

    /// <summary>Float WAV may hold NaN/Inf or overs; the model wants finite samples in [-1, 1].</summary>
    private static float Sanitize(float x) => float.IsFinite(x) ? Math.Clamp(x, -1f, 1f) : 0f;
}
