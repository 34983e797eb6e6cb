using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.ZipVoice;

public sealed class ZipVoiceAudioTests
{
    private const int Rate = 24000;

    [Fact]
    public void Quiet_prompts_are_raised_to_the_target_and_the_output_scaled_back()
    {
        var prompt = Enumerable.Range(0, Rate).Select(i => 0.02f * MathF.Sin(i * 0.1f)).ToArray();
        var (normalized, rms) = ZipVoiceAudio.RmsNormalize(prompt);
        Assert.Equal(0.02 / Math.Sqrt(2), rms, 3);
        Assert.Equal(0.1, ZipVoiceAudio.Rms(normalized), 4);
        float[] wav = [2f, -0.5f, 0.5f];
        ZipVoiceAudio.ClampAndRestoreLevel(wav, rms);
        Assert.Equal(rms / 0.1f, wav[0], 5);
        Assert.Equal(-0.5f * rms / 0.1f, wav[1], 5);

        var loud = prompt.Select(s => s * 20).ToArray();
        var (same, loudRms) = ZipVoiceAudio.RmsNormalize(loud);
        Assert.Equal(loud, same);
        float[] unchanged = [0.5f];
        ZipVoiceAudio.ClampAndRestoreLevel(unchanged, loudRms);
        Assert.Equal(0.5f, unchanged[0]);
    }

    [Fact]
    public void Streaming_cross_fade_equals_cross_fade_concat()
    {
        var rng = new Random(3);
        var chunks = new[] { 5000, 1200, 100, 4000 }.Select(n => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray()).ToList();
        const int fade = 2400;
        // infer.py cross_fade_concat.
        var expected = chunks[0];
        foreach (var next in chunks.Skip(1))
        {
            var k = Math.Min(fade, Math.Min(expected.Length, next.Length));
            var blended = Enumerable.Range(0, k).Select(i =>
            {
                var w = k == 1 ? 1f : 1f - (float)i / (k - 1);
                return expected[expected.Length - k + i] * w + next[i] * (1 - w);
            });
            expected = [.. expected[..^k], .. blended, .. next[k..]];
        }
        var joiner = new CrossFadeJoiner(fade);
        var pushed = chunks.SelectMany(joiner.Push).ToArray();
        float[] streamed = [.. pushed, .. joiner.Flush()];
        Assert.Equal(expected.Length, streamed.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], streamed[i], 5);
    }

    [Fact]
    public void Edge_silence_keeps_100_ms_and_long_inner_silence_keeps_2_s()
    {
        float[] Tone(double seconds) => Enumerable.Range(0, (int)(seconds * Rate)).Select(i => 0.3f * MathF.Sin(i * 0.2f)).ToArray();
        float[] Quiet(double seconds) => new float[(int)(seconds * Rate)];
        float[] audio = [.. Quiet(0.5), .. Tone(0.5), .. Quiet(3.0), .. Tone(0.5), .. Quiet(0.5)];

        var edges = ZipVoiceAudio.RemoveSilence(audio, Rate, onlyEdge: true);
        Assert.Equal((0.1 + 0.5 + 3.0 + 0.5 + 0.1) * Rate, edges.Length, 2 * Rate / 100.0);

        var all = ZipVoiceAudio.RemoveSilence(audio, Rate, onlyEdge: false, trailingSilenceMs: 200);
        Assert.Equal((0.1 + 0.5 + 2.0 + 0.5 + 0.1 + 0.2) * Rate, all.Length, 3 * Rate / 100.0);
        Assert.Equal(0f, all[^1]);

        var silent = Quiet(1);
        Assert.Same(silent, ZipVoiceAudio.RemoveSilence(silent, Rate, onlyEdge: true));
    }
}
