using TtsService.Configuration;

namespace TtsService.Voices;

public static class VoicesServiceCollectionExtensions
{
    /// <summary>The ZipVoice prompt store, its cache, the URL downloader and the prompt resolver.</summary>
    public static IServiceCollection AddVoicePrompts(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PromptCache(sp.GetRequiredService<TtsSettings>().ZipvoicePromptCacheMb * 1024 * 1024));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<TtsSettings>();
            var root = settings.ResolvePath(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, settings.ZipvoiceCacheDir);
            return new VoicePromptStore(root, sp.GetRequiredService<PromptCache>(), sp.GetRequiredService<ILogger<VoicePromptStore>>(),
                sp.GetService<IVoiceCommitObserver>());
        });
        services.AddSingleton<PromptAudio>();
        services.AddSingleton<PromptDownloader>();
        services.AddSingleton<IVoicePromptResolver, VoicePromptResolver>();
        // The build's OpenAPI document generation starts the host too: it must not create the store's folder.
        if (!BuildTime.IsGeneratingDocument) services.AddHostedService<VoiceStoreOpener>();
        return services;
    }

    /// <summary>Opens the voice store when the host starts: opening removes what an interrupted write left behind.</summary>
    private sealed class VoiceStoreOpener(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<VoicePromptStore>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
