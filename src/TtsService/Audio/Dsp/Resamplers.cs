using Concentus;
using NAudio.Dsp;

namespace TtsService.Audio.Dsp;

/// <summary>Whole-buffer mono resampling of a decoded prompt.</summary>
public interface IMonoResampler
{
    string Name { get; }

    /// <summary>Output length is round(input × outRate / inRate), aligned with the input (no leading delay).</summary>
    float[] Resample(float[] input, int inRate, int outRate);
}

/// <summary>
/// Resamplers we can choose between; bench/AudioBench measures them (pass-band SNR, stop-band
/// rejection, speed) and <see cref="Default"/> is the one that measured best.
/// </summary>
public static class Resamplers
{
    /// <summary>Speex at quality 8: ~100 dB of alias rejection at a few times the speed of quality 10.</summary>
    public static IMonoResampler Default { get; } = new SpeexMonoResampler(8);

    public static IReadOnlyList<IMonoResampler> Candidates { get; } =
    [
        new SpeexMonoResampler(5), new SpeexMonoResampler(8), new SpeexMonoResampler(10),
        new WdlMonoResampler(sinc: false), new WdlMonoResampler(sinc: true),
    ];

    internal static int OutputLength(int inputLength, int inRate, int outRate) =>
        (int)Math.Round((double)inputLength * outRate / inRate);
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
