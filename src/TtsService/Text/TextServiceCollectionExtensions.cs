using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Text.Phonemes;

namespace TtsService.Text;

public static class TextServiceCollectionExtensions
{
    /// <summary>Text front end: normalizer → sentence chunker → espeak-ng phonemes (in-process) → misaki symbols.</summary>
    public static IServiceCollection AddTextFrontEnd(this IServiceCollection services)
    {
        services.AddSingleton<ITextNormalizer, EnglishTextNormalizer>();
        services.AddSingleton<ITextChunker, SentenceChunker>();
        services.AddSingleton<IPhonemizer, EspeakPhonemizer>();
        services.AddSingleton<MisakiLexicon>();
        return services;
    }
}
