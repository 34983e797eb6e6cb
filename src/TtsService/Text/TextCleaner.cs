using System.Text;

namespace TtsService.Text;

/// <summary>Input hygiene shared by every backend.</summary>
public static class TextCleaner
{
    /// <summary>Removes control characters (keeping line breaks and tabs as spaces) and unpaired surrogates.</summary>
    public static string StripControlCharacters(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is '\n' or '\r' or '\t') { sb.Append(rune.Value == '\t' ? ' ' : '\n'); continue; }
            if (Rune.IsControl(rune) || rune == Rune.ReplacementChar) continue;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
