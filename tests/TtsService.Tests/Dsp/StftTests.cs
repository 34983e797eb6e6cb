using TtsService.Audio.Dsp;

namespace TtsService.Tests.Dsp;

public class StftTests
{
    private static readonly StftSettings Vocos = new(1024, 256, 1024, Center: true, PadMode: "reflect", Window: "hann");

    /// <summary>numpy/torch "reflect" padding written out directly: [x[p], …, x[1], x…, x[n−2], …, x[n−1−p]].</summary>
    internal static float[] ReflectPad(float[] x, int pad)
    {
        var padded = new float[x.Length + 2 * pad];
        for (var i = 0; i < pad; i++) padded[i] = x[pad - i];
        Array.Copy(x, 0, padded, pad, x.Length);
        for (var i = 0; i < pad; i++) padded[pad + x.Length + i] = x[x.Length - 2 - i];
        return padded;
    }

    internal static double PeriodicHann(int i, int length) => 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / length);

    [Fact]
    public void Forward_frames_match_a_naive_windowed_dft_of_the_reflect_padded_signal()
    {
        var settings = new StftSettings(256, 64, 256);
        var x = FftTests.RandomSignal(1000, seed: 5);
        var stft = new Stft(settings);
        stft.Compute(x, out var real, out var imag, out var frames);
        Assert.Equal(1 + 1000 / 64, frames);

        var padded = ReflectPad(x, 128);
        foreach (var t in new[] { 0, 1, 7, frames - 2, frames - 1 })
        {
            var frame = new float[256];
            for (var i = 0; i < 256; i++) frame[i] = (float)(padded[t * 64 + i] * PeriodicHann(i, 256));
            for (var k = 0; k <= 128; k++)
            {
                var (re, im) = FftTests.NaiveBin(frame, k);
                Assert.True(Math.Abs(real[k * frames + t] - re) < 1e-4, $"frame {t} bin {k}: re {real[k * frames + t]} vs {re}");
                Assert.True(Math.Abs(imag[k * frames + t] - im) < 1e-4, $"frame {t} bin {k}: im {imag[k * frames + t]} vs {im}");
            }
        }
    }

    [Theory]
    [InlineData(1024, 256, 1024)]
    [InlineData(1024, 128, 512)]
    [InlineData(512, 128, 512)]
    public void Stft_then_istft_reconstructs_the_signal(int nFft, int hop, int win)
    {
        var settings = new StftSettings(nFft, hop, win);
        var x = FftTests.RandomSignal(24000, seed: nFft + hop + win);
        new Stft(settings).Compute(x, out var real, out var imag, out var frames);
        var y = new InverseStft(settings).Compute(real, imag, frames);

        Assert.Equal((frames - 1) * hop, y.Length);
        var worstInside = 0.0;
        for (var i = nFft; i < y.Length - nFft; i++) worstInside = Math.Max(worstInside, Math.Abs(y[i] - x[i]));
        Assert.True(worstInside < 1e-4, $"max error away from the edges {worstInside}");
        // With centre padding the edges are covered by frames too; the reconstruction holds there as well.
        var worst = 0.0;
        for (var i = 0; i < y.Length; i++) worst = Math.Max(worst, Math.Abs(y[i] - x[i]));
        Assert.True(worst < 1e-3, $"max error overall {worst}");
    }

    [Fact]
    public void Single_uncentred_frame_of_a_windowed_cosine_gives_the_cosine_back()
    {
        // w·cos(2πk0n/N) with the periodic Hann w = ½ − ½cos(2πn/N) is ½cos at k0 and −¼cos at k0 ± 1:
        // X[k0] = N/4, X[k0 ± 1] = −N/8. istft multiplies by w again and divides by w², so the cosine comes
        // back, except at n = 0 where w = 0: the envelope is 0 there and the sample stays 0.
        const int n = 64, k0 = 5;
        var settings = new StftSettings(n, 16, n, Center: false);
        var real = new float[n / 2 + 1];
        var imag = new float[n / 2 + 1];
        real[k0] = n / 4f;
        real[k0 - 1] = real[k0 + 1] = -n / 8f;
        var y = new InverseStft(settings).Compute(real, imag, 1);
        Assert.Equal(n, y.Length);
        Assert.Equal(0f, y[0]);
        for (var i = 1; i < n; i++)
            Assert.True(Math.Abs(y[i] - Math.Cos(2 * Math.PI * k0 * i / n)) < 1e-4, $"sample {i}: {y[i]}");
    }

    [Fact]
    public void Single_centred_frame_gives_no_samples_as_torch_istft_does() =>
        Assert.Empty(new InverseStft(Vocos).Compute(new float[513], new float[513], 1));

    [Fact]
    public void Windowed_constant_in_every_frame_gives_a_constant_signal_of_length_frames_minus_one_times_hop()
    {
        // Each frame is the spectrum of 0.3·w: X[0] = 0.3·N/2, X[1] = −0.3·N/4 ([bins, frames] layout: bin k of frame t at k·frames + t).
        const int frames = 20;
        var real = new float[513 * frames];
        var imag = new float[513 * frames];
        for (var t = 0; t < frames; t++)
        {
            real[t] = 0.3f * 512;
            real[frames + t] = -0.3f * 256;
            imag[t] = 123f;              // ignored: the DC bin of a real signal has no imaginary part
        }
        var y = new InverseStft(Vocos).Compute(real, imag, frames);
        Assert.Equal((frames - 1) * 256, y.Length);
        Assert.All(y, v => Assert.True(Math.Abs(v - 0.3f) < 1e-5, $"{v}"));
    }

    [Fact]
    public void Reflect_index_matches_torch_reflect_padding()
    {
        Assert.Equal(1, Stft.Reflect(-1, 5));
        Assert.Equal(2, Stft.Reflect(-2, 5));
        Assert.Equal(3, Stft.Reflect(5, 5));
        Assert.Equal(2, Stft.Reflect(6, 5));
        Assert.Equal(0, Stft.Reflect(-3, 1));
    }

    [Fact]
    public void Settings_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new Stft(new StftSettings(1000, 256, 1000)));
        Assert.Throws<ArgumentException>(() => new Stft(new StftSettings(1024, 256, 2048)));
        Assert.Throws<ArgumentException>(() => new InverseStft(new StftSettings(1024, 256, 1024, Window: "hamming")));
        Assert.Throws<ArgumentException>(() => new InverseStft(new StftSettings(1024, 256, 1024, PadMode: "circular")));
    }
}
