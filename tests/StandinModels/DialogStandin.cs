using System.Text;
using DT = Onnx.TensorProto.Types.DataType;

namespace StandinModels;

/// <summary>
/// ZipVoice-Dialog stand-ins with the interface tools/export writes (the ZipVoice export's names, dtypes and ranks,
/// plus metadata model_name, num_channels, spk_a_id, spk_b_id, pad_id) and outputs known in closed form:
/// the text encoder is <see cref="ZipVoiceStandin"/>'s (every frame <see cref="ZipVoiceStandin.TextRow"/>); the mono
/// decoder is its Target field; the stereo decoder's x, speech_condition and v are 2 × feat_dim wide and its field
/// v = (target − x) / (1 − t) lands on target = [TextRow | <see cref="RightScale"/> · TextRow]: the left channel
/// speaks <see cref="VocosStandin"/>'s tones at mel (4, 3), the right at mel (2, 1.5), e² ≈ 7.4 times quieter.
/// </summary>
public static class DialogStandin
{
    public const string Mono = "zipvoice_dialog";
    public const string Stereo = "zipvoice_dialog_stereo";
    public const float RightScale = 0.5f;

    public static long SpeakerAId => Array.IndexOf(ZipVoiceStandin.Tokens, "[S1]");
    public static long SpeakerBId => Array.IndexOf(ZipVoiceStandin.Tokens, "[S2]");

    /// <summary>Writes <c>&lt;modelsDir&gt;/zipvoice/&lt;variant&gt;/</c> (and the Vocos stand-in when missing); returns the directory.</summary>
    /// <param name="channels">The decoder's channel count; defaults to the variant's (a wrong one tests the load check).</param>
    public static string Write(string modelsDir, string variant = Mono, int? channels = null)
    {
        var dir = Path.Combine(modelsDir, "zipvoice", variant);
        Directory.CreateDirectory(dir);
        var width = channels ?? (variant == Stereo ? 2 : 1);
        (string, string)[] metadata =
        [
            ("model_name", variant), ("num_channels", width.ToString()), ("spk_a_id", SpeakerAId.ToString()),
            ("spk_b_id", SpeakerBId.ToString()), ("pad_id", "0"),
        ];
        ZipVoiceStandin.WriteTextEncoder(Path.Combine(dir, "text_encoder.onnx"), 0, extraMetadata: metadata);
        if (width == 2) WriteStereoDecoder(Path.Combine(dir, "fm_decoder.onnx"), metadata);
        else ZipVoiceStandin.WriteDecoder(Path.Combine(dir, "fm_decoder.onnx"), 0, ZipVoiceVelocity.Target, extraMetadata: metadata);
        File.WriteAllText(Path.Combine(dir, "tokens.txt"), string.Concat(ZipVoiceStandin.Tokens.Select((t, i) => $"{t}\t{i}\n")), Encoding.UTF8);
        File.WriteAllText(Path.Combine(dir, "model.json"), """{"model": {"fm_decoder_dim": 512}, "feature": {"type": "vocos", "sampling_rate": 24000}}""");
        if (!File.Exists(Path.Combine(modelsDir, "vocos", "vocos_24khz.onnx"))) VocosStandin.Write(modelsDir);
        return dir;
    }

    private static void WriteStereoDecoder(string path, IEnumerable<(string, string)> metadata)
    {
        const int feat = ZipVoiceStandin.FeatDim;
        var g = new OnnxGraphBuilder();
        g.Input("t", DT.Float).Input("x", DT.Float, 1, "F", 2 * feat)
         .Input("text_condition", DT.Float, 1, "F", feat).Input("speech_condition", DT.Float, 1, "F", 2 * feat)
         .Input("guidance_scale", DT.Float);
        g.Metadata("version", "1").Metadata("model_author", "k2-fsa").Metadata("comment", "ZipVoice-Dialog-Stereo decoder (stand-in)")
         .Metadata("feat_dim", feat.ToString()).Metadata("sample_rate", "24000").Metadata("n_fft", "1024")
         .Metadata("hop_length", "256").Metadata("window_length", "1024").Metadata("num_mels", "100");
        foreach (var (key, value) in metadata) g.Metadata(key, value);
        var target = g.Node("Concat", ["text_condition", g.Op("Mul", "text_condition", g.Const(RightScale))], null, ("axis", 2L));
        g.Node("Div", [g.Op("Sub", target, "x"), g.Op("Sub", g.Const(1f), "t")], "v");
        g.Output("v", DT.Float, 1, "F", 2 * feat);
        g.Save(path);
    }
}
