using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace TtsService.Configuration;

public static class SettingsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TtsSettings"/> once from the final configuration (snake_case keys, .env included),
    /// validates it when the host starts, and derives the host's own timeouts from it.
    /// </summary>
    public static IServiceCollection AddTtsSettings(this IServiceCollection services)
    {
        services.AddOptions<TtsSettings>()
            .Configure<IConfiguration>((settings, configuration) => TtsSettings.Bind(configuration, settings))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TtsSettings>, TtsSettingsValidator>();
        // Most services take the settings object itself: the options value is built (and validated) once.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TtsSettings>>().Value);

        // Whole-request timeout and a graceful stop: SIGTERM stops accepting, in-flight requests get time to finish.
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<TtsSettings>>((o, s) =>
            o.DefaultPolicy = new() { Timeout = TimeSpan.FromSeconds(s.Value.RequestTimeoutSeconds) });
        // The host reads its options while it is built, before HasValidSettings: from the one bound settings object.
        // Invalid settings throw here; the host is built anyway with its default timeout, and the start stops at
        // HasValidSettings, which reports the same (cached) failures one line per setting.
        services.AddOptions<HostOptions>().Configure<IOptions<TtsSettings>>((o, settings) =>
        {
            try { o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, settings.Value.ShutdownTimeoutSeconds)); }
            catch (OptionsValidationException) { /* reported by HasValidSettings */ }
        });
        return services;
    }
}
