using StandinModels;
using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.ZipVoice;

public sealed class FlowMatchingSamplerTests : IDisposable
{
    private readonly ZipVoiceTestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Theory]
    [InlineData(16, 0.5f)]
    [InlineData(8, 0.5f)]
    [InlineData(4, 1.0f)]
    public void Time_steps_follow_the_shifted_schedule(int n, float s)
    {
        var t = FlowMatchingSampler.TimeSteps(n, s);
        Assert.Equal(n + 1, t.Length);
        Assert.Equal(0f, t[0]);
        Assert.Equal(1f, t[n], 6);
        for (var i = 0; i <= n; i++)
        {
            var u = (double)i / n;
            Assert.Equal(s * u / (1 + (s - 1) * u), t[i], 6);
        }
        // s = 0.5 spends more steps near t = 0: the first step is shorter than the last.
        if (s < 1) Assert.True(t[1] - t[0] < t[n] - t[n - 1]);
        // Hand values for N = 4, s = 0.5: u = 0.25 → 0.125/0.875 = 1/7, u = 0.5 → 1/3, u = 0.75 → 3/5.
        if (n == 4 && s == 0.5f) Assert.Equal([0f, 1f / 7, 1f / 3, 0.6f, 1f], t);
    }

    [Theory]
    [InlineData(ZipVoiceLayout.ZipVoiceExport, 16, 1.0f, 0.5f)]
    [InlineData(ZipVoiceLayout.SherpaPack, 8, 3.0f, 0.5f)]
    [InlineData(ZipVoiceLayout.ZipVoiceExport, 5, 2.0f, 0.8f)]
    public void Euler_result_matches_the_closed_form_recursion(ZipVoiceLayout layout, int steps, float guidance, float shift)
    {
        using var model = _models.Model(layout: layout, velocity: ZipVoiceVelocity.Affine);
        using var sampler = new FlowMatchingSampler(model);
        const int frames = 40, promptFrames = 12, dim = ZipVoiceStandin.FeatDim;
        var text = Fill(frames * dim, i => 0.01f * (i % 7) - 0.02f);
        var prompt = Fill(promptFrames * dim, i => 0.05f * MathF.Sin(i));
        const long seed = 1234;

        var result = sampler.Sample(text, frames, prompt, promptFrames, new SamplerOptions(steps, guidance, shift, seed));

        // v = g·t·text + speech − k·x, integrated by Euler in double from the same noise.
        var x0 = new float[frames * dim];
        new GaussianNoise(seed).Fill(x0);
        var ts = new double[steps + 1];
        for (var i = 0; i <= steps; i++) { var u = (double)i / steps; ts[i] = shift * u / (1 + (shift - 1) * u); }
        Assert.Equal((frames - promptFrames) * dim, result.Length);
        for (var f = promptFrames; f < frames; f++)
        {
            for (var d = 0; d < dim; d += 9)
            {
                var idx = f * dim + d;
                double x = x0[idx];
                var speech = 0.0; // prompt features stop at promptFrames: zero padding after
                for (var i = 0; i < steps; i++)
                    x += (guidance * ts[i] * text[idx] + speech - ZipVoiceStandin.Decay * x) * (ts[i + 1] - ts[i]);
                Assert.Equal(x, result[(f - promptFrames) * dim + d], 4);
            }
        }
    }

    [Fact]
    public void Prompt_frames_condition_the_decoder_and_are_dropped()
    {
        using var model = _models.Model(velocity: ZipVoiceVelocity.Affine);
        using var sampler = new FlowMatchingSampler(model);
        const int frames = 20, promptFrames = 5, dim = ZipVoiceStandin.FeatDim;
        var text = new float[frames * dim];
        var quiet = sampler.Sample(text, frames, new float[promptFrames * dim], promptFrames, new SamplerOptions(4, 1f, 0.5f, 7));
        var loud = sampler.Sample(text, frames, Fill(promptFrames * dim, _ => 1f), promptFrames, new SamplerOptions(4, 1f, 0.5f, 7));
        // speech_condition is zero past the prompt, so the kept frames do not see the prompt in this field.
        Assert.Equal(quiet, loud);
        Assert.Equal((frames - promptFrames) * dim, quiet.Length);
    }

    [Theory]
    [InlineData(ZipVoiceLayout.ZipVoiceExport)]
    [InlineData(ZipVoiceLayout.SherpaPack)]
    public void Target_field_lands_exactly_on_the_text_condition(ZipVoiceLayout layout)
    {
        using var model = _models.Model(layout: layout, velocity: ZipVoiceVelocity.Target);
        using var sampler = new FlowMatchingSampler(model);
        const int frames = 30, promptFrames = 10, dim = ZipVoiceStandin.FeatDim;
        var text = Fill(frames * dim, i => (i % 11) * 0.1f);
        var result = sampler.Sample(text, frames, new float[promptFrames * dim], promptFrames, new SamplerOptions(8, 3f, 0.5f, 99));
        for (var i = 0; i < result.Length; i++) Assert.Equal(text[promptFrames * dim + i], result[i], 4);
    }

    [Fact]
    public void Same_seed_is_bit_identical_and_another_seed_differs()
    {
        using var model = _models.Model(velocity: ZipVoiceVelocity.Affine);
        using var sampler = new FlowMatchingSampler(model);
        const int frames = 25, promptFrames = 5, dim = ZipVoiceStandin.FeatDim;
        var text = Fill(frames * dim, i => 0.001f * i);
        var prompt = new float[promptFrames * dim];
        float[] Run(long seed) => sampler.Sample(text, frames, prompt, promptFrames, new SamplerOptions(6, 1f, 0.5f, seed));
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void Noise_is_standard_normal()
    {
        var samples = new float[200_000];
        new GaussianNoise(5).Fill(samples);
        var mean = samples.Average();
        var variance = samples.Select(s => (s - mean) * (s - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }

    [Fact]
    public void Euler_update_is_x_plus_v_dt_for_every_length()
    {
        for (var n = 0; n < 40; n++)
        {
            var x = Fill(n, i => i);
            var v = Fill(n, i => 2 * i + 1);
            FlowMatchingSampler.EulerUpdate(x, v, 0.25f);
            for (var i = 0; i < n; i++) Assert.Equal(i + (2 * i + 1) * 0.25f, x[i]);
        }
    }

    private static float[] Fill(int n, Func<int, float> f)
    {
        var a = new float[n];
        for (var i = 0; i < n; i++) a[i] = f(i);
        return a;
    }
}
