using System.Text;
using DT = Onnx.TensorProto.Types.DataType;

namespace StandinModels;

/// <summary>Which published ZipVoice layout the stand-in imitates.</summary>
public enum ZipVoiceLayout
{
    /// <summary>k2-fsa/ZipVoice onnx_export.py: text_encoder.onnx + fm_decoder.onnx, model.json, rank-0 scalars, full metadata.</summary>
    ZipVoiceExport,
    /// <summary>sherpa-onnx pack: encoder.int8.onnx + decoder.int8.onnx, lexicon.txt, scalars of shape [1], no metadata (defaults apply).</summary>
    SherpaPack,
}

/// <summary>The stand-in decoder's velocity field.</summary>
public enum ZipVoiceVelocity
{
    /// <summary>v = g·t·text + speech − <see cref="ZipVoiceStandin.Decay"/>·x: Euler's result depends on every tᵢ, the step count, g and x₀.</summary>
    Affine,
    /// <summary>v = (text − x) / (1 − t): Euler lands exactly on x_N = text_condition whatever the schedule.</summary>
    Target,
}

/// <summary>
/// ZipVoice stand-ins with the real interface (names, dtypes, ranks of k2-fsa/ZipVoice
/// <c>zipvoice/bin/onnx_export.py</c>) and outputs known in closed form:
/// <list type="bullet">
/// <item>text encoder: F = ceil(prompt_features_len / Tp · (Tp + T) / speed) frames, computed in float as
/// the real export does; every frame is <see cref="TextRow"/> (channel 0 = 0.4, channel 1 = 0.3, rest 0);</item>
/// <item>decoder: <see cref="ZipVoiceVelocity"/>.</item>
/// </list>
/// With <see cref="ZipVoiceVelocity.Target"/>, the generated features are TextRow, i.e. mel channels
/// 4 and 3 after ÷ feat_scale, which the Vocos stand-in turns into two known tones.
/// </summary>
public static class ZipVoiceStandin
{
    public const int FeatDim = 100;
    public const float Decay = 0.5f;
    public const float TextChannel0 = 0.4f;
    public const float TextChannel1 = 0.3f;

    public static float[] TextRow()
    {
        var row = new float[FeatDim];
        row[0] = TextChannel0;
        row[1] = TextChannel1;
        return row;
    }

    /// <summary>The real export's frame count, in float32 as torch computes it.</summary>
    public static int Frames(int promptFrames, int promptTokens, int tokens, float speed) =>
        (int)MathF.Ceiling((float)promptFrames / promptTokens * (promptTokens + tokens) / speed);

    /// <summary>A few lexicon.txt lines in sherpa-onnx's format (pypinyin with tone sandhi).</summary>
    public static readonly string[] Lexicon =
    [
        "你 n0 i3", "好 h0 ao3", "你好 n0 i2 h0 ao3", "世 sh0 i4", "界 j0 ie4", "世界 sh0 i4 j0 ie4",
        "我 w0 o3", "们 m0 en5", "我们 w0 o3 m0 en5", "是 sh0 i4", "吗 m0 a5",
    ];

    /// <summary>Symbols of espeak-ng en-us IPA plus punctuation, space, pad and the pinyin of <see cref="Lexicon"/>.</summary>
    public static readonly string[] Tokens = BuildTokens();

    private static string[] BuildTokens()
    {
        var list = new List<string> { "_", " ", "!", "\"", ",", ".", ":", ";", "?", "'", "-" };
        const string ipa = "abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɝɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ̩̪̯̥̃";
        foreach (var rune in ipa.EnumerateRunes()) list.Add(rune.ToString());
        foreach (var line in Lexicon)
            foreach (var phone in line.Split(' ').Skip(1))
                if (!list.Contains(phone)) list.Add(phone);
        list.Add("[S1]");
        list.Add("[S2]");
        return list.Distinct().ToArray();
    }

    /// <summary>
    /// Writes a variant directory <c>&lt;modelsDir&gt;/zipvoice/&lt;variant&gt;/</c> and, when missing, the Vocos
    /// stand-in at <c>&lt;modelsDir&gt;/vocos/</c>. Returns the variant directory.
    /// </summary>
    public static string Write(string modelsDir, string variant = "zipvoice", ZipVoiceLayout layout = ZipVoiceLayout.ZipVoiceExport,
        ZipVoiceVelocity velocity = ZipVoiceVelocity.Target)
    {
        var dir = Path.Combine(modelsDir, "zipvoice", variant);
        Directory.CreateDirectory(dir);
        var sherpa = layout == ZipVoiceLayout.SherpaPack;
        var scalarRank = sherpa ? 1 : 0;
        WriteTextEncoder(Path.Combine(dir, sherpa ? "encoder.int8.onnx" : "text_encoder.onnx"), scalarRank, withMetadata: !sherpa);
        WriteDecoder(Path.Combine(dir, sherpa ? "decoder.int8.onnx" : "fm_decoder.onnx"), scalarRank, velocity, withMetadata: !sherpa);
        File.WriteAllText(Path.Combine(dir, "tokens.txt"), string.Concat(Tokens.Select((t, i) => $"{t}\t{i}\n")), Encoding.UTF8);
        if (sherpa) File.WriteAllLines(Path.Combine(dir, "lexicon.txt"), Lexicon, Encoding.UTF8);
        else File.WriteAllText(Path.Combine(dir, "model.json"), """{"model": {"fm_decoder_dim": 512}, "feature": {"type": "vocos", "sampling_rate": 24000}}""");
        if (!File.Exists(Path.Combine(modelsDir, "vocos", "vocos_24khz.onnx"))) VocosStandin.Write(modelsDir);
        return dir;
    }

    /// <param name="scalarRank">0 as the ZipVoice export declares its scalars, 1 for shape [1].</param>
    /// <param name="rename">Replace an input's name (load-error tests).</param>
    /// <param name="retype">Give <c>speed</c> another element type (load-error tests).</param>
    /// <param name="extraMetadata">More metadata entries (the dialog exports' model_name, num_channels, speaker ids).</param>
    public static void WriteTextEncoder(string path, int scalarRank, bool withMetadata = true, (string From, string To)? rename = null, DT? retype = null,
        IEnumerable<(string Key, string Value)>? extraMetadata = null)
    {
        string Name(string n) => rename is { } r && r.From == n ? r.To : n;
        object[] scalar = scalarRank == 0 ? [] : [1];
        var g = new OnnxGraphBuilder();
        g.Input(Name("tokens"), DT.Int64, 1, "T").Input(Name("prompt_tokens"), DT.Int64, 1, "Tp")
         .Input(Name("prompt_features_len"), DT.Int64, scalar).Input(Name("speed"), retype ?? DT.Float, scalar);
        if (withMetadata) g.Metadata("version", "1").Metadata("model_author", "k2-fsa").Metadata("comment", "ZipVoice text encoder (stand-in)")
                           .Metadata("use_espeak", "1").Metadata("use_pinyin", "1");
        foreach (var (key, value) in extraMetadata ?? []) g.Metadata(key, value);

        var one = g.ConstInt([1], [1]);
        var t = g.Cast(g.Dim(Name("tokens"), 1), DT.Float);
        var tp = g.Cast(g.Dim(Name("prompt_tokens"), 1), DT.Float);
        var pf = g.Cast(g.Op("Reshape", Name("prompt_features_len"), one), DT.Float);
        var speed = g.Op("Reshape", retype is null ? Name("speed") : g.Cast(Name("speed"), DT.Float), one);
        // onnx_export.py: ceil(prompt_features_len / prompt_tokens.shape[1] * tokens_len / speed), tokens_len = Tp + T.
        var frames = g.Cast(g.Op("Ceil", g.Op("Div", g.Op("Mul", g.Op("Div", pf, tp), g.Op("Add", tp, t)), speed)), DT.Int64);
        var shape = g.Node("Concat", [one, frames, g.ConstInt([FeatDim], [1])], null, ("axis", 0L));
        g.Node("Expand", [g.Const(TextRow(), [1, 1, FeatDim]), shape], "text_condition");
        g.Output("text_condition", DT.Float, 1, "F", FeatDim);
        g.Save(path);
    }

    public static void WriteDecoder(string path, int scalarRank, ZipVoiceVelocity velocity, bool withMetadata = true,
        (string From, string To)? rename = null, DT? retypeT = null, IEnumerable<(string Key, string Value)>? extraMetadata = null)
    {
        string Name(string n) => rename is { } r && r.From == n ? r.To : n;
        object[] scalar = scalarRank == 0 ? [] : [1];
        var g = new OnnxGraphBuilder();
        g.Input(Name("t"), retypeT ?? DT.Float, scalar).Input(Name("x"), DT.Float, 1, "F", FeatDim)
         .Input(Name("text_condition"), DT.Float, 1, "F", FeatDim).Input(Name("speech_condition"), DT.Float, 1, "F", FeatDim)
         .Input(Name("guidance_scale"), DT.Float, scalar);
        if (withMetadata) g.Metadata("version", "1").Metadata("model_author", "k2-fsa").Metadata("comment", "ZipVoice decoder (stand-in)")
                           .Metadata("feat_dim", FeatDim.ToString()).Metadata("sample_rate", "24000").Metadata("n_fft", "1024")
                           .Metadata("hop_length", "256").Metadata("window_length", "1024").Metadata("num_mels", "100");
        foreach (var (key, value) in extraMetadata ?? []) g.Metadata(key, value);
        var tIn = retypeT is null ? Name("t") : g.Cast(Name("t"), DT.Float);
        if (velocity == ZipVoiceVelocity.Affine)
        {
            var tg = g.Op("Mul", tIn, Name("guidance_scale"));
            var drive = g.Op("Add", g.Op("Mul", Name("text_condition"), tg), Name("speech_condition"));
            g.Node("Sub", [drive, g.Op("Mul", Name("x"), g.Const(Decay))], "v");
        }
        else
        {
            g.Node("Div", [g.Op("Sub", Name("text_condition"), Name("x")), g.Op("Sub", g.Const(1f), tIn)], "v");
        }
        g.Output("v", DT.Float, 1, "F", FeatDim);
        g.Save(path);
    }
}
