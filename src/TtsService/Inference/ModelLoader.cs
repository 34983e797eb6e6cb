using System.Diagnostics;
using TtsService.Configuration;
using TtsService.Inference.Kokoro;
using TtsService.Speech;
using TtsService.Voices;

namespace TtsService.Inference;

/// <summary>
/// The start-up step that loads every backend's models (<see cref="ISpeechBackend.LoadAsync"/>, side by side), not
/// the first request and not a constructor. It runs in the host's start, once the server listens (<see cref="StartedAsync"/>), so
/// <c>/ready</c> answers <c>loading</c> meanwhile; a backend that fails stays unavailable (503) and the host keeps
/// running. With <c>warmup</c> on, each ready backend then speaks one short sentence, so ONNX Runtime's first-call
/// set-up is not paid by the first user. Not registered while the build generates the OpenAPI document.
/// </summary>
public sealed class ModelLoader(BackendManager backends, TtsSettings settings, IServiceProvider services, ILogger<ModelLoader> logger)
    : IHostedLifecycleService
{
    private const string WarmupText = "Warming up.";

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// After every hosted service's StartAsync, the web server's included (WebApplication starts it last), so the
    /// server answers <c>/health</c> and <c>/ready</c> while this runs; the host's start still waits for it.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(backends.Backends.Select(async backend =>
        {
            var before = Stopwatch.GetTimestamp();
            await backend.LoadAsync(cancellationToken);
            logger.LogInformation("Backend {Backend} {State} after {Seconds:0.00} s", backend.Name,
                backend.Status.State.ToString().ToLowerInvariant(), Stopwatch.GetElapsedTime(before).TotalSeconds);
        }));
        var statuses = backends.Statuses;
        logger.LogInformation("Backends loaded in {Seconds:0.00} s: {Backends}", Stopwatch.GetElapsedTime(started).TotalSeconds,
            string.Join(", ", statuses.Select(s => $"{s.Name}={s.State}")));
        if (settings.Warmup) await WarmUpAsync(statuses, cancellationToken);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WarmUpAsync(IReadOnlyList<BackendStatus> statuses, CancellationToken cancellationToken)
    {
        foreach (var status in statuses.Where(s => s.State == BackendState.Ready))
        {
            if (WarmupRequest(status.Name) is not { } request)
            {
                logger.LogInformation("Warm-up skipped for {Backend}: it needs a registered voice", status.Name);
                continue;
            }
            var before = Stopwatch.GetTimestamp();
            try
            {
                await foreach (var _ in backends.Speak(request, cancellationToken).Audio.WithCancellation(cancellationToken)) { }
                logger.LogInformation("Warmed up {Backend} in {Seconds:0.00} s", status.Name, Stopwatch.GetElapsedTime(before).TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed warm-up is worth a warning, not a stopped host: the same request from a user would get a clear error.
                logger.LogWarning(e, "Warm-up of {Backend} failed", status.Name);
            }
        }
    }

    /// <summary>One short sentence in a voice the backend has: Kokoro's first voice, ZipVoice's first registered voice.</summary>
    private SpeechRequest? WarmupRequest(string backend)
    {
        var voice = backend switch
        {
            ModelCatalog.Kokoro => backends.Get<KokoroBackend>().Voices.Names.FirstOrDefault(),
            ModelCatalog.ZipVoice => services.GetService<VoicePromptStore>()?.List().FirstOrDefault()?.Name,
            _ => null,
        };
        var model = backend == ModelCatalog.ZipVoice ? settings.ZipvoiceModel : backend;
        return voice is null ? null : new SpeechRequest { Model = model, Input = WarmupText, Voice = voice, Stream = false };
    }
}
