using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary><c>volume_multiplier</c>: exact gain below the limiter's knee; loud input bent towards ±1, never wrapped.</summary>
public sealed class VolumeTests
{
    [Theory]
    [InlineData(0.5f)]
    [InlineData(2f)]
    [InlineData(0f)]
    public void Gain_is_exact_below_the_knee(float multiplier)
    {
        var input = AudioSignals.Tone(440, 0.5, amplitude: 0.4f);
        var output = AudioVolume.Applied((float[])input.Clone(), multiplier);
        for (var i = 0; i < input.Length; i++) Assert.Equal(input[i] * multiplier, output[i]);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(4f)]
    [InlineData(1000f)]
    public void Loud_input_is_limited_monotonically_without_sign_flips(float multiplier)
    {
        var input = AudioSignals.Tone(440, 0.5, amplitude: 1.5f); // overshoots even at gain 1
        var output = AudioVolume.Applied((float[])input.Clone(), multiplier);
        for (var i = 0; i < input.Length; i++)
        {
            Assert.InRange(output[i], -1f, 1f);
            if (input[i] != 0) Assert.Equal(Math.Sign(input[i]), Math.Sign(output[i]));
        }
        // Monotonic: a louder input sample never comes out quieter.
        var ordered = input.Zip(output).OrderBy(p => p.First).ToArray();
        for (var i = 1; i < ordered.Length; i++) Assert.True(ordered[i].Second >= ordered[i - 1].Second);
        Assert.True(output.Max() > AudioVolume.Knee, "the peak should still be loud");
    }

    [Fact]
    public void Non_finite_samples_become_silence_or_full_scale()
    {
        float[] samples = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.1f];
        AudioVolume.Apply(samples, 1f);
        Assert.Equal([0f, 1f, -1f, 0.1f], samples);
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioVolume.Apply(new float[1], float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioVolume.Apply(new float[1], -1f));
    }

    [Theory]
    [InlineData(AudioFormat.Wav)]
    [InlineData(AudioFormat.Flac)]
    [InlineData(AudioFormat.Mp3)]
    [InlineData(AudioFormat.Opus)]
    public void Loud_audio_through_an_encoder_keeps_its_sign(AudioFormat format)
    {
        var input = AudioSignals.Tone(200, 1, amplitude: 0.8f);
        var loud = AudioVolume.Applied((float[])input.Clone(), 8f);
        var decoded = Ffmpeg.DecodeToFloat(AudioSignals.Encode(format, loud, streaming: false).Bytes);
        // Lossy codecs shift samples by their delay; compare the sign where the tone is far from zero,
        // after aligning by the lag that best matches (0 for the lossless ones).
        var lag = BestLag(input, decoded, 2000);
        var checkedSamples = 0;
        for (var i = 2400; i < input.Length - 2400; i++)
        {
            if (Math.Abs(input[i]) < 0.4f) continue;
            checkedSamples++;
            Assert.True(Math.Sign(decoded[i + lag]) == Math.Sign(input[i]), $"{format}: sign flipped at {i}");
        }
        Assert.True(checkedSamples > 10_000);
        Assert.InRange(AudioSignals.Rms(AudioSignals.Middle(decoded, 24000)), 0.75, 1.0); // loud, but not wrapped to noise
    }

    private static int BestLag(float[] reference, float[] decoded, int maxLag)
    {
        var best = 0;
        var bestScore = double.MinValue;
        for (var lag = 0; lag <= maxLag && lag + reference.Length / 2 < decoded.Length; lag++)
        {
            double score = 0;
            for (var i = 4800; i < reference.Length - 4800 && i + lag < decoded.Length; i += 3) score += reference[i] * decoded[i + lag];
            if (score > bestScore) { bestScore = score; best = lag; }
        }
        return best;
    }
}
