namespace TtsService.Speech;

/// <summary>
/// A list of voices in the one <c>voice</c> string a request carries. Plain names join with <c>+</c>, the mix
/// syntax they already have (<c>["a", "b"]</c> is <c>"a+b"</c>). An inline prompt holds <c>+</c> itself
/// (<c>url+…</c>, base64 data), so a list with one joins with <see cref="Separator"/> instead, a character no name,
/// URL or base64 text contains.
/// </summary>
public static class VoiceList
{
    public const char Separator = '\u001F';

    /// <summary>The prefixes of a prompt given in the request itself rather than by a registered name.</summary>
    public static readonly string[] InlinePrefixes = ["url+", "base64+", "data:", "file+"];

    public static bool IsInline(string voice) =>
        InlinePrefixes.Any(p => voice.TrimStart().StartsWith(p, StringComparison.OrdinalIgnoreCase));

    public static string Join(IReadOnlyList<string> voices) =>
        voices.Any(IsInline) ? string.Join(Separator, voices) : string.Join('+', voices);

    /// <summary>
    /// The voices of a list (two or more), or null when <paramref name="voice"/> is one voice: a name, a single
    /// inline prompt, or (for Kokoro) a weighted mix, which the Kokoro backend reads itself.
    /// </summary>
    public static IReadOnlyList<string>? Split(string? voice)
    {
        var value = voice?.Trim() ?? "";
        if (value.Contains(Separator)) return value.Split(Separator, StringSplitOptions.TrimEntries);
        if (IsInline(value)) return null;
        var parts = value.Split('+', StringSplitOptions.TrimEntries);
        return parts.Length >= 2 ? parts : null;
    }
}
