using TtsService.Audio.Dsp;

namespace TtsService.Tests.Dsp;

public class FftTests
{
    internal static float[] RandomSignal(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (var i = 0; i < length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>X[k] = Σ x[n]·e^(−2πikn/N), in double.</summary>
    internal static (double Re, double Im) NaiveBin(ReadOnlySpan<float> x, int k)
    {
        double re = 0, im = 0;
        var n = x.Length;
        for (var i = 0; i < n; i++)
        {
            // Reduce k·i mod N first so the angle stays exact for large N.
            var angle = -2 * Math.PI * ((long)k * i % n) / n;
            re += x[i] * Math.Cos(angle);
            im += x[i] * Math.Sin(angle);
        }
        return (re, im);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void Forward_matches_a_naive_dft(int size)
    {
        var x = RandomSignal(size, seed: size);
        var fft = new Fft(size);
        var real = new float[fft.Bins];
        var imag = new float[fft.Bins];
        fft.Forward(x, real, imag);
        var tolerance = 2e-6 * size;  // |X| grows like √N; float rounding like log N
        for (var k = 0; k <= size / 2; k++)
        {
            var (re, im) = NaiveBin(x, k);
            Assert.True(Math.Abs(real[k] - re) < tolerance, $"N={size} bin {k}: re {real[k]} vs {re}");
            Assert.True(Math.Abs(imag[k] - im) < tolerance, $"N={size} bin {k}: im {imag[k]} vs {im}");
        }
    }

    [Fact]
    public void Forward_of_a_size_past_the_stack_buffer_matches_a_naive_dft_on_sampled_bins()
    {
        const int size = 32768;  // scratch comes from the array pool
        var x = RandomSignal(size, seed: 7);
        var fft = new Fft(size);
        var real = new float[fft.Bins];
        var imag = new float[fft.Bins];
        fft.Forward(x, real, imag);
        foreach (var k in new[] { 0, 1, 2, 3, 1000, 4097, 8191, 12345, 16383, 16384 })
        {
            var (re, im) = NaiveBin(x, k);
            Assert.True(Math.Abs(real[k] - re) < 0.05, $"bin {k}: re {real[k]} vs {re}");
            Assert.True(Math.Abs(imag[k] - im) < 0.05, $"bin {k}: im {imag[k]} vs {im}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(1024)]
    [InlineData(32768)]
    public void Inverse_undoes_forward(int size)
    {
        var x = RandomSignal(size, seed: 3 * size);
        var fft = new Fft(size);
        var real = new float[fft.Bins];
        var imag = new float[fft.Bins];
        var y = new float[size];
        fft.Forward(x, real, imag);
        fft.Inverse(real, imag, y);
        for (var i = 0; i < size; i++) Assert.True(Math.Abs(x[i] - y[i]) < 1e-5, $"N={size} sample {i}: {y[i]} vs {x[i]}");
    }

    [Fact]
    public void Inverse_matches_a_naive_hermitian_inverse_and_ignores_dc_and_nyquist_imaginary_parts()
    {
        const int size = 64;
        var random = new Random(11);
        var real = new float[size / 2 + 1];
        var imag = new float[size / 2 + 1];
        for (var k = 0; k < real.Length; k++)
        {
            real[k] = (float)(random.NextDouble() * 2 - 1);
            imag[k] = (float)(random.NextDouble() * 2 - 1);  // non-zero at DC and Nyquist on purpose
        }
        var y = new float[size];
        new Fft(size).Inverse(real, imag, y);
        for (var n = 0; n < size; n++)
        {
            // irfft: x[n] = (1/N)·(Re X0 + (−1)^n·Re X_{N/2} + 2·Σ_{0<k<N/2} Re(X_k·e^(2πikn/N)))
            double sum = real[0] + (n % 2 == 0 ? 1 : -1) * real[size / 2];
            for (var k = 1; k < size / 2; k++)
            {
                var angle = 2 * Math.PI * k * n / size;
                sum += 2 * (real[k] * Math.Cos(angle) - imag[k] * Math.Sin(angle));
            }
            Assert.True(Math.Abs(y[n] - sum / size) < 1e-6, $"sample {n}: {y[n]} vs {sum / size}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(1000)]
    public void Rejects_sizes_that_are_not_powers_of_two(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fft(size));
}
