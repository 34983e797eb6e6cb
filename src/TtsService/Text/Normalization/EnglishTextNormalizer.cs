using System.Text;
using System.Text.RegularExpressions;

namespace TtsService.Text.Normalization;

/// <summary>
/// English text to words espeak-ng can say: numbers, money, dates, times, units, abbreviations,
/// URLs, emails, phone numbers, symbols and Roman numerals. A fixed sequence of passes, each one
/// source-generated regex with a timeout; a pass that times out leaves its input unchanged, so the
/// worst case is text read less nicely, never an exception. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Patterns use [0-9], not \d, so digits of other scripts are left alone, and text whose letters
/// are mostly not Latin is returned unchanged (the normalizer is English-only).
/// </remarks>
public sealed partial class EnglishTextNormalizer : ITextNormalizer
{
    /// <summary>Per match attempt; the patterns are linear, so this only guards against surprises.</summary>
    private const int TimeoutMs = 1000;

    public string Normalize(string text, NormalizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(text) || !options.Normalize || !LooksLatin(text)) return text;

        var t = text;
        // Passes never add digits, so text without any skips every numeric pass (most prose).
        var hasDigits = text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
        // Order matters: whole tokens (emails, URLs, phones, dates, times, money) go before the
        // passes that would read their pieces as plain numbers and symbols.
        if (options.EmailNormalization && text.Contains('@')) t = Apply(t, EmailPattern(), Email);
        if (options.UrlNormalization && text.Contains('.')) t = Apply(t, UrlPattern(), Url);
        if (options.PhoneNormalization && hasDigits)
        {
            t = Apply(t, NanpPhonePattern(), NanpPhone);
            t = Apply(t, InternationalPhonePattern(), InternationalPhone);
        }
        t = Apply(t, AbbreviationPattern(), Abbreviation);
        if (hasDigits)
        {
            t = Apply(t, IsoDatePattern(), IsoDate);
            t = Apply(t, NumericDatePattern(), NumericDate);
            t = Apply(t, RangePattern(), Range);
            t = Apply(t, ClockTimePattern(), ClockTime);
            t = Apply(t, HourAmPmPattern(), HourAmPm);
            t = Apply(t, MoneyPattern(), Money);
            t = Apply(t, MoneySuffixPattern(), MoneySuffix);
            if (options.UnitNormalization) t = Apply(t, UnitPattern(), Unit);
            t = Apply(t, DecadePattern(), Decade);
            t = Apply(t, MonthDayPattern(), MonthDay);
            t = Apply(t, DayMonthPattern(), DayMonth);
            t = Apply(t, OrdinalPattern(), OrdinalNumber);
        }
        t = Apply(t, FractionPattern(), Fraction); // also "½", which is not an ASCII digit
        if (hasDigits) t = Apply(t, TimesPattern(), Times);
        t = Apply(t, RomanPattern(), Roman);
        if (options.OptionalPluralizationNormalization) t = Apply(t, OptionalPluralPattern(), static (_, _) => "s", separate: false);
        t = Apply(t, SymbolPattern(), Symbol);
        if (hasDigits) t = Apply(t, NumberPattern(), PlainNumber);
        t = Apply(t, ExtraSpacesPattern(), static (_, _) => " ", separate: false);
        return t;
    }

    /// <summary>Rewrites one match; null keeps the matched text as it was.</summary>
    private delegate string? Rewriter(Match match, string input);

    /// <summary>
    /// Replaces every match, adding a space where a replacement would otherwise run into a
    /// neighbouring letter or digit ("5km" → "five km", "MP3" → "MP three").
    /// </summary>
    private static string Apply(string input, Regex regex, Rewriter rewrite, bool separate = true)
    {
        try
        {
            var match = regex.Match(input);
            if (!match.Success) return input;
            var sb = new StringBuilder(input.Length + 64);
            var copied = 0;
            for (; match.Success; match = match.NextMatch())
            {
                var replacement = rewrite(match, input);
                if (replacement is null) continue;
                sb.Append(input, copied, match.Index - copied);
                var end = match.Index + match.Length;
                if (separate && replacement.Length > 0)
                {
                    if (sb.Length > 0 && char.IsLetterOrDigit(sb[^1]) && char.IsLetterOrDigit(replacement[0])) sb.Append(' ');
                    sb.Append(replacement);
                    if (end < input.Length && char.IsLetterOrDigit(input[end]) && char.IsLetterOrDigit(replacement[^1])) sb.Append(' ');
                }
                else
                {
                    sb.Append(replacement);
                }
                copied = end;
            }
            sb.Append(input, copied, input.Length - copied);
            return sb.ToString();
        }
        catch (RegexMatchTimeoutException)
        {
            return input; // this pass gives up; the others still run
        }
    }

    /// <summary>False when most letters are from non-Latin scripts: such text is not ours to rewrite.</summary>
    private static bool LooksLatin(string text)
    {
        int letters = 0, latin = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c)) continue;
            letters++;
            if (c < '\u0250' || c is >= '\u1E00' and <= '\u1EFF') latin++;
        }
        return letters == 0 || latin * 2 >= letters;
    }

    private static bool IsSentenceEndAfter(string input, int end)
    {
        if (end >= input.Length) return true;
        if (!char.IsWhiteSpace(input[end])) return false;
        var i = end;
        while (i < input.Length && char.IsWhiteSpace(input[i])) i++;
        return i == input.Length || input[end] == '\n' || char.IsUpper(input[i]);
    }

    /// <summary>The word right before <paramref name="index"/> (skipping spaces), and whether it starts a sentence.</summary>
    private static (string Word, bool SentenceInitial) PreviousWord(string input, int index)
    {
        var i = index;
        while (i > 0 && input[i - 1] == ' ') i--;
        var end = i;
        while (i > 0 && (char.IsLetterOrDigit(input[i - 1]) || input[i - 1] is '\'' or '’')) i--;
        var word = input[i..end];
        var j = i;
        while (j > 0 && char.IsWhiteSpace(input[j - 1])) j--;
        var initial = j == 0 || input[j - 1] is '.' or '!' or '?' or '\n' or '"' or '“';
        return (word, initial);
    }

    private static int ParseSmall(string digits) => digits.Length is > 0 and <= 9 ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"(?<=\S) {2,}|(?<=\S)\t+", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex ExtraSpacesPattern();
}
