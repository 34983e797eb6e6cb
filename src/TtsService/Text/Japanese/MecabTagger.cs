using System.Runtime.InteropServices;
using System.Text;

namespace TtsService.Text.Japanese;

/// <summary>One MeCab node as fugashi exposes it to misaki's cutlet.</summary>
/// <param name="Pron">UniDic's <c>pron</c> (feature 9), null past the end of an unknown word's shorter feature list.</param>
/// <param name="Kana">UniDic's <c>kana</c> (feature 20), null likewise.</param>
/// <param name="CharType">MeCab's character class (UniDic char.def: 3 symbol, 6 hiragana, 7 katakana, …).</param>
public readonly record struct MecabWord(string Surface, string? Pron, string? Kana, int CharType, bool IsUnknown);

/// <summary>
/// Japanese morphological analysis through libmecab (Debian <c>libmecab2</c>) with UniDic (Debian
/// <c>unidic-mecab</c>, 3.1.1), in-process: the analysis fugashi gives misaki (fugashi wraps the same
/// library). The dictionary is memory-mapped by MeCab, so its 800 MB on disk cost page cache, not heap.
/// A MeCab tagger is not thread-safe: calls are serialized.
/// </summary>
public sealed class MecabTagger : IDisposable
{
    public const string DefaultDictionary = "/var/lib/mecab/dic/unidic";

    private readonly Lock _gate = new();
    private IntPtr _mecab;

    private MecabTagger(IntPtr mecab) => _mecab = mecab;

    /// <summary>A tagger over <paramref name="dictionaryDir"/>, or null with the reason when MeCab or the dictionary is missing.</summary>
    public static MecabTagger? TryCreate(string dictionaryDir, out string? error)
    {
        error = null;
        if (!File.Exists(Path.Combine(dictionaryDir, "sys.dic")))
        {
            error = $"UniDic for MeCab is not installed ({Path.Combine(dictionaryDir, "sys.dic")} is missing; Debian package unidic-mecab)";
            return null;
        }
        try
        {
            // -r /dev/null: no mecabrc needed; the dictionary's own dicrc still applies.
            var mecab = Native.mecab_new2($"-r /dev/null -d {dictionaryDir}");
            if (mecab == IntPtr.Zero)
            {
                error = $"MeCab could not open {dictionaryDir}: {Marshal.PtrToStringUTF8(Native.mecab_strerror(IntPtr.Zero))}";
                return null;
            }
            return new MecabTagger(mecab);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            error = $"libmecab.so.2 could not be loaded ({e.Message}); install the Debian package libmecab2";
            return null;
        }
    }

    /// <summary>The words of <paramref name="text"/> (BOS/EOS left out), as fugashi's <c>Tagger()(text)</c> lists them.</summary>
    public List<MecabWord> Parse(string text)
    {
        var words = new List<MecabWord>();
        var input = Marshal.StringToCoTaskMemUTF8(text);
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_mecab == IntPtr.Zero, this);
                // MeCab keeps pointers into the input: it stays allocated until the nodes are read.
                var node = Native.mecab_sparse_tonode(_mecab, input);
                if (node == IntPtr.Zero) throw new InvalidOperationException($"MeCab failed: {Marshal.PtrToStringUTF8(Native.mecab_strerror(_mecab))}");
                for (; node != IntPtr.Zero; node = Marshal.ReadIntPtr(node, NodeLayout.Next))
                {
                    var stat = Marshal.ReadByte(node, NodeLayout.Stat);
                    if (stat is not (NormalNode or UnknownNode)) continue;
                    var surface = Marshal.ReadIntPtr(node, NodeLayout.Surface);
                    var length = (ushort)Marshal.ReadInt16(node, NodeLayout.Length);
                    var fields = SplitFeature(Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(node, NodeLayout.Feature)) ?? "");
                    words.Add(new MecabWord(
                        Marshal.PtrToStringUTF8(surface, length),
                        fields.Count > 9 ? fields[9] : null,
                        fields.Count > 20 ? fields[20] : null,
                        Marshal.ReadByte(node, NodeLayout.CharType),
                        stat == UnknownNode));
                }
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(input);
        }
        return words;
    }

    /// <summary>fugashi's feature split: CSV (a quoted field may hold commas; "" is a quote).</summary>
    internal static List<string> SplitFeature(string feature)
    {
        var fields = new List<string>(29);
        if (!feature.Contains('"')) { fields.AddRange(feature.Split(',')); return fields; }
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < feature.Length; i++)
        {
            var c = feature[i];
            if (quoted)
            {
                if (c != '"') sb.Append(c);
                else if (i + 1 < feature.Length && feature[i + 1] == '"') { sb.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_mecab == IntPtr.Zero) return;
            Native.mecab_destroy(_mecab);
            _mecab = IntPtr.Zero;
        }
    }

    private const byte NormalNode = 0, UnknownNode = 1; // MECAB_NOR_NODE, MECAB_UNK_NODE

    /// <summary>Byte offsets in <c>struct mecab_node_t</c> (mecab.h, LP64): six pointers, surface, feature, id, length, …</summary>
    private static class NodeLayout
    {
        public const int Next = 8;
        public const int Surface = 48;
        public const int Feature = 56;
        public const int Length = 68;
        public const int CharType = 78;
        public const int Stat = 79;
    }

    private static class Native
    {
        private const string Library = "libmecab.so.2";

        [DllImport(Library)] public static extern IntPtr mecab_new2([MarshalAs(UnmanagedType.LPUTF8Str)] string arg);
        [DllImport(Library)] public static extern IntPtr mecab_sparse_tonode(IntPtr mecab, IntPtr text);
        [DllImport(Library)] public static extern IntPtr mecab_strerror(IntPtr mecab);
        [DllImport(Library)] public static extern void mecab_destroy(IntPtr mecab);
    }
}
