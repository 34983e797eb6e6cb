using TtsService.Audio.Dsp;

namespace TtsService.Tests.Dsp;

/// <summary>ZipVoice's VocosFbank settings: 24 kHz, n_fft 1024, hop 256, win 1024, 100 HTK mels, magnitude, log(clamp(1e-7)).</summary>
public class MelSpectrogramTests
{
    private const int Rate = 24000, NFft = 1024, Hop = 256, Mels = 100;

    private static readonly MelSpectrogram Mel = new(Rate, NFft, Hop, NFft, Mels);

    /// <summary>Centre of HTK filter m: the (m+1)-th of Mels+2 points spaced evenly in mel from 0 to Rate/2.</summary>
    private static double CentreHz(int m, int index = 1)
    {
        var melMax = 2595 * Math.Log10(1 + (Rate / 2.0) / 700);
        var mel = melMax * (m + index) / (Mels + 1);
        return 700 * (Math.Pow(10, mel / 2595) - 1);
    }

    [Fact]
    public void A_pure_tone_lands_in_the_mel_bin_centred_on_it()
    {
        foreach (var m in new[] { 10, 30, 62 })
        {
            var f = CentreHz(m);
            var x = new float[Rate];
            for (var i = 0; i < x.Length; i++) x[i] = (float)(0.5 * Math.Sin(2 * Math.PI * f * i / Rate));
            var features = Mel.Compute(x, out var frames);
            Assert.Equal(1 + Rate / Hop, frames);
            var row = features.AsSpan(frames / 2 * Mels, Mels);
            var peak = 0;
            for (var j = 1; j < Mels; j++) if (row[j] > row[peak]) peak = j;
            Assert.Equal(m, peak);
            // Hann-windowed tone of amplitude 0.5: the bin at the tone holds about 0.5·1024/4 = 128, its
            // neighbours add some, so the filter sum is a few hundred.
            Assert.InRange(row[m], Math.Log(80), Math.Log(400));
            Assert.True(row[m] - row[(m + 40) % Mels] > 8, $"mel {m}: far bin {row[(m + 40) % Mels]} vs peak {row[m]}");
        }
    }

    [Fact]
    public void Silence_gives_log_of_the_floor()
    {
        var features = Mel.Compute(new float[5000], out var frames);
        Assert.Equal(1 + 5000 / Hop, frames);
        Assert.Equal(frames * Mels, features.Length);
        Assert.All(features, v => Assert.Equal(MathF.Log(1e-7f), v));
    }

    [Fact]
    public void Random_signal_matches_a_naive_dft_and_an_explicit_htk_filterbank()
    {
        var x = FftTests.RandomSignal(3000, seed: 42);
        var features = Mel.Compute(x, out var frames);
        Assert.Equal(1 + 3000 / Hop, frames);

        // Explicit triangles, linear in Hz between consecutive mel points (torchaudio melscale_fbanks, norm=None).
        var points = Enumerable.Range(0, Mels + 2).Select(i => CentreHz(0, i)).ToArray();
        double Weight(int m, double f)
        {
            double lo = points[m], c = points[m + 1], hi = points[m + 2];
            if (f > lo && f <= c) return (f - lo) / (c - lo);
            if (f > c && f < hi) return (hi - f) / (hi - c);
            return 0;
        }

        var padded = StftTests.ReflectPad(x, NFft / 2);
        var frame = new float[NFft];
        var magnitude = new double[NFft / 2 + 1];
        var worst = 0.0;
        for (var t = 0; t < frames; t++)
        {
            for (var i = 0; i < NFft; i++) frame[i] = (float)(padded[t * Hop + i] * StftTests.PeriodicHann(i, NFft));
            for (var k = 0; k <= NFft / 2; k++)
            {
                var (re, im) = FftTests.NaiveBin(frame, k);
                magnitude[k] = Math.Sqrt(re * re + im * im);
            }
            for (var m = 0; m < Mels; m++)
            {
                double sum = 0;
                for (var k = 0; k <= NFft / 2; k++) sum += Weight(m, k * (Rate / 2.0) / (NFft / 2)) * magnitude[k];
                var expected = Math.Log(Math.Max(sum, 1e-7));
                worst = Math.Max(worst, Math.Abs(features[t * Mels + m] - expected));
            }
        }
        Assert.True(worst < 1e-3, $"max |log-mel difference| {worst}");
    }

    [Theory]
    [InlineData(1000, 4, 4)]     // 1000 % 256 = 232 ≥ 128: lhotse rounds up to the same count
    [InlineData(1100, 5, 4)]     // 1100 % 256 = 76 < 128: VocosFbank.extract drops torchaudio's last frame
    [InlineData(24000, 94, 94)]
    [InlineData(24064, 95, 94)]
    public void Extract_truncates_to_lhotse_frame_count(int samples, int torchFrames, int lhotseFrames)
    {
        var x = FftTests.RandomSignal(samples, seed: samples);
        var all = Mel.Compute(x, out var frames);
        var extracted = Mel.Extract(x, out var extractedFrames);
        Assert.Equal(torchFrames, frames);
        Assert.Equal(lhotseFrames, extractedFrames);
        Assert.Equal(all.AsSpan(0, extractedFrames * Mels).ToArray(), extracted);
    }
}
