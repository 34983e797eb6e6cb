using System.Diagnostics;
using TtsService.Configuration;
using TtsService.Inference.Kokoro;
using TtsService.Speech;
using TtsService.Voices;

namespace TtsService.Inference;

/// <summary>
/// Loads every backend's models when the host starts, not on the first request; a backend that fails stays
/// unavailable (503) and the host keeps running. With <c>warmup</c> on, each ready backend then speaks one
/// short sentence, so ONNX Runtime's first-call set-up is not paid by the first user.
/// </summary>
public sealed class ModelLoader(BackendManager backends, TtsSettings settings, IServiceProvider services, ILogger<ModelLoader> logger) : IHostedService
{
    private const string WarmupText = "Warming up.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var statuses = backends.Statuses; // constructs the backends, which load their files
        logger.LogInformation("Backends loaded in {Seconds:0.0} s: {Backends}", Stopwatch.GetElapsedTime(started).TotalSeconds,
            string.Join(", ", statuses.Select(s => $"{s.Name}={s.State}")));
        if (!settings.Warmup) return;
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
