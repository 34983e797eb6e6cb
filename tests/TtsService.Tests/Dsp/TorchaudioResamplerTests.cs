using TtsService.Audio.Dsp;
using TtsService.Tests.Audio;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Dsp;

/// <summary>
/// The prompt resampler. Reference/ZipVoiceNumericsReferenceTests proves it against torchaudio through
/// the prompt features; these pin the rules it shares with torchaudio and its guard against odd rates.
/// </summary>
public class TorchaudioResamplerTests
{
    [Theory]
    [InlineData(22050, 1001)]
    [InlineData(44100, 1000)]
    [InlineData(16000, 7)]
    [InlineData(48000, 4801)]
    public void Output_length_is_the_ceiling_of_len_times_new_over_orig(int rate, int length)
    {
        var output = new TorchaudioSincResampler().Resample(new float[length], rate, 24000);
        Assert.Equal((int)Math.Ceiling(24000.0 * length / rate), output.Length);
    }

    [Fact]
    public void Filters_sum_to_the_rolloff_gain_so_a_constant_keeps_its_level()
    {
        // Each phase's taps sample a sinc of cutoff 0.99·min(orig, new): their sum is the DC gain.
        var (kernels, _) = TorchaudioSincResampler.Kernels(44100, 24000);
        Assert.Equal(80, kernels.Length);
        foreach (var k in kernels) Assert.InRange(k.Sum(), 0.99, 1.01);
        var ones = Enumerable.Repeat(0.5f, 44100).ToArray();
        var output = new TorchaudioSincResampler().Resample(ones, 44100, 24000);
        Assert.All(output.AsSpan(2000, 20000).ToArray(), v => Assert.InRange(v, 0.495f, 0.505f));
    }

    [Fact]
    public void A_rate_with_a_tiny_gcd_falls_back_instead_of_building_a_huge_filter_bank()
    {
        // 44056 and 24000 share only 8: torchaudio would build 3000 filters of 5531 taps.
        var tone = AudioSignals.Tone(1000, 1, 44056);
        var output = new TorchaudioSincResampler().Resample(tone, 44056, 24000);
        Assert.InRange(output.Length, 23999, 24001);
        Assert.InRange(Ffmpeg.ToneFrequency(AudioSignals.Middle(output, 24000, 0.1), 24000), 999, 1001);
    }
}
