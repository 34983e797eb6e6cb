namespace TtsService.Audio.Dsp;

/// <summary>
/// Inverse STFT with torch.istft semantics: inverse real FFT of each frame, multiply by the
/// window, overlap-add every hop, divide by the overlap-added squared window, and with
/// <c>center</c> trim n_fft/2 from both ends, so F frames give (F − 1)·hop samples. The same
/// steps as kaldi-native-fbank's <c>knf::IStft</c> that sherpa-onnx's vocos vocoder calls.
/// </summary>
public sealed class InverseStft
{
    private readonly Fft _fft;
    private readonly float[] _window;
    private readonly float[] _windowSquared;

    public InverseStft(StftSettings settings)
    {
        settings.Validate();
        Settings = settings;
        _fft = new Fft(settings.NFft);
        _window = settings.PaddedWindow();
        _windowSquared = _window.Select(w => w * w).ToArray();
    }

    public StftSettings Settings { get; }

    /// <summary>Samples produced for <paramref name="frames"/> frames (torch.istft with length=None).</summary>
    public int OutputLength(int frames) => frames <= 0 ? 0
        : Settings.NFft + (frames - 1) * Settings.HopLength - (Settings.Center ? 2 * (Settings.NFft / 2) : 0);

    /// <summary>
    /// <paramref name="real"/> and <paramref name="imag"/> are row-major [bins = n_fft/2+1, frames]
    /// (the layout of torch.stft's output and of the vocos model's outputs).
    /// </summary>
    public float[] Compute(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, int frames)
    {
        var bins = Settings.Bins;
        if (frames < 0) throw new ArgumentOutOfRangeException(nameof(frames));
        if (real.Length != bins * frames || imag.Length != bins * frames)
            throw new ArgumentException($"Spectrum must hold {bins} bins × {frames} frames = {bins * frames} values (real {real.Length}, imag {imag.Length}).");
        if (frames == 0) return [];

        int nFft = Settings.NFft, hop = Settings.HopLength;
        var full = nFft + (frames - 1) * hop;
        var signal = new float[full];
        var envelope = new float[full];
        var re = new float[bins];
        var im = new float[bins];
        var frame = new float[nFft];
        var scale = Settings.Normalized ? MathF.Sqrt(nFft) : 1f;
        for (var t = 0; t < frames; t++)
        {
            for (var k = 0; k < bins; k++)
            {
                re[k] = real[k * frames + t] * scale;
                im[k] = imag[k * frames + t] * scale;
            }
            _fft.Inverse(re, im, frame);
            var offset = t * hop;
            var outSpan = signal.AsSpan(offset, nFft);
            var envSpan = envelope.AsSpan(offset, nFft);
            for (var i = 0; i < nFft; i++)
            {
                outSpan[i] += frame[i] * _window[i];
                envSpan[i] += _windowSquared[i];
            }
        }

        var trim = Settings.Center ? nFft / 2 : 0;
        var result = new float[full - 2 * trim];
        for (var i = 0; i < result.Length; i++)
        {
            var e = envelope[i + trim];
            // torch.istft rejects envelopes below 1e-11; like knf we leave those samples undivided.
            result[i] = e > 1e-11f ? signal[i + trim] / e : signal[i + trim];
        }
        return result;
    }
}
