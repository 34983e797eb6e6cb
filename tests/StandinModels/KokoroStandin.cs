using System.Text.Json;
using Onnx;
using DT = Onnx.TensorProto.Types.DataType;

namespace StandinModels;

/// <summary>Which published Kokoro v1.0 export the stand-in imitates.</summary>
public enum KokoroExport
{
    /// <summary>onnx-community/Kokoro-82M-v1.0-ONNX: input_ids → waveform [1, N].</summary>
    OnnxCommunity,
    /// <summary>thewh1teagle/kokoro-onnx: tokens → audio [N].</summary>
    KokoroOnnx,
    /// <summary>sherpa-onnx's kokoro packs: model.onnx (tokens → audio, speaker metadata), voices.bin, tokens.txt.</summary>
    SherpaOnnx,
}

/// <summary>
/// A Kokoro v1.0 stand-in with the real interface (ids int64 [1,T], style float32 [1,256],
/// speed float32 [1]) and an output known in closed form:
/// each token lasts <see cref="FramesPerToken"/> frames of <see cref="SamplesPerFrame"/> samples,
/// and the audio is <c>0.5·sin(2π·f·n/24000)</c> with <c>f = 200 + 400·sigmoid(style[0])</c>,
/// so a test can tell which style row the service chose. With durations on, a per-token
/// <c>durations</c> int64 [T] output says the same frame counts.
/// </summary>
public static class KokoroStandin
{
    public const int SampleRate = 24000;
    public const int SamplesPerFrame = 300;

    /// <summary>Frames per token at <paramref name="speed"/>: max(1, round(2 / speed)).</summary>
    public static int FramesPerToken(float speed) => Math.Max(1, (int)MathF.Round(2f / speed, MidpointRounding.ToEven));

    /// <summary>Samples the stand-in returns for <paramref name="tokensWithPads"/> ids.</summary>
    public static int SampleCount(int tokensWithPads, float speed) => tokensWithPads * FramesPerToken(speed) * SamplesPerFrame;

    /// <summary>The tone's frequency for a style vector whose first value is <paramref name="style0"/>.</summary>
    public static double Frequency(float style0) => 200 + 400 / (1 + Math.Exp(-style0));

    /// <summary>
    /// Writes <c>&lt;modelsDir&gt;/kokoro/</c>: the model, config.json and voices. With
    /// <paramref name="realAssetsDir"/> (../shared/models/kokoro) the real vocabulary and voice files
    /// are copied; otherwise a stand-in vocabulary and <see cref="SyntheticVoices"/> are written.
    /// </summary>
    public static string Write(string modelsDir, string? realAssetsDir = null, KokoroExport export = KokoroExport.OnnxCommunity, bool withDurations = true)
    {
        var dir = Path.Combine(modelsDir, "kokoro");
        Directory.CreateDirectory(dir);
        if (export == KokoroExport.SherpaOnnx)
        {
            WriteSherpaPack(dir, realAssetsDir);
            return dir;
        }
        WriteModel(Path.Combine(dir, "kokoro-v1.0.onnx"), export, withDurations);
        var voices = Path.Combine(dir, "voices");
        Directory.CreateDirectory(voices);
        if (realAssetsDir is not null && File.Exists(Path.Combine(realAssetsDir, "config.json")))
        {
            File.Copy(Path.Combine(realAssetsDir, "config.json"), Path.Combine(dir, "config.json"), true);
            var source = Directory.Exists(Path.Combine(realAssetsDir, "voices")) ? Path.Combine(realAssetsDir, "voices") : realAssetsDir;
            foreach (var file in Directory.GetFiles(source, "*.bin"))
                File.Copy(file, Path.Combine(voices, Path.GetFileName(file)), true);
        }
        else
        {
            WriteStandinConfig(Path.Combine(dir, "config.json"));
        }
        foreach (var (name, table) in SyntheticVoices())
            File.WriteAllBytes(Path.Combine(voices, name + ".bin"), ToBytes(table));
        return dir;
    }

    /// <summary>
    /// Voices whose style rows are known: row r has style[0] = <c>Offset + RowSlope·r</c> (the rest 0.01),
    /// so the tone's frequency tells the row. Names start with "af_" (American English, as the first letter picks the language) and say "standin".
    /// </summary>
    public static IEnumerable<(string Name, float[] Table)> SyntheticVoices()
    {
        yield return ("af_standin_low", Table(-1f));
        yield return ("af_standin_high", Table(0.5f));
    }

    public static float Style0(string voice, int row) => (voice == "af_standin_low" ? -1f : 0.5f) + RowSlope * row;

    /// <summary>style[0] grows by this much per row: steep enough that rows a few tokens apart sound apart.</summary>
    public const float RowSlope = 4f / 509;

    private static float[] Table(float offset)
    {
        var table = new float[510 * 256];
        for (var r = 0; r < 510; r++)
            for (var c = 0; c < 256; c++)
                table[r * 256 + c] = c == 0 ? offset + RowSlope * r : 0.01f;
        return table;
    }

    private static byte[] ToBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>
    /// sherpa-onnx's layout: model.onnx carrying speaker_names metadata, one voices.bin with every
    /// table in that order, tokens.txt ("symbol id" per line) instead of config.json.
    /// </summary>
    private static void WriteSherpaPack(string dir, string? realAssetsDir)
    {
        var voices = SyntheticVoices().ToList();
        WriteModel(Path.Combine(dir, "model.onnx"), KokoroExport.SherpaOnnx, withDurations: false,
            ("sample_rate", "24000"), ("n_speakers", voices.Count.ToString()), ("speaker_names", string.Join(',', voices.Select(v => v.Name))),
            ("style_dim", "510,1,256"), ("has_espeak", "1"), ("voice", "en-us"), ("model_type", "kokoro"));
        using (var file = File.Create(Path.Combine(dir, "voices.bin")))
            foreach (var (_, table) in voices) file.Write(ToBytes(table));
        var config = Path.Combine(Path.GetTempPath(), $"kokoro-config-{Guid.NewGuid():N}.json");
        if (realAssetsDir is not null && File.Exists(Path.Combine(realAssetsDir, "config.json"))) File.Copy(Path.Combine(realAssetsDir, "config.json"), config);
        else WriteStandinConfig(config);
        var vocab = JsonDocument.Parse(File.ReadAllText(config)).RootElement.GetProperty("vocab");
        File.WriteAllLines(Path.Combine(dir, "tokens.txt"), vocab.EnumerateObject().Select(p => $"{p.Name} {p.Value.GetInt32()}"));
        File.Delete(config);
    }

    /// <summary>A vocabulary with the misaki symbols Kokoro v1.0 uses (ids are arbitrary; the stand-in ignores them).</summary>
    private static void WriteStandinConfig(string path)
    {
        const string symbols = ";:,.!?—…\"()“” ʣʥʦʨᵝꭧAIOQSTWYᵊabcdefhijklmnopqrstuvwxyzɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓→↗↘ᵻ";
        var vocab = new Dictionary<string, int>();
        var id = 1;
        foreach (var rune in symbols.EnumerateRunes()) vocab.TryAdd(rune.ToString(), id++);
        File.WriteAllText(path, JsonSerializer.Serialize(new { n_token = 178, vocab }));
    }

    public static void WriteModel(string path, KokoroExport export, bool withDurations, params (string Key, string Value)[] metadata)
    {
        var g = new OnnxGraphBuilder();
        foreach (var (key, value) in metadata) g.Metadata(key, value);
        var ids = export == KokoroExport.OnnxCommunity ? "input_ids" : "tokens";
        g.Input(ids, DT.Int64, 1, "T").Input("style", DT.Float, 1, 256).Input("speed", DT.Float, 1);

        // Frames per token D = max(1, round(2 / speed)), a [1] float.
        var frames = g.Op("Max", g.Op("Round", g.Op("Div", g.Const(2f), "speed")), g.Const(1f));
        var tokens = g.Cast(g.Dim(ids, 1), DT.Float);
        var length = g.Op("Mul", g.Op("Mul", tokens, frames), g.Const(SamplesPerFrame));
        var lengthScalar = g.Op("Squeeze", length, g.ConstInt([0], [1]));
        var n = g.Op("Range", g.Const(0f), lengthScalar, g.Const(1f));                 // [N]

        // f = 200 + 400·sigmoid(style[:, 0]), a [1,1] float.
        var style0 = g.Op("Slice", "style", g.ConstInt([0], [1]), g.ConstInt([1], [1]), g.ConstInt([1], [1]));
        var f = g.Op("Add", g.Op("Mul", g.Op("Sigmoid", style0), g.Const(400f)), g.Const(200f));
        var phase = g.Op("Mul", g.Op("Mul", g.Op("Unsqueeze", n, g.ConstInt([0], [1])), f), g.Const((float)(2 * Math.PI / SampleRate)));
        var wave = g.Op("Mul", g.Op("Sin", phase), g.Const(0.5f));                       // [1, N]
        if (export == KokoroExport.OnnxCommunity)
        {
            g.Node("Identity", [wave], "waveform");
            g.Output("waveform", DT.Float, 1, "N");
        }
        else
        {
            g.Node("Squeeze", [wave, g.ConstInt([0], [1])], "audio");
            g.Output("audio", DT.Float, "N");
        }
        if (withDurations)
        {
            g.Node("Expand", [g.Cast(frames, DT.Int64), g.Dim(ids, 1)], "durations");
            g.Output("durations", DT.Int64, "T");
        }
        g.Save(path);
    }
}
