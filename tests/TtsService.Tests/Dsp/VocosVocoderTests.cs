using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.Vocoder;
using DT = Onnx.TensorProto.Types.DataType;

namespace TtsService.Tests.Dsp;

public sealed class VocosVocoderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vocos-tests-" + Guid.NewGuid().ToString("N"));
    private static readonly OnnxSessions Sessions = new(new TtsSettings { DeviceType = "cpu" }, NullLogger<OnnxSessions>.Instance);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Row-major [frames, featDim] with channel 0 = a, channel 1 = b and the rest a decoy value.</summary>
    private static float[] Mel(int frames, float a, float b)
    {
        var mel = new float[frames * VocosStandin.FeatDim];
        for (var t = 0; t < frames; t++)
            for (var c = 0; c < VocosStandin.FeatDim; c++)
                mel[t * VocosStandin.FeatDim + c] = c switch { 0 => a, 1 => b, _ => 2f + c * 0.01f };
        return mel;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Standin_spectrum_becomes_the_closed_form_two_tone_waveform(bool withMetadata)
    {
        using var vocoder = new VocosVocoder(VocosStandin.Write(_dir, withMetadata), Sessions);
        Assert.Equal(1024, vocoder.Settings.NFft);
        Assert.Equal(256, vocoder.Settings.HopLength);
        Assert.True(vocoder.Settings.Center);
        Assert.Equal(VocosStandin.FeatDim, vocoder.FeatDim);

        const int frames = 40;
        // e^a = 128 → cosine of amplitude 4·128/1024 = 0.5; e^b = 64 → sine of amplitude 0.25.
        float a = MathF.Log(128f), b = MathF.Log(64f);
        var samples = vocoder.Synthesize(Mel(frames, a, b), frames, VocosStandin.FeatDim);

        Assert.Equal((frames - 1) * VocosStandin.HopLength, samples.Length);
        Assert.Equal(samples.Length, vocoder.OutputLength(frames));
        var worst = 0.0;
        for (var n = 0; n < samples.Length; n++)
            worst = Math.Max(worst, Math.Abs(samples[n] - VocosStandin.Expected(n, a, b)));
        Assert.True(worst < 1e-4, $"max deviation from the closed form {worst}");
        // The closed form itself is what we think: 0.5 at n = 0 (cosine only), and a 937.5 Hz + 2250 Hz pair.
        Assert.Equal(0.5, VocosStandin.Expected(0, a, b), 4);
        Assert.Equal(937.5, VocosStandin.CosFrequency);
        Assert.Equal(2250, VocosStandin.SinFrequency);
    }

    [Fact]
    public void Hop_length_comes_from_the_metadata()
    {
        var path = Path.Combine(_dir, "hop128.onnx");
        VocosStandin.WriteModel(path, withMetadata: true, hopLength: 128);
        using var vocoder = new VocosVocoder(path, Sessions);
        Assert.Equal(128, vocoder.Settings.HopLength);
        const int frames = 30;
        float a = MathF.Log(50f), b = MathF.Log(20f);
        var samples = vocoder.Synthesize(Mel(frames, a, b), frames, VocosStandin.FeatDim);
        Assert.Equal((frames - 1) * 128, samples.Length);
        for (var n = 0; n < samples.Length; n++)
            Assert.True(Math.Abs(samples[n] - VocosStandin.Expected(n, a, b)) < 1e-4, $"sample {n}: {samples[n]} vs {VocosStandin.Expected(n, a, b)}");
    }

    [Fact]
    public void Mel_is_transposed_for_the_model()
    {
        // Channel 0 differs from every other value: if the [frames, featDim] input reached the model
        // untransposed, the model's channel-0 row would read other channels and the amplitude would change.
        using var vocoder = new VocosVocoder(VocosStandin.Write(_dir), Sessions);
        const int frames = 8;
        var samples = vocoder.Synthesize(Mel(frames, MathF.Log(100f), -30f), frames, VocosStandin.FeatDim);
        var peak = samples.Max(MathF.Abs);
        Assert.Equal(4 * 100.0 / 1024, peak, 3);
    }

    [Fact]
    public void Synthesize_rejects_a_mel_of_the_wrong_size()
    {
        using var vocoder = new VocosVocoder(VocosStandin.Write(_dir), Sessions);
        Assert.Throws<ArgumentException>(() => vocoder.Synthesize(new float[10 * 100], 9, 100));
        Assert.Throws<ArgumentException>(() => vocoder.Synthesize(new float[10 * 80], 10, 80));
    }

    [Fact]
    public void A_model_with_a_rank_2_input_is_rejected_naming_the_file_and_input()
    {
        var path = Path.Combine(_dir, "bad_input.onnx");
        var g = new OnnxGraphBuilder();
        g.Input("mels", DT.Float, 100, "F");
        foreach (var name in new[] { "mag", "x", "y" })
        {
            g.Node("Identity", ["mels"], name);
            g.Output(name, DT.Float, 100, "F");
        }
        g.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => new VocosVocoder(path, Sessions));
        Assert.Contains("bad_input.onnx", e.Message);
        Assert.Contains("'mels'", e.Message);
    }

    [Fact]
    public void A_model_with_two_outputs_is_rejected()
    {
        var path = Path.Combine(_dir, "two_outputs.onnx");
        var g = new OnnxGraphBuilder();
        g.Input("mels", DT.Float, 1, 100, "F");
        foreach (var name in new[] { "mag", "x" })
        {
            g.Node("Identity", ["mels"], name);
            g.Output(name, DT.Float, 1, 100, "F");
        }
        g.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => new VocosVocoder(path, Sessions));
        Assert.Contains("two_outputs.onnx", e.Message);
        Assert.Contains("three outputs", e.Message);
    }

    [Fact]
    public void Outputs_whose_bins_do_not_fit_n_fft_are_rejected()
    {
        // Fixed 100 bins in the outputs, but the default n_fft 1024 needs 513.
        var path = Path.Combine(_dir, "wrong_bins.onnx");
        var g = new OnnxGraphBuilder();
        g.Input("mels", DT.Float, 1, 100, "F");
        foreach (var name in new[] { "mag", "x", "y" })
        {
            g.Node("Identity", ["mels"], name);
            g.Output(name, DT.Float, 1, 100, "F");
        }
        g.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => new VocosVocoder(path, Sessions));
        Assert.Contains("wrong_bins.onnx", e.Message);
        Assert.Contains("'mag'", e.Message);
    }
}
