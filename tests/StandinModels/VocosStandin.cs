using DT = Onnx.TensorProto.Types.DataType;

namespace StandinModels;

/// <summary>
/// A Vocos stand-in with the interface of sherpa-onnx's <c>vocos_24khz.onnx</c> (mel float32
/// [1, feat_dim, F] → mag, x, y float32 [1, n_fft/2+1, F], STFT settings in the metadata) whose
/// every frame holds the spectrum of a Hann-windowed pair of tones, so the vocoder's waveform is
/// known in closed form. With A = exp(mel channel 0) and B = exp(mel channel 1):
/// <list type="bullet">
/// <item>bins <see cref="CosBin"/> − 1, <see cref="CosBin"/>, <see cref="CosBin"/> + 1: mag = A/2, A, A/2; x = −1, 1, −1; y = 0;</item>
/// <item>bins <see cref="SinBin"/> − 1, <see cref="SinBin"/>, <see cref="SinBin"/> + 1: mag = B/2, B, B/2; x = 0; y = −1, 1, −1;</item>
/// <item>every other bin: mag = 0.</item>
/// </list>
/// Since a periodic Hann window is ½ − ½·cos(2πn/N), the inverse FFT of such a frame is
/// <c>w(n)·[(4A/N)·cos(2π·CosBin·n/N) − (4B/N)·sin(2π·SinBin·n/N)]</c>; the inverse STFT multiplies by
/// w once more and divides by Σw², which leaves the tones alone. Both bins are multiples of 8 (N/hop is 4 or 8),
/// so every frame agrees on the same phase, and being even they keep it through the n_fft/2 centre
/// trim: for constant channels the output is <see cref="Expected"/> for n in [0, (F−1)·hop).
/// </summary>
public static class VocosStandin
{
    public const int SampleRate = 24000;
    public const int NFft = 1024;
    public const int HopLength = 256;
    public const int FeatDim = 100;
    public const int Bins = NFft / 2 + 1;
    /// <summary>40 · 24000 / 1024 = 937.5 Hz.</summary>
    public const int CosBin = 40;
    /// <summary>96 · 24000 / 1024 = 2250 Hz.</summary>
    public const int SinBin = 96;

    public static double CosFrequency => (double)CosBin * SampleRate / NFft;
    public static double SinFrequency => (double)SinBin * SampleRate / NFft;

    /// <summary>The closed-form sample <paramref name="n"/> for mel channel 0 = <paramref name="a"/>, channel 1 = <paramref name="b"/>.</summary>
    public static double Expected(int n, double a, double b) =>
        4 * Math.Exp(a) / NFft * Math.Cos(2 * Math.PI * CosBin * n / NFft)
        - 4 * Math.Exp(b) / NFft * Math.Sin(2 * Math.PI * SinBin * n / NFft);

    /// <summary>Writes <c>&lt;modelsDir&gt;/vocos/vocos_24khz.onnx</c>; returns its path.</summary>
    public static string Write(string modelsDir, bool withMetadata = true)
    {
        var path = Path.Combine(modelsDir, "vocos", "vocos_24khz.onnx");
        WriteModel(path, withMetadata);
        return path;
    }

    /// <param name="hopLength">The hop the metadata announces; the closed form holds for 256 and 128
    /// (both bins are multiples of 8), so a test can tell that the vocoder reads it.</param>
    public static void WriteModel(string path, bool withMetadata = true, int hopLength = HopLength)
    {
        var g = new OnnxGraphBuilder();
        g.Input("mels", DT.Float, 1, FeatDim, "F");
        if (withMetadata)
        {
            g.Metadata("model_type", "vocos").Metadata("sample_rate", SampleRate.ToString())
             .Metadata("n_fft", NFft.ToString()).Metadata("hop_length", hopLength.ToString())
             .Metadata("win_length", NFft.ToString()).Metadata("center", "1").Metadata("normalized", "0")
             .Metadata("window_type", "hann").Metadata("pad_mode", "reflect");
        }

        // Per-bin patterns as [1, Bins, 1] columns, broadcast against exp(channel) rows [1, 1, F].
        var cosMagnitude = g.Const(Line(CosBin, 0.5f, 1f), [1, Bins, 1]);
        var sinMagnitude = g.Const(Line(SinBin, 0.5f, 1f), [1, Bins, 1]);
        string Channel(int c) => g.Op("Exp", g.Op("Slice", "mels", g.ConstInt([c], [1]), g.ConstInt([c + 1], [1]), g.ConstInt([1], [1])));
        g.Node("Add", [g.Op("Mul", Channel(0), cosMagnitude), g.Op("Mul", Channel(1), sinMagnitude)], "mag");

        var shape = g.Node("Concat", [g.ConstInt([1, Bins], [2]), g.Dim("mels", 2)], null, ("axis", 0L));
        g.Node("Expand", [g.Const(Line(CosBin, -1f, 1f), [1, Bins, 1]), shape], "x");
        g.Node("Expand", [g.Const(Line(SinBin, -1f, 1f), [1, Bins, 1]), shape], "y");
        foreach (var name in new[] { "mag", "x", "y" }) g.Output(name, DT.Float, 1, Bins, "F");
        g.Save(path);
    }

    /// <summary>Zero except <paramref name="side"/> at bin − 1 and bin + 1 and <paramref name="centre"/> at bin.</summary>
    private static float[] Line(int bin, float side, float centre)
    {
        var values = new float[Bins];
        values[bin - 1] = side;
        values[bin] = centre;
        values[bin + 1] = side;
        return values;
    }
}
