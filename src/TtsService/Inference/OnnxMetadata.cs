using System.Text;

namespace TtsService.Inference;

/// <summary>
/// Reads an ONNX file's <c>metadata_props</c> (ModelProto field 14: key/value string pairs) without creating a session:
/// the top-level fields are walked and the graph (hundreds of MB) is skipped by its length. Used to tell whether a
/// model can load before loading it (e.g. which variants <c>/v1/models</c> lists).
/// </summary>
public static class OnnxMetadata
{
    private const int MetadataProps = 14;

    /// <exception cref="InvalidDataException">The file is not a well-formed protobuf message.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        while (stream.Position < stream.Length)
        {
            var tag = ReadVarint(stream);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0: ReadVarint(stream); break;
                case 1: Skip(stream, 8); break;
                case 5: Skip(stream, 4); break;
                case 2:
                    var length = checked((long)ReadVarint(stream));
                    if (field == MetadataProps && length < 1 << 20)
                    {
                        var entry = new byte[length];
                        stream.ReadExactly(entry);
                        var (key, value) = Entry(entry);
                        if (key is not null) result[key] = value ?? "";
                    }
                    else Skip(stream, length);
                    break;
                default: throw new InvalidDataException($"{Path.GetFileName(path)}: not an ONNX model (wire type {tag & 7}).");
            }
        }
        return result;
    }

    /// <summary>StringStringEntryProto: key = 1, value = 2.</summary>
    private static (string? Key, string? Value) Entry(byte[] bytes)
    {
        using var entry = new MemoryStream(bytes);
        string? key = null, value = null;
        while (entry.Position < entry.Length)
        {
            var tag = ReadVarint(entry);
            if ((tag & 7) != 2) throw new InvalidDataException("metadata entry: unexpected wire type");
            var length = checked((int)ReadVarint(entry));
            var text = Encoding.UTF8.GetString(bytes, (int)entry.Position, length);
            entry.Position += length;
            if (tag >> 3 == 1) key = text; else if (tag >> 3 == 2) value = text;
        }
        return (key, value);
    }

    private static ulong ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0) throw new InvalidDataException("truncated protobuf varint");
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("protobuf varint too long");
    }

    private static void Skip(Stream stream, long count)
    {
        if (count < 0 || stream.Position + count > stream.Length) throw new InvalidDataException("truncated protobuf field");
        stream.Seek(count, SeekOrigin.Current);
    }
}
