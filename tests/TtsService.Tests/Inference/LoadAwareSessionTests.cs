using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.Inference;

/// <summary>
/// onnx_threads_by_load (issue 23, item 4): a model call picks its session from the limiter's live state, the
/// shared-pool one alone and the 1-thread one while another call runs beside it or waits. The state is set up by
/// gated calls; nothing is timed.
/// </summary>
public sealed class LoadAwareSessionTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("tts-load-aware").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_models, true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_call_alone_takes_the_shared_pool_and_a_call_beside_or_before_others_the_one_thread_session()
    {
        var path = Path.Combine(KokoroStandin.Write(_models), "kokoro-v1.0.onnx");
        using var main = new InferenceSession(path);
        using var underLoad = new InferenceSession(path);
        var limiter = new InferenceLimiter(new TtsSettings { MaxConcurrentInferences = 2, OnnxIntraOpThreads = 1 });
        using var sessions = new LoadAwareSession(main, underLoad, () => OnnxSessions.IsCrowded(limiter));
        Assert.True(sessions.HasUnderLoadSession);
        InferenceSession Pick() => limiter.RunAsync(() => sessions.ForCall, CancellationToken.None).Result;

        // Alone: the only call running.
        Assert.Same(main, await Task.Run(Pick));

        // Beside another call (two slots, both taken).
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        while (limiter.Running != 1) await Task.Delay(5);
        Assert.Same(underLoad, await Task.Run(Pick));

        // Both slots busy and a call waiting: the one that runs next sees the queue.
        var gate2 = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = limiter.RunAsync(() => gate2.Task.Result, CancellationToken.None);
        while (limiter.Running != 2) await Task.Delay(5);
        var waiting = Task.Run(Pick);
        while (limiter.Waiting != 1) await Task.Delay(5);
        var late = Task.Run(Pick);
        while (limiter.Waiting != 2) await Task.Delay(5);
        gate.SetResult(0);
        await other;
        Assert.Same(underLoad, await waiting); // the second slot is still busy, and `late` waits
        gate2.SetResult(0);
        await second;
        await late;

        // Alone again once the others are done.
        Assert.Same(main, await Task.Run(Pick));
    }

    [Fact]
    public void Without_the_setting_or_with_one_thread_there_is_one_session()
    {
        Assert.False(new TtsSettings { OnnxThreadsByLoad = false, OnnxIntraOpThreads = 2 }.EffectiveThreadsByLoad);
        Assert.False(new TtsSettings { OnnxThreadsByLoad = true, OnnxIntraOpThreads = 1 }.EffectiveThreadsByLoad);
        Assert.False(new TtsSettings { OnnxThreadsByLoad = true, OnnxIntraOpThreads = 2, OnnxThreadPool = "per_session" }.EffectiveThreadsByLoad);
        Assert.False(new TtsSettings { OnnxThreadsByLoad = true, OnnxIntraOpThreads = 2, UseGpu = true }.EffectiveThreadsByLoad);
        Assert.True(new TtsSettings { OnnxThreadsByLoad = true, OnnxIntraOpThreads = 2 }.EffectiveThreadsByLoad);
        // Calls that overlap keep to a core each, so a request may run two side by side (the early ZipVoice call).
        var limiter = new InferenceLimiter(new TtsSettings { OnnxThreadsByLoad = true, OnnxIntraOpThreads = 2, MaxConcurrentInferences = 2 });
        Assert.Equal(2, limiter.CallsInFlightPerRequest);
    }

    [Fact]
    public async Task The_ZipVoice_decoder_gets_a_one_thread_twin_that_samples_the_same_features()
    {
        ZipVoiceStandin.Write(_models, "zipvoice", ZipVoiceLayout.ZipVoiceExport, ZipVoiceVelocity.Affine);
        var files = ZipVoiceVariant.Locate(_models, "zipvoice");
        var settings = new TtsSettings { MaxConcurrentInferences = 2, OnnxThreadsByLoad = true, OnnxIntraOpThreads = 2 };
        var limiter = new InferenceLimiter(settings);
        var sessions = new OnnxSessions(settings, NullLogger<OnnxSessions>.Instance, limiter, threadsByLoad: true);
        Assert.True(sessions.ThreadsByLoad);
        using var model = new ZipVoiceModel(files.TextEncoder, files.Decoder, sessions);
        using var sampler = new FlowMatchingSampler(model);
        const int frames = 30, promptFrames = 10, dim = ZipVoiceStandin.FeatDim;
        var text = Enumerable.Range(0, frames * dim).Select(i => 0.01f * (i % 7) - 0.02f).ToArray();
        var prompt = Enumerable.Range(0, promptFrames * dim).Select(i => 0.05f * MathF.Sin(i)).ToArray();
        (InferenceSession Session, float[] Features) Call() =>
            (model.DecoderForStep, sampler.Sample(text, frames, prompt, promptFrames, new SamplerOptions(6, 1.5f, 0.5f, 42)));

        // Alone: the decoder opened for the shared pool.
        var alone = await limiter.RunAsync(Call, CancellationToken.None);
        Assert.Same(model.Decoder, alone.Session);

        // Beside another call: its 1-thread twin, a separate session of the same file, and the same features.
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = limiter.RunAsync(() => gate.Task.Result, CancellationToken.None);
        while (limiter.Running != 1) await Task.Delay(5);
        var crowded = await limiter.RunAsync(Call, CancellationToken.None);
        gate.SetResult(0);
        await other;
        Assert.NotSame(model.Decoder, crowded.Session);
        Assert.Equal(model.Decoder.InputNames, crowded.Session.InputNames);
        Assert.Equal(alone.Features.Length, crowded.Features.Length);
        Assert.True(alone.Features.Zip(crowded.Features, (a, b) => MathF.Abs(a - b)).Max() < 1e-5f);
        Assert.Contains(alone.Features, f => MathF.Abs(f) > 0.01f);
    }
}
