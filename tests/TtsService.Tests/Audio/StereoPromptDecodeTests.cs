using System.Buffers;
using TtsService.Audio;
using TtsService.Audio.Encoders;

namespace TtsService.Tests.Audio;

/// <summary>A two-channel prompt keeps its channels apart (zipvoice_dialog_stereo's merged prompts) beside the mono down-mix.</summary>
public sealed class StereoPromptDecodeTests
{
    private static byte[] StereoWav(int rate, float[] left, float[] right)
    {
        var interleaved = left.Zip(right, (l, r) => new[] { l, r }).SelectMany(p => p).ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        WavEncoder.WriteHeader(buffer, rate, 2, (uint)(interleaved.Length * 2));
        Pcm16.Write(interleaved, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(24000)]
    [InlineData(44100)]
    public void Channels_are_resampled_apart_and_the_mono_samples_are_their_average(int rate)
    {
        var left = Enumerable.Range(0, rate).Select(i => 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / rate)).ToArray();
        var right = new float[rate];
        var decoded = new PromptAudioDecoder().Decode(StereoWav(rate, left, right), new AudioDecodeLimits());
        Assert.Equal(2, decoded.SourceChannels);
        Assert.NotNull(decoded.Stereo);
        Assert.Equal(2 * decoded.Samples.Length, decoded.Stereo!.Length);
        var l = Enumerable.Range(0, decoded.Samples.Length).Select(i => decoded.Stereo[2 * i]).ToArray();
        var r = Enumerable.Range(0, decoded.Samples.Length).Select(i => decoded.Stereo[2 * i + 1]).ToArray();
        Assert.All(r, s => Assert.Equal(0f, s, 4));
        Assert.InRange(l.Max(), 0.49f, 0.51f);
        for (var i = 0; i < decoded.Samples.Length; i += 97) Assert.Equal((l[i] + r[i]) / 2, decoded.Samples[i], 3);
    }

    [Fact]
    public void Mono_prompts_have_no_stereo_copy()
    {
        var decoded = new PromptAudioDecoder().Decode(TtsService.Tests.Voices.TestAudio.SineWav(0.5), new AudioDecodeLimits());
        Assert.Null(decoded.Stereo);
    }
}
