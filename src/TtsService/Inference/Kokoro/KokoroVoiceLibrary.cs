using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using TtsService.Errors;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// Kokoro voices: style tables of float32 [510, 1, 256] (one 256-dim style per phoneme count).
/// Read from <c>voices/*.bin</c> (raw little-endian float32), from <c>voices-v1.0.bin</c> (an npz of
/// .npy arrays, as kokoro-onnx ships them) and from sherpa-onnx's <c>voices.bin</c>
/// ([n_speakers, 510, 256] in <c>speaker_names</c> order). Mixes like <c>af_bella(2)+af_sky(1)</c> are
/// the weight-normalized mean of the tables.
/// </summary>
public sealed partial class KokoroVoiceLibrary
{
    public const int Rows = 510;
    public const int TableLength = Rows * KokoroModel.StyleDim;

    /// <summary>OpenAI's voice names mapped to the closest Kokoro v1.0 voices (same names where Kokoro has them).</summary>
    public static readonly IReadOnlyDictionary<string, string> OpenAiVoices = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["alloy"] = "af_alloy",
        ["ash"] = "am_adam",
        ["ballad"] = "bm_george",
        ["coral"] = "af_heart",
        ["echo"] = "am_echo",
        ["fable"] = "bm_fable",
        ["nova"] = "af_nova",
        ["onyx"] = "am_onyx",
        ["sage"] = "af_sarah",
        ["shimmer"] = "af_bella",
        ["verse"] = "am_michael",
        ["marin"] = "af_jessica",   // OpenAI's newer voices: a warm female and a calm male voice
        ["cedar"] = "am_fenrir",
    };

    /// <summary>Combined voices kept by default (about 0.5 MB each).</summary>
    public const int DefaultCombinedCapacity = 64;

    private readonly Dictionary<string, float[]> _voices = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    // Mixes made by /v1/audio/voices/combine, least recently used first. A mix's name is its recipe, so one that was
    // evicted here (or was made on another replica) is simply mixed again when asked for.
    private readonly LinkedList<(string Name, float[] Table)> _combined = new();
    private readonly Dictionary<string, LinkedListNode<(string Name, float[] Table)>> _combinedByName = new(StringComparer.Ordinal);

    /// <param name="combinedCapacity">Combined voices kept (<c>max_combined_voices</c>); the least recently used goes first.</param>
    public KokoroVoiceLibrary(int combinedCapacity = DefaultCombinedCapacity) => CombinedCapacity = Math.Max(0, combinedCapacity);

    public int CombinedCapacity { get; }

    /// <summary>The loaded voices and the combined voices held now.</summary>
    public IReadOnlyList<string> Names
    {
        get { lock (_gate) return _voices.Keys.Concat(_combinedByName.Keys).Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>Loaded voices (combined ones not counted).</summary>
    public int Count { get { lock (_gate) return _voices.Count; } }

    public int CombinedCount { get { lock (_gate) return _combined.Count; } }

    /// <summary>
    /// Mixes <paramref name="spec"/> and keeps it under its recipe name (<see cref="RecipeName"/>), evicting the least
    /// recently used combined voice past <see cref="CombinedCapacity"/>. Returns the name and the table.
    /// </summary>
    public (string Name, float[] Table) Combine(string spec)
    {
        var table = Resolve(spec);
        var name = RecipeName(ParseMix(spec));
        lock (_gate)
        {
            if (_voices.ContainsKey(name) || CombinedCapacity == 0) return (name, table);
            if (_combinedByName.TryGetValue(name, out var node)) _combined.Remove(node);
            _combinedByName[name] = _combined.AddLast((name, table));
            while (_combined.Count > CombinedCapacity)
            {
                _combinedByName.Remove(_combined.First!.Value.Name);
                _combined.RemoveFirst();
            }
        }
        return (name, table);
    }

    /// <summary>
    /// "af_bella(2)+af_sky-af_nicole(0.5)": the parts in order with their sign, weight 1 left out, weights written
    /// round-trip, so the name mixes to the same table again (<see cref="Resolve"/>).
    /// </summary>
    public static string RecipeName(IReadOnlyList<(string Name, double Weight)> parts) =>
        string.Concat(parts.Select((p, i) =>
        {
            var sign = p.Weight < 0 ? "-" : i == 0 ? "" : "+";
            var weight = Math.Abs(p.Weight);
            return weight == 1 ? $"{sign}{p.Name}" : $"{sign}{p.Name}({weight.ToString("R", CultureInfo.InvariantCulture)})";
        }));

    public void Add(string name, float[] table)
    {
        if (table.Length != TableLength)
            throw new InvalidDataException($"Voice '{name}' has {table.Length} floats; expected {TableLength} (510×1×256).");
        lock (_gate) _voices[name] = table;
    }

    public bool Contains(string name) { lock (_gate) return _voices.ContainsKey(name) || _combinedByName.ContainsKey(name); }

    /// <summary>Reads every <c>*.bin</c> style file of a directory.</summary>
    public int LoadDirectory(string directory)
    {
        var loaded = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.bin"))
        {
            Add(Path.GetFileNameWithoutExtension(file), ReadRawTable(File.ReadAllBytes(file), file));
            loaded++;
        }
        return loaded;
    }

    public static float[] ReadRawTable(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length != TableLength * sizeof(float))
            throw new InvalidDataException($"{source}: {bytes.Length} bytes; a voice file is {TableLength * sizeof(float)} bytes (float32 510×1×256).");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>Reads the npz bundle (<c>voices-v1.0.bin</c>): one <c>name.npy</c> float32 [510,1,256] per voice.</summary>
    public int LoadNpz(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var loaded = 0;
        foreach (var entry in zip.Entries)
        {
            if (!entry.Name.EndsWith(".npy", StringComparison.Ordinal)) continue;
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Add(Path.GetFileNameWithoutExtension(entry.Name), NpyArray.ReadFloat32(buffer.ToArray(), TableLength, $"{path}:{entry.Name}"));
            loaded++;
        }
        return loaded;
    }

    /// <summary>Reads sherpa-onnx's <c>voices.bin</c>: raw float32 [n, 510, 256] for <paramref name="speakerNames"/> in order.</summary>
    public int LoadSherpaVoices(string path, IReadOnlyList<string> speakerNames)
    {
        var bytes = File.ReadAllBytes(path);
        var expected = (long)speakerNames.Count * TableLength * sizeof(float);
        if (bytes.Length != expected)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes; {speakerNames.Count} speakers need {expected}.");
        var all = MemoryMarshal.Cast<byte, float>(bytes);
        for (var i = 0; i < speakerNames.Count; i++) Add(speakerNames[i], all.Slice(i * TableLength, TableLength).ToArray());
        return speakerNames.Count;
    }

    /// <summary>
    /// Resolves a voice spec: a name, an OpenAI name, or a mix "a+b", "a(2)+b(1)", "a(2)-b(1)" (as Kokoro-FastAPI:
    /// each table scaled by its weight over the sum of all weights, then added or subtracted; spaces ignored).
    /// Unknown voices are a 404; malformed specs a 400.
    /// </summary>
    public float[] Resolve(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new InvalidRequestException("voice is required.", "voice", "missing_voice");
        // A voice whose own name has '-' or '+' (a combined voice registered by name) is not parsed as a mix.
        lock (_gate)
        {
            if (_voices.TryGetValue(spec.Trim(), out var named)) return named;
            if (_combinedByName.TryGetValue(spec.Trim(), out var node))
            {
                _combined.Remove(node);
                _combined.AddLast(node);
                return node.Value.Table;
            }
        }
        var parts = ParseMix(spec);
        if (parts.Count == 1 && parts[0].Weight > 0) return Lookup(parts[0].Name);
        var total = parts.Sum(p => Math.Abs(p.Weight));
        var mixed = new float[TableLength];
        foreach (var (name, weight) in parts)
        {
            var table = Lookup(name);
            var w = (float)(weight / total);
            for (var i = 0; i < mixed.Length; i++) mixed[i] += table[i] * w;
        }
        return mixed;
    }

    /// <summary>
    /// The parts of a mix: "af_bella(2) + af_sky" → (af_bella, 2), (af_sky, 1); a part after '-' has a negative weight
    /// (Kokoro-FastAPI subtracts it). Whitespace anywhere is ignored, as Kokoro-FastAPI strips it.
    /// </summary>
    public static IReadOnlyList<(string Name, double Weight)> ParseMix(string spec)
    {
        var compact = string.Concat(spec.Where(c => !char.IsWhiteSpace(c)));
        var parts = new List<(string, double)>();
        var sign = 1;
        var start = 0;
        for (var i = 0; i <= compact.Length; i++)
        {
            if (i < compact.Length && compact[i] is not ('+' or '-')) continue;
            parts.Add(ParsePart(spec, compact[start..i], sign));
            if (i < compact.Length) sign = compact[i] == '-' ? -1 : 1;
            start = i + 1;
        }
        if (parts[0].Item2 < 0)
            throw new InvalidRequestException($"Voice '{spec}' must start with a voice to subtract from.", "voice", "invalid_voice");
        return parts;
    }

    private static (string, double) ParsePart(string spec, string part, int sign)
    {
        var match = MixPart().Match(part);
        if (!match.Success)
            throw new InvalidRequestException($"Voice '{spec}' is not a voice name or a mix like 'af_bella+af_sky', 'af_bella(2)+af_sky(1)' or 'af_bella-af_sky'.", "voice", "invalid_voice");
        var weight = match.Groups[2].Success ? double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 1.0;
        if (!(weight > 0) || double.IsInfinity(weight))
            throw new InvalidRequestException($"Voice weight in '{part}' must be a positive number.", "voice", "invalid_voice");
        return (match.Groups[1].Value, sign * weight);
    }

    private float[] Lookup(string name)
    {
        bool loaded;
        lock (_gate) loaded = _voices.ContainsKey(name);
        var key = OpenAiVoices.TryGetValue(name, out var mapped) && !loaded ? mapped : name;
        lock (_gate)
        {
            if (_voices.TryGetValue(key, out var table)) return table;
        }
        throw new NotFoundException($"Voice '{name}' not found. GET /v1/audio/voices lists the available voices.", "voice", "voice_not_found");
    }

    /// <summary>
    /// The style row for a chunk of <paramref name="phonemeCount"/> phonemes (pads excluded): row n − 1,
    /// as hexgrad/kokoro's <c>KPipeline.infer</c> takes <c>pack[len(ps) - 1]</c> (a chunk never has more
    /// than 510 phonemes, so at most row 509). kokoro-onnx indexes row n, one longer than the voice was
    /// made for; the reference pipeline is what the voices were published with.
    /// </summary>
    public static ReadOnlySpan<float> StyleRow(float[] table, int phonemeCount)
    {
        var row = Math.Clamp(phonemeCount - 1, 0, Rows - 1);
        return table.AsSpan(row * KokoroModel.StyleDim, KokoroModel.StyleDim);
    }

    [GeneratedRegex(@"^([A-Za-z0-9_]{1,64})(?:\(([0-9]*\.?[0-9]+)\))?$")]
    private static partial Regex MixPart();
}

/// <summary>Reads a NumPy .npy (v1–v3) float32 little-endian C-order array.</summary>
internal static class NpyArray
{
    public static float[] ReadFloat32(byte[] bytes, int expectedLength, string source)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{source}: not a .npy array.");
        int major = bytes[6];
        int headerLength, offset;
        if (major == 1) { headerLength = BitConverter.ToUInt16(bytes, 8); offset = 10; }
        else { headerLength = (int)BitConverter.ToUInt32(bytes, 8); offset = 12; }
        var header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{source}: expected little-endian float32 in C order, header {header.Trim()}.");
        var data = bytes.AsSpan(offset + headerLength);
        if (data.Length != expectedLength * sizeof(float))
            throw new InvalidDataException($"{source}: {data.Length / sizeof(float)} floats; expected {expectedLength}.");
        return MemoryMarshal.Cast<byte, float>(data).ToArray();
    }
}
