using System.Diagnostics;
using System.Text.Json;

namespace RealModelBench;

/// <summary>
/// What the real-size bench and the opt-in real-model test share: the models folder the service reads
/// (a folder of symlinks, so the realshape random-weight exports, which ship no Kokoro vocabulary or
/// voices, get config.json and voices/ from <c>../shared/models/kokoro</c>), sherpa-onnx packs of the
/// same ZipVoice files, and the espeak-ng prompt. Linked into tests/TtsService.Tests, so it uses only the BCL.
/// </summary>
public static class RealModelAssets
{
    public const string PromptText = "The weather was calm and the lake was quiet today.";
    public const double PromptSeconds = 3.0;
    public static readonly string[] ZipVoiceVariants = ["zipvoice", "zipvoice_distill", "zipvoice_dialog", "zipvoice_dialog_stereo"];

    /// <summary>The service's models folder and where each backend's files are.</summary>
    /// <param name="ServiceDir">models_dir for the service.</param>
    /// <param name="KokoroModel">Kokoro's ONNX file, or null when there is none.</param>
    /// <param name="KokoroVoices">Kokoro's voices/ folder (float32 [510,1,256] per voice), or null.</param>
    /// <param name="Variants">the ZipVoice variants with both graphs and tokens.txt (and a Vocos vocoder).</param>
    public sealed record Layout(string ServiceDir, string? KokoroModel, string? KokoroVoices, IReadOnlyList<string> Variants)
    {
        /// <summary>models_dir/variant, or models_dir/zipvoice/variant (both layouts the service reads).</summary>
        public string VariantDir(string variant) =>
            new[] { Path.Combine(ServiceDir, variant), Path.Combine(ServiceDir, "zipvoice", variant) }
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "text_encoder.onnx"))) ?? Path.Combine(ServiceDir, variant);

        public string? Vocos(string variant) =>
            new[] { Path.Combine(ServiceDir, "vocos"), VariantDir(variant), Path.Combine(ServiceDir, "zipvoice") }
                .Select(d => Path.Combine(d, "vocos_24khz.onnx")).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Builds <paramref name="outDir"/> as a folder of symlinks to <paramref name="modelsDir"/>'s entries; when
    /// its kokoro/ lacks a config.json with a vocab, or voices, those come from <paramref name="sharedKokoro"/>.
    /// </summary>
    public static Layout Assemble(string modelsDir, string? sharedKokoro, string outDir)
    {
        modelsDir = Path.GetFullPath(modelsDir);
        if (!Directory.Exists(modelsDir)) throw new DirectoryNotFoundException($"models folder {modelsDir} does not exist");
        Directory.CreateDirectory(outDir);
        foreach (var entry in Directory.EnumerateFileSystemEntries(modelsDir))
        {
            var name = Path.GetFileName(entry);
            if (name != "kokoro") Link(Path.Combine(outDir, name), entry);
        }

        string? kokoroModel = null, kokoroVoices = null;
        var kokoroSource = Path.Combine(modelsDir, "kokoro");
        if (Directory.Exists(kokoroSource))
        {
            var kokoro = Path.Combine(outDir, "kokoro");
            Directory.CreateDirectory(kokoro);
            foreach (var entry in Directory.EnumerateFileSystemEntries(kokoroSource))
                Link(Path.Combine(kokoro, Path.GetFileName(entry)), entry);
            if (!HasVocab(Path.Combine(kokoro, "config.json")))
            {
                var shared = SharedConfig(sharedKokoro, "config.json has no vocab");
                Link(Path.Combine(kokoro, "config.json"), Path.Combine(shared, "config.json"));
            }
            var hasVoices = Directory.Exists(Path.Combine(kokoro, "voices")) || File.Exists(Path.Combine(kokoro, "voices-v1.0.bin")) || File.Exists(Path.Combine(kokoro, "voices.bin"));
            if (!hasVoices)
            {
                var shared = SharedConfig(sharedKokoro, "there are no voices");
                Link(Path.Combine(kokoro, "voices"), Path.Combine(shared, "voices"));
            }
            kokoroModel = new[] { "model.onnx", "kokoro-v1.0.onnx" }.Select(f => Path.Combine(kokoro, f)).FirstOrDefault(File.Exists)
                ?? Directory.EnumerateFiles(kokoro, "*.onnx").Order().FirstOrDefault();
            kokoroVoices = Directory.Exists(Path.Combine(kokoro, "voices")) ? Path.Combine(kokoro, "voices") : null;
        }

        var layout = new Layout(outDir, kokoroModel, kokoroVoices, []);
        var variants = ZipVoiceVariants.Where(v => layout.Vocos(v) is not null
            && new[] { "text_encoder.onnx", "fm_decoder.onnx", "tokens.txt" }.All(f => File.Exists(Path.Combine(layout.VariantDir(v), f)))).ToList();
        return layout with { Variants = variants };
    }

    /// <summary>../shared/models/kokoro (or <c>TTS_SHARED_KOKORO</c>) found upward from <paramref name="start"/>.</summary>
    public static string? FindSharedKokoro(string start)
    {
        var fromEnv = Environment.GetEnvironmentVariable("TTS_SHARED_KOKORO");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", "kokoro");
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        return null;
    }

    /// <summary>
    /// A sherpa-onnx ZipVoice pack (its file names) of symlinks to the same graphs, vocoder and tokens, a tiny
    /// lexicon (English never needs it; sherpa requires the file) and the system espeak-ng-data.
    /// </summary>
    public static string SherpaPack(Layout layout, string variant, string outDir)
    {
        var pack = Path.Combine(outDir, "sherpa-" + variant);
        Directory.CreateDirectory(pack);
        var dir = layout.VariantDir(variant);
        Link(Path.Combine(pack, "encoder.onnx"), Path.Combine(dir, "text_encoder.onnx"));
        Link(Path.Combine(pack, "decoder.onnx"), Path.Combine(dir, "fm_decoder.onnx"));
        Link(Path.Combine(pack, "vocos_24khz.onnx"), layout.Vocos(variant) ?? throw new FileNotFoundException("vocos/vocos_24khz.onnx is missing"));
        File.Copy(Path.Combine(dir, "tokens.txt"), Path.Combine(pack, "tokens.txt"), overwrite: true);
        File.WriteAllText(Path.Combine(pack, "lexicon.txt"), "你 n0 i3\n好 h0 ao3\n中 zh0 ong1\n文 w0 en2\n");
        var espeakData = new[] { "/usr/lib/x86_64-linux-gnu/espeak-ng-data", "/usr/lib/aarch64-linux-gnu/espeak-ng-data", "/usr/share/espeak-ng-data" }
            .FirstOrDefault(Directory.Exists) ?? throw new DirectoryNotFoundException("espeak-ng-data not found (apt-get install espeak-ng-data)");
        Link(Path.Combine(pack, "espeak-ng-data"), espeakData);
        return pack;
    }

    /// <summary>
    /// The prompt: <c>espeak-ng -v en-us -s 165</c> saying <see cref="PromptText"/>, cut to its first 3.0 s
    /// (16-bit mono WAV at espeak-ng's 22,050 Hz), as tools/realshape/make.sh makes it.
    /// </summary>
    public static byte[] MakePrompt()
    {
        var raw = Path.Combine(Path.GetTempPath(), $"realmodel-prompt-{Guid.NewGuid():N}.wav");
        try
        {
            using (var espeak = Process.Start(new ProcessStartInfo("espeak-ng", ["-v", "en-us", "-s", "165", "-w", raw, PromptText]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("espeak-ng did not start"))
            {
                espeak.WaitForExit();
                if (espeak.ExitCode != 0) throw new InvalidOperationException("espeak-ng failed: " + espeak.StandardError.ReadToEnd());
            }
            var (rate, pcm) = ReadPcm16(File.ReadAllBytes(raw));
            var keep = Math.Min(pcm.Length, (int)(PromptSeconds * rate) * 2);
            return Wav(rate, pcm.AsSpan(0, keep));
        }
        finally { File.Delete(raw); }
    }

    /// <summary>The sample rate and 16-bit mono samples (bytes) of a plain PCM WAV file.</summary>
    public static (int Rate, byte[] Pcm) ReadPcm16(byte[] wav)
    {
        int pos = 12, rate = 0;
        while (pos + 8 <= wav.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, pos, 4);
            var size = BitConverter.ToInt32(wav, pos + 4);
            if (id == "fmt ") rate = BitConverter.ToInt32(wav, pos + 12);
            if (id == "data")
            {
                // espeak-ng writes 0x7fffffff as the size of a streamed data chunk
                var length = size < 0 || pos + 8 + size > wav.Length ? wav.Length - pos - 8 : size;
                return (rate, wav.AsSpan(pos + 8, length & ~1).ToArray());
            }
            pos += 8 + size + (size & 1);
        }
        throw new InvalidDataException("no data chunk in the WAV file");
    }

    public static byte[] Wav(int rate, ReadOnlySpan<byte> pcm16)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8); w.Write(36 + pcm16.Length); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(pcm16.Length); w.Write(pcm16);
        w.Flush();
        return stream.ToArray();
    }

    private static string SharedConfig(string? sharedKokoro, string why) =>
        sharedKokoro is not null && File.Exists(Path.Combine(sharedKokoro, "config.json")) && Directory.Exists(Path.Combine(sharedKokoro, "voices"))
            ? sharedKokoro
            : throw new DirectoryNotFoundException($"kokoro/: {why}, and no shared Kokoro folder with config.json and voices/ was given (--shared-kokoro or TTS_SHARED_KOKORO; default ../shared/models/kokoro)");

    private static bool HasVocab(string config)
    {
        if (!File.Exists(config)) return false;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
        return doc.RootElement.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Object && vocab.EnumerateObject().Any();
    }

    private static void Link(string path, string target)
    {
        if (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null) File.Delete(path);
        File.CreateSymbolicLink(path, Path.GetFullPath(target));
    }
}
