namespace TtsService.Text;

/// <summary>
/// Leaves text as written; espeak-ng then reads digits and common symbols itself. Used until
/// (and wherever) a language has no normalizer of its own.
/// </summary>
public sealed class UnchangedTextNormalizer : ITextNormalizer
{
    public string Normalize(string text, NormalizationOptions options) => text;
}
