namespace TtsService.Audio.Dsp;

/// <summary>
/// Short-time Fourier transform settings with torch.stft / torch.istft meanings: a periodic
/// window of <paramref name="WinLength"/> samples centred in <paramref name="NFft"/>, frames every
/// <paramref name="HopLength"/> samples, and with <paramref name="Center"/> the signal padded by
/// n_fft/2 on both sides (<paramref name="PadMode"/> "reflect" or "constant").
/// </summary>
public sealed record StftSettings(int NFft, int HopLength, int WinLength, bool Center = true, string PadMode = "reflect", string Window = "hann")
{
    /// <summary>With torch's <c>normalized=True</c> the forward STFT is scaled by 1/√n_fft and the inverse by √n_fft.</summary>
    public bool Normalized { get; init; }

    public int Bins => NFft / 2 + 1;

    /// <summary>Frames torch.stft gives for <paramref name="samples"/> samples: 1 + len/hop when centred, else 1 + (len − n_fft)/hop.</summary>
    public int FrameCount(int samples) => Center ? 1 + samples / HopLength
        : samples < NFft ? 0 : 1 + (samples - NFft) / HopLength;

    public void Validate()
    {
        if (NFft < 2 || (NFft & (NFft - 1)) != 0) throw new ArgumentException($"n_fft {NFft} is not a power of two >= 2.");
        if (HopLength <= 0) throw new ArgumentException($"hop_length {HopLength} must be positive.");
        if (WinLength <= 0 || WinLength > NFft) throw new ArgumentException($"win_length {WinLength} must be in [1, n_fft={NFft}].");
        if (PadMode is not ("reflect" or "constant")) throw new ArgumentException($"pad_mode '{PadMode}' is not supported (reflect, constant).");
        if (!Window.Equals("hann", StringComparison.OrdinalIgnoreCase) && !Window.Equals("hann_window", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"window '{Window}' is not supported (hann).");
    }

    /// <summary>
    /// torch.hann_window(win_length, periodic=True) zero-padded to n_fft with the window centred,
    /// as torch.stft / torch.istft do when win_length &lt; n_fft. Computed in float32 the way ATen
    /// does (angle n·(2π/N) in float, cos, × −0.5, + 0.5): a window rounded from double differs by up
    /// to 3 ulp, which moves log-mel bins 100 dB under a frame's peak by several 1e-3. ATen's
    /// vectorised cos is not always correctly rounded, so about 3% of entries still differ by one ulp.
    /// </summary>
    public float[] PaddedWindow()
    {
        var window = new float[NFft];
        var left = (NFft - WinLength) / 2;
        var step = (float)(2 * Math.PI / WinLength);
        for (var i = 0; i < WinLength; i++)
        {
            var angle = i * step;
            window[left + i] = (float)Math.Cos(angle) * -0.5f + 0.5f;
        }
        return window;
    }
}

/// <summary>Forward STFT with torch.stft semantics (onesided, no normalisation unless asked).</summary>
public sealed class Stft
{
    private readonly Fft _fft;
    private readonly float[] _window;

    public Stft(StftSettings settings)
    {
        settings.Validate();
        Settings = settings;
        _fft = new Fft(settings.NFft);
        _window = settings.PaddedWindow();
    }

    public StftSettings Settings { get; }

    /// <summary>
    /// Spectrum of frame <paramref name="frame"/> into <paramref name="real"/>/<paramref name="imag"/> (n_fft/2+1 each);
    /// <paramref name="work"/> is n_fft floats of caller scratch.
    /// </summary>
    public void ComputeFrame(ReadOnlySpan<float> samples, int frame, Span<float> work, Span<float> real, Span<float> imag)
    {
        var frameWork = work[..Settings.NFft];
        WindowedFrame(samples, frame, frameWork);
        _fft.Forward(frameWork, real, imag);
        if (Settings.Normalized)
        {
            var scale = 1f / MathF.Sqrt(Settings.NFft);
            for (var k = 0; k < Settings.Bins; k++) { real[k] *= scale; imag[k] *= scale; }
        }
    }

    /// <summary>Whole-signal STFT; <paramref name="real"/> and <paramref name="imag"/> are row-major [bins, frames] like torch.stft's output.</summary>
    public void Compute(ReadOnlySpan<float> samples, out float[] real, out float[] imag, out int frames)
    {
        frames = Settings.FrameCount(samples.Length);
        var bins = Settings.Bins;
        real = new float[bins * frames];
        imag = new float[bins * frames];
        var work = new float[Settings.NFft];
        var re = new float[bins];
        var im = new float[bins];
        for (var t = 0; t < frames; t++)
        {
            ComputeFrame(samples, t, work, re, im);
            for (var k = 0; k < bins; k++)
            {
                real[k * frames + t] = re[k];
                imag[k * frames + t] = im[k];
            }
        }
    }

    /// <summary>
    /// Frame <paramref name="frame"/> of the (padded) signal times the window, in float32 as torch.stft
    /// multiplies them, into <paramref name="frameWork"/> (n_fft values).
    /// </summary>
    public void WindowedFrame(ReadOnlySpan<float> samples, int frame, Span<float> frameWork)
    {
        var nFft = Settings.NFft;
        var start = frame * Settings.HopLength - (Settings.Center ? nFft / 2 : 0);
        if (start >= 0 && start + nFft <= samples.Length)
        {
            var src = samples.Slice(start, nFft);
            for (var i = 0; i < nFft; i++) frameWork[i] = src[i] * _window[i];
        }
        else
        {
            var reflect = Settings.PadMode == "reflect";
            for (var i = 0; i < nFft; i++)
            {
                var index = start + i;
                float value;
                if (index >= 0 && index < samples.Length) value = samples[index];
                else if (reflect && samples.Length > 0) value = samples[Reflect(index, samples.Length)];
                else value = 0;
                frameWork[i] = value * _window[i];
            }
        }
    }

    /// <summary>
    /// torch's "reflect" padding (edge sample not repeated: −1 → 1, len → len−2). torch refuses a
    /// pad wider than the signal; we keep reflecting instead of failing, which only matters for
    /// signals shorter than n_fft/2.
    /// </summary>
    internal static int Reflect(int index, int length)
    {
        if (length == 1) return 0;
        var period = 2 * (length - 1);
        index %= period;
        if (index < 0) index += period;
        return index < length ? index : period - index;
    }
}
