namespace TtsService.Audio.Dsp;

/// <summary>
/// ZipVoice's prompt features: k2-fsa/ZipVoice <c>zipvoice/utils/feature.py</c> (<c>VocosFbank</c>)
/// runs <c>torchaudio.transforms.MelSpectrogram(sample_rate=24000, n_fft=1024, hop_length=256,
/// n_mels=100, center=True, power=1)</c> and then <c>log(clamp(mel, min=1e-7))</c>. Everything
/// else is torchaudio's default: win_length = n_fft, periodic Hann window, pad_mode "reflect",
/// f_min 0, f_max sample_rate/2, mel_scale "htk", norm None (no Slaney area normalisation),
/// no STFT normalisation. Vocos' own <c>MelSpectrogramFeatures(padding="center")</c> (gemelo-ai/vocos
/// <c>vocos/feature_extractors.py</c>) is the same transform with the same safe_log clamp.
/// The feat_scale (0.1) ZipVoice applies afterwards is the caller's business.
/// Immutable after construction: one instance serves every thread.
/// </summary>
public sealed class MelSpectrogram
{
    public const float LogFloor = 1e-7f;

    private readonly Stft _stft;
    // Sparse triangular filters: filter m covers FFT bins [_firstBin[m], _firstBin[m] + _weights[m].Length).
    private readonly int[] _firstBin;
    private readonly float[][] _weights;

    public MelSpectrogram(int sampleRate = 24000, int nFft = 1024, int hopLength = 256, int winLength = 1024, int numMels = 100)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        if (numMels <= 0) throw new ArgumentOutOfRangeException(nameof(numMels));
        SampleRate = sampleRate;
        NumMels = numMels;
        _stft = new Stft(new StftSettings(nFft, hopLength, winLength, Center: true, PadMode: "reflect", Window: "hann"));
        var bank = FilterBank(sampleRate, nFft, numMels);
        var bins = nFft / 2 + 1;
        _firstBin = new int[numMels];
        _weights = new float[numMels][];
        for (var m = 0; m < numMels; m++)
        {
            int first = -1, last = -1;
            for (var k = 0; k < bins; k++)
            {
                if (bank[k, m] == 0) continue;
                if (first < 0) first = k;
                last = k;
            }
            if (first < 0) { _weights[m] = []; continue; }  // an empty filter (too many mels for n_fft) gives log(1e-7), as in torchaudio
            _firstBin[m] = first;
            _weights[m] = new float[last - first + 1];
            for (var k = first; k <= last; k++) _weights[m][k - first] = bank[k, m];
        }
    }

    public int SampleRate { get; }
    public int NumMels { get; }
    public StftSettings Settings => _stft.Settings;

    /// <summary>Frames <see cref="Compute"/> returns: torchaudio with center=True gives 1 + len/hop.</summary>
    public int FrameCount(int samples) => _stft.Settings.FrameCount(samples);

    /// <summary>
    /// Frames <see cref="Extract"/> returns: lhotse's <c>compute_num_frames</c>, (len + hop/2) / hop,
    /// which <c>VocosFbank.extract</c> truncates the torchaudio output to (never more than <see cref="FrameCount"/>).
    /// </summary>
    public int ExtractFrameCount(int samples) => (samples + _stft.Settings.HopLength / 2) / _stft.Settings.HopLength;

    /// <summary>Log-mel features as torchaudio computes them: row-major [frames, numMels], frames = 1 + len/hop.</summary>
    public float[] Compute(ReadOnlySpan<float> samples, out int frames)
    {
        frames = FrameCount(samples.Length);
        return ComputeFrames(samples, frames);
    }

    /// <summary>
    /// What ZipVoice feeds its model for a prompt: <c>VocosFbank.extract</c>, i.e. <see cref="Compute"/>
    /// truncated to lhotse's frame count (<see cref="ExtractFrameCount"/>). Row-major [frames, numMels].
    /// </summary>
    public float[] Extract(ReadOnlySpan<float> samples, out int frames)
    {
        frames = ExtractFrameCount(samples.Length);
        return ComputeFrames(samples, frames);
    }

    private float[] ComputeFrames(ReadOnlySpan<float> samples, int frames)
    {
        var nFft = _stft.Settings.NFft;
        var bins = _stft.Settings.Bins;
        var output = new float[frames * NumMels];
        if (frames == 0) return output;
        Span<float> work = nFft <= 8192 ? stackalloc float[nFft] : new float[nFft];
        Span<float> real = bins <= 4097 ? stackalloc float[bins] : new float[bins];
        Span<float> imag = bins <= 4097 ? stackalloc float[bins] : new float[bins];
        for (var t = 0; t < frames; t++)
        {
            _stft.ComputeFrame(samples, t, work, real, imag);
            // power=1: magnitude, reusing real[] for it.
            for (var k = 0; k < bins; k++) real[k] = MathF.Sqrt(real[k] * real[k] + imag[k] * imag[k]);
            var row = output.AsSpan(t * NumMels, NumMels);
            for (var m = 0; m < NumMels; m++)
            {
                var w = _weights[m];
                var magnitudes = real.Slice(_firstBin[m], w.Length);
                var sum = 0f;
                for (var i = 0; i < w.Length; i++) sum += w[i] * magnitudes[i];
                row[m] = MathF.Log(MathF.Max(sum, LogFloor));
            }
        }
        return output;
    }

    /// <summary>HTK mel of <paramref name="hz"/>: 2595·log10(1 + f/700) (torchaudio mel_scale="htk").</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + hz / 700.0);

    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);

    /// <summary>
    /// torchaudio.functional.melscale_fbanks(n_freqs=n_fft/2+1, f_min=0, f_max=sr/2, n_mels, sr,
    /// norm=None, mel_scale="htk"): [bins, mels]. Bin k sits at k·(sr/2)/(bins−1) Hz (sr // 2 as
    /// torchaudio writes it); filter m rises from mel point m to m+1 and falls to m+2, the points
    /// spaced evenly in mel from f_min to f_max.
    /// </summary>
    public static float[,] FilterBank(int sampleRate, int nFft, int numMels, double fMin = 0, double? fMax = null)
    {
        var bins = nFft / 2 + 1;
        var top = fMax ?? (sampleRate / 2);
        var melMin = HzToMel(fMin);
        var melMax = HzToMel(top);
        var points = new double[numMels + 2];
        for (var i = 0; i < points.Length; i++) points[i] = MelToHz(melMin + (melMax - melMin) * i / (numMels + 1));
        var bank = new float[bins, numMels];
        for (var k = 0; k < bins; k++)
        {
            var f = (double)(sampleRate / 2) * k / (bins - 1);
            for (var m = 0; m < numMels; m++)
            {
                var down = (f - points[m]) / (points[m + 1] - points[m]);
                var up = (points[m + 2] - f) / (points[m + 2] - points[m + 1]);
                bank[k, m] = (float)Math.Max(0, Math.Min(down, up));
            }
        }
        return bank;
    }
}
