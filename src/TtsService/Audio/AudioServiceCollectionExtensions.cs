namespace TtsService.Audio;

public static class AudioServiceCollectionExtensions
{
    /// <summary>The encoders for every response format and the decoder for uploaded prompts.</summary>
    public static IServiceCollection AddAudioCodecs(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AudioEncoderFactory(sp.GetRequiredService<Configuration.TtsSettings>().FfmpegPath));
        services.AddSingleton<PromptAudioDecoder>();
        return services;
    }
}
