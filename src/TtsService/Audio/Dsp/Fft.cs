using System.Buffers;
using System.Numerics;

namespace TtsService.Audio.Dsp;

/// <summary>
/// Real FFT of one power-of-two size: a radix-2 complex FFT of half the size plus the usual
/// split step, with twiddles and the bit-reversal table computed once. Immutable after
/// construction, so one instance serves every thread; scratch space comes from the stack (or the
/// shared array pool for very large sizes), never from the GC heap.
/// </summary>
public sealed class Fft
{
    private const int StackLimit = 16384;

    private readonly int _half;
    // cos/sin(2πk/N) for k in [0, N/2): the split step uses them directly, the half-size complex
    // FFT uses every second entry.
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int[] _bitReverse;

    public Fft(int size)
    {
        if (size < 2 || !BitOperations.IsPow2(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two >= 2.");
        Size = size;
        _half = size / 2;
        _cos = new float[_half];
        _sin = new float[_half];
        for (var k = 0; k < _half; k++)
        {
            var angle = 2 * Math.PI * k / size;
            _cos[k] = (float)Math.Cos(angle);
            _sin[k] = (float)Math.Sin(angle);
        }
        _bitReverse = new int[_half];
        var bits = BitOperations.Log2((uint)_half);
        for (var i = 0; i < _half; i++)
            _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
    }

    /// <summary>Number of real samples per transform.</summary>
    public int Size { get; }

    /// <summary>Number of one-sided bins: <c>Size / 2 + 1</c>.</summary>
    public int Bins => _half + 1;

    /// <summary>
    /// One-sided forward DFT, <c>X[k] = Σ x[n]·e^(−2πikn/N)</c> for k in [0, N/2] (numpy.fft.rfft).
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> real, Span<float> imag)
    {
        if (input.Length != Size) throw new ArgumentException($"Input must hold {Size} samples, not {input.Length}.", nameof(input));
        if (real.Length < Bins || imag.Length < Bins) throw new ArgumentException($"Output spans must hold {Bins} bins.");

        float[]? rented = null;
        var z = Size <= StackLimit ? stackalloc float[Size] : (rented = ArrayPool<float>.Shared.Rent(Size)).AsSpan(0, Size);
        try
        {
            // Pack even samples as real parts and odd samples as imaginary parts, in bit-reversed order.
            for (var n = 0; n < _half; n++)
            {
                var r = _bitReverse[n];
                z[2 * r] = input[2 * n];
                z[2 * r + 1] = input[2 * n + 1];
            }
            Butterflies(z, inverse: false);

            // Split: X[k] = E[k] + e^(−2πik/N)·O[k], with E, O recovered from Z[k] and conj(Z[M−k]).
            real[0] = z[0] + z[1];
            imag[0] = 0;
            real[_half] = z[0] - z[1];
            imag[_half] = 0;
            for (var k = 1; k < _half; k++)
            {
                float zr = z[2 * k], zi = z[2 * k + 1];
                float cr = z[2 * (_half - k)], ci = -z[2 * (_half - k) + 1];
                float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
                // O = (Z − conj(Z[M−k])) / 2i
                float dr = zr - cr, di = zi - ci;
                float or = 0.5f * di, oi = -0.5f * dr;
                float wr = _cos[k], wi = -_sin[k];
                real[k] = er + (wr * or - wi * oi);
                imag[k] = ei + (wr * oi + wi * or);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Inverse of <see cref="Forward"/> with the 1/N scale (numpy.fft.irfft / torch.fft.irfft): the
    /// spectrum is taken as Hermitian, so the imaginary parts of the DC and Nyquist bins are ignored.
    /// </summary>
    public void Inverse(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, Span<float> output)
    {
        if (real.Length < Bins || imag.Length < Bins) throw new ArgumentException($"Input spans must hold {Bins} bins.");
        if (output.Length != Size) throw new ArgumentException($"Output must hold {Size} samples, not {output.Length}.", nameof(output));

        float[]? rented = null;
        var z = Size <= StackLimit ? stackalloc float[Size] : (rented = ArrayPool<float>.Shared.Rent(Size)).AsSpan(0, Size);
        try
        {
            // Z[k] = E[k] + i·O[k] with E = (X[k] + conj(X[M−k]))/2 and O = (X[k] − conj(X[M−k]))/2 · e^(2πik/N);
            // the inverse half-size FFT of Z then holds even samples in its real and odd samples in its imaginary parts.
            for (var k = 0; k < _half; k++)
            {
                float xr = real[k], xi = k == 0 ? 0 : imag[k];
                var m = _half - k;
                float cr = real[m], ci = m == _half ? 0 : -imag[m];
                float er = 0.5f * (xr + cr), ei = 0.5f * (xi + ci);
                float dr = 0.5f * (xr - cr), di = 0.5f * (xi - ci);
                float wr = _cos[k], wi = _sin[k];
                float or = dr * wr - di * wi, oi = dr * wi + di * wr;
                var r = _bitReverse[k];
                z[2 * r] = er - oi;
                z[2 * r + 1] = ei + or;
            }
            Butterflies(z, inverse: true);
            var scale = 1f / _half;
            for (var n = 0; n < _half; n++)
            {
                output[2 * n] = z[2 * n] * scale;
                output[2 * n + 1] = z[2 * n + 1] * scale;
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>In-place iterative radix-2 DIT over <see cref="_half"/> interleaved complex values already in bit-reversed order.</summary>
    private void Butterflies(Span<float> z, bool inverse)
    {
        var sign = inverse ? 1f : -1f;
        for (var len = 2; len <= _half; len <<= 1)
        {
            var halfLen = len >> 1;
            // Twiddle e^(∓2πij/len) = entry j·(N/len) of the N-point table.
            var stride = Size / len;
            for (var start = 0; start < _half; start += len)
            {
                for (var j = 0; j < halfLen; j++)
                {
                    float wr = _cos[j * stride], wi = sign * _sin[j * stride];
                    int a = 2 * (start + j), b = 2 * (start + j + halfLen);
                    float br = z[b], bi = z[b + 1];
                    float tr = br * wr - bi * wi, ti = br * wi + bi * wr;
                    float ar = z[a], ai = z[a + 1];
                    z[a] = ar + tr;
                    z[a + 1] = ai + ti;
                    z[b] = ar - tr;
                    z[b + 1] = ai - ti;
                }
            }
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
