using Concentus;
using NAudio.Dsp;

namespace TtsService.Audio.Dsp;

/// <summary>Whole-buffer mono resampling of a decoded prompt.</summary>
public interface IMonoResampler
{
    string Name { get; }

    /// <summary>Output length is input × outRate / inRate, rounded as each implementation says, aligned with the input (no leading delay).</summary>
    float[] Resample(float[] input, int inRate, int outRate);
}

/// <summary>
/// Resamplers we can choose between; bench/AudioBench measures them (pass-band SNR, stop-band
/// rejection, speed).
/// </summary>
public static class Resamplers
{
    /// <summary>
    /// torchaudio's, because ZipVoice computes prompt features from audio that
    /// <c>torchaudio.transforms.Resample</c> brought to 24 kHz (<c>load_prompt_wav</c>): any other
    /// resampler changes the features the model sees (tests/…/Reference proves the match).
    /// </summary>
    public static IMonoResampler Default { get; } = new TorchaudioSincResampler();

    public static IReadOnlyList<IMonoResampler> Candidates { get; } =
    [
        new TorchaudioSincResampler(),
        new SpeexMonoResampler(5), new SpeexMonoResampler(8), new SpeexMonoResampler(10),
        new WdlMonoResampler(sinc: false), new WdlMonoResampler(sinc: true),
    ];

    internal static int OutputLength(int inputLength, int inRate, int outRate) =>
        (int)Math.Round((double)inputLength * outRate / inRate);
}

/// <summary>
/// <c>torchaudio.functional.resample</c> with its defaults (sinc interpolation with a squared-cosine
/// (Hann) window, lowpass_filter_width 6, rolloff 0.99), as <c>torchaudio.transforms.Resample</c>
/// runs it: the rates are divided by their gcd, output phase j of every block of <c>new</c> samples
/// is a FIR filter over the input zero-padded by <c>width</c> before and <c>width + orig</c> after,
/// stepped by <c>orig</c>, and the result is cut to ceil(len · new / orig) samples. The filter taps
/// are computed in double from the same float32/float64 mix torchaudio 0.13 uses, then rounded to
/// float32 as the transform caches them. Output length is ceil, not round, as torchaudio's.
/// </summary>
public sealed class TorchaudioSincResampler : IMonoResampler
{
    private const int LowpassFilterWidth = 6;
    private const double Rolloff = 0.99;
    /// <summary>
    /// Rates with a small gcd (44056 → 24000: 3000 filters of 5531 taps) make the filter bank huge, and
    /// an upload can name any rate; past this many taps a Speex resampler (quality 10) stands in.
    /// Every common rate (8–192 kHz in the usual steps) stays far below it.
    /// </summary>
    internal const long MaxKernelTaps = 1 << 20;

    private static readonly SpeexMonoResampler Fallback = new(10);

    public string Name => "torchaudio sinc (hann, width 6)";

    /// <summary>The taps: [newRate / gcd][2·width + orig], and width.</summary>
    internal static (float[][] Kernels, int Width) Kernels(int inRate, int outRate)
    {
        var (orig, @new, width, baseFreq) = Plan(inRate, outRate);
        var taps = 2 * width + orig;
        var kernels = new float[@new][];
        var scale = baseFreq / orig;
        for (var j = 0; j < @new; j++)
        {
            kernels[j] = new float[taps];
            // torchaudio: arange(0, -new, -1) / new is an integer tensor divided in float32.
            double phase = (float)(-j) / (float)@new;
            for (var i = 0; i < taps; i++)
            {
                var t = (phase + (double)(i - width) / orig) * baseFreq;
                t = Math.Clamp(t, -LowpassFilterWidth, LowpassFilterWidth);
                var window = Math.Cos(t * Math.PI / LowpassFilterWidth / 2);
                window *= window;
                t *= Math.PI;
                var sinc = t == 0 ? 1.0 : Math.Sin(t) / t;
                kernels[j][i] = (float)(sinc * window * scale);
            }
        }
        return (kernels, width);
    }

    /// <summary>The rates divided by their gcd, the filter's half-width in input samples, and its cut-off.</summary>
    private static (int Orig, int New, int Width, double BaseFreq) Plan(int inRate, int outRate)
    {
        var gcd = (int)System.Numerics.BigInteger.GreatestCommonDivisor(inRate, outRate);
        int orig = inRate / gcd, @new = outRate / gcd;
        var baseFreq = Math.Min(orig, @new) * Rolloff;
        return (orig, @new, (int)Math.Ceiling(LowpassFilterWidth * orig / baseFreq), baseFreq);
    }

    public float[] Resample(float[] input, int inRate, int outRate)
    {
        if (inRate == outRate) return (float[])input.Clone();
        var plan = Plan(inRate, outRate);
        if ((long)plan.New * (2L * plan.Width + plan.Orig) > MaxKernelTaps) return Fallback.Resample(input, inRate, outRate);
        var (kernels, width) = Kernels(inRate, outRate);
        int orig = plan.Orig, @new = plan.New;
        var taps = kernels[0].Length;
        var length = (int)Math.Ceiling((double)@new * input.Length / orig);
        var output = new float[length];
        for (var o = 0; o < length; o++)
        {
            int block = o / @new, phase = o % @new;
            var kernel = kernels[phase];
            // padded[k] = input[k − width]; this output reads padded[block·orig + i].
            var start = block * orig - width;
            var from = Math.Max(0, -start);
            var to = Math.Min(taps, input.Length - start);
            var sum = 0f;
            for (var i = from; i < to; i++) sum += kernel[i] * input[start + i];
            output[o] = sum;
        }
        return output;
    }
}

/// <summary>Concentus' port of the Speex resampler (windowed-sinc, band-limited; quality 0–10).</summary>
public sealed class SpeexMonoResampler(int quality) : IMonoResampler
{
    public string Name => $"speex q{quality}";

    public float[] Resample(float[] input, int inRate, int outRate)
    {
        var length = Resamplers.OutputLength(input.Length, inRate, outRate);
        if (inRate == outRate) return (float[])input.Clone();
        var output = new float[length];
        var resampler = ResamplerFactory.CreateResampler(1, inRate, outRate, quality);
        resampler.SkipZeroes(); // drop the filter's leading delay so output aligns with input
        var produced = 0;
        var consumed = 0;
        // Feed the input, then zeros to flush the filter tail, until every output sample exists.
        var zeros = new float[Math.Max(1024, resampler.InputLatency * 2)];
        var guard = 0;
        while (produced < length && guard++ < 1_000_000)
        {
            var feed = consumed < input.Length ? input.AsSpan(consumed) : zeros;
            var inLen = feed.Length;
            var outLen = length - produced;
            resampler.Process(0, feed, ref inLen, output.AsSpan(produced), ref outLen);
            if (consumed < input.Length) consumed += inLen;
            produced += outLen;
            if (inLen == 0 && outLen == 0) break;
        }
        (resampler as IDisposable)?.Dispose();
        return output;
    }
}

/// <summary>
/// NAudio's port of Cockos WDL's resampler. <c>sinc: false</c> is what NAudio's
/// WdlResamplingSampleProvider uses (two IIR low-pass passes + linear interpolation);
/// <c>sinc: true</c> uses its 64-tap windowed sinc.
/// </summary>
public sealed class WdlMonoResampler(bool sinc) : IMonoResampler
{
    private const int SincSize = 64;

    public string Name => sinc ? "wdl sinc64" : "wdl iir (NAudio default)";

    public float[] Resample(float[] input, int inRate, int outRate)
    {
        var length = Resamplers.OutputLength(input.Length, inRate, outRate);
        if (inRate == outRate) return (float[])input.Clone();
        var resampler = new WdlResampler();
        if (sinc) resampler.SetMode(true, 0, true, SincSize, 32);
        else resampler.SetMode(true, 2, false);
        resampler.SetFilterParms();
        resampler.SetFeedMode(true); // input-driven: we say how much input we have
        resampler.SetRates(inRate, outRate);
        // The sinc filter delays by half its length; feed zeros after the input and drop that many outputs.
        var delay = sinc ? (int)Math.Round(SincSize / 2.0 * outRate / inRate) : 0;
        var total = new float[length + delay + 4096];
        var produced = 0;
        var consumed = 0;
        const int block = 4096;
        var flush = 0;
        while (produced < length + delay && flush < 64)
        {
            var take = Math.Min(block, input.Length - consumed);
            if (take <= 0) { take = block; flush++; }
            var want = resampler.ResamplePrepare(take, 1, out var inBuffer);
            for (var i = 0; i < want; i++)
                inBuffer[i] = consumed + i < input.Length ? input[consumed + i] : 0f;
            consumed += want;
            var room = total.Length - produced;
            if (room <= 0) break;
            var maxOut = Math.Min(room, (int)((long)want * outRate / inRate) + 64);
            produced += resampler.ResampleOut(total.AsSpan(produced), want, maxOut, 1);
        }
        var output = new float[length];
        total.AsSpan(delay, Math.Min(length, Math.Max(0, produced - delay))).CopyTo(output);
        return output;
    }
}
