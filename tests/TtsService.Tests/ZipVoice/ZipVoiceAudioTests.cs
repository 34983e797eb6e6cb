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

    /// <summary>
    /// pydub slices in whole milliseconds, so upstream's remove_silence returns round(1000 · n / rate) ms of audio, cut or
    /// padded with zeros. Lengths from k2-fsa/ZipVoice utils/infer.py remove_silence with Debian's pydub 0.24.1 on a
    /// 0.25-amplitude 300 Hz tone of n samples at 24 kHz (only_edge; then not only_edge with trail_sil=200; then the
    /// tone in two channels, only_edge). The dialog reference fixtures found this: a prompt of 20053 samples came back
    /// 11 samples longer, and its prompt_rms differed by 2e-4.
    /// </summary>
    [Theory]
    [InlineData(20053, 20064, 24862)]
    [InlineData(20050, 20040, 24838)]
    [InlineData(20052, 20064, 24862)]
    [InlineData(20060, 20064, 24862)]
    public void Remove_silence_returns_whole_milliseconds_as_pydub_slices(int n, int edges, int withPrompt)
    {
        var tone = Enumerable.Range(0, n).Select(i => (float)(0.25 * Math.Sin(2 * Math.PI * 300 * i / Rate))).ToArray();
        var trimmed = ZipVoiceAudio.RemoveSilence(tone, Rate, onlyEdge: true);
        Assert.Equal(edges, trimmed.Length);
        Assert.Equal(tone.AsSpan(0, Math.Min(n, edges)).ToArray(), trimmed.AsSpan(0, Math.Min(n, edges)).ToArray());
        Assert.All(trimmed.Skip(n), s => Assert.Equal(0f, s));
        Assert.Equal(withPrompt, ZipVoiceAudio.RemoveSilence(tone, Rate, onlyEdge: false, trailingSilenceMs: 200).Length);
        var stereo = TtsService.Inference.ZipVoice.Dialog.StereoAudio.Interleave(tone, tone.Select(v => v / 2).ToArray());
        Assert.Equal(2 * edges, TtsService.Inference.ZipVoice.Dialog.StereoAudio.RemoveSilence(stereo, Rate, onlyEdge: true).Length);
        // A streamed chunk whose end is not trimmed keeps its length: the rounding belongs to the output's end.
        Assert.Equal(n, ZipVoiceAudio.RemoveSilence(tone, Rate, onlyEdge: true, trimEnd: false).Length);
    }
}
