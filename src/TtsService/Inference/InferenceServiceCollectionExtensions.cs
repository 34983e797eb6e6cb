using TtsService.Inference.Kokoro;
using TtsService.Inference.ZipVoice;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Phonemes;

namespace TtsService.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// The ONNX sessions and the inference limiter, the Kokoro and ZipVoice backends, the <see cref="BackendManager"/>
    /// that routes to them, and the <see cref="ModelLoader"/> that loads them at start-up (not while the build generates the OpenAPI document).
    /// </summary>
    public static IServiceCollection AddSpeechBackends(this IServiceCollection services)
    {
        services.AddSingleton<OnnxSessions>();
        services.AddSingleton<InferenceLimiter>();
        services.AddSingleton<QueueWaitEstimator>();
        services.AddSingleton<IKokoroG2P>(sp => new KokoroG2P(sp.GetRequiredService<IPhonemizer>(), sp.GetRequiredService<MisakiLexicon>()));
        // Each backend reads its files in LoadAsync, called by the ModelLoader at start-up; one that cannot reports
        // Unavailable (503) instead of failing the host.
        services.AddSingleton<KokoroBackend>();
        services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<KokoroBackend>());
        services.AddSingleton<ZipVoiceBackend>();
        services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<ZipVoiceBackend>());
        services.AddSingleton<BackendManager>();
        if (!Configuration.BuildTime.IsGeneratingDocument) services.AddHostedService<ModelLoader>();
        return services;
    }
}
