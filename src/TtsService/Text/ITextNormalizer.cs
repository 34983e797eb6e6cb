namespace TtsService.Text;

/// <summary>Options as Kokoro-FastAPI's <c>normalization_options</c> has them.</summary>
public sealed record NormalizationOptions
{
    public bool Normalize { get; init; } = true;
    public bool UnitNormalization { get; init; }
    public bool UrlNormalization { get; init; } = true;
    public bool EmailNormalization { get; init; } = true;
    public bool OptionalPluralizationNormalization { get; init; } = true;
    public bool PhoneNormalization { get; init; } = true;
    public static NormalizationOptions Default { get; } = new();
}

/// <summary>Turns written text into speakable words ("$5" → "five dollars").</summary>
public interface ITextNormalizer
{
    string Normalize(string text, NormalizationOptions options);
}
