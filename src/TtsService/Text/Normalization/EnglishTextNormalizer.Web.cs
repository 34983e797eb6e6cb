using System.Text;
using System.Text.RegularExpressions;
using static TtsService.Text.Normalization.NumberWords;

namespace TtsService.Text.Normalization;

/// <summary>Emails, URLs and phone numbers.</summary>
public sealed partial class EnglishTextNormalizer
{
    // Top-level domains trusted without "http://" or "www." in front; kept short so that file
    // names ("setup.py") and typos ("end.It") stay text. Lower case only, for the same reason.
    private static readonly HashSet<string> BareDomainTlds = new(StringComparer.Ordinal)
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "us", "ca",
        "de", "fr", "eu", "au", "jp", "cn", "ru", "nl", "es", "it", "br", "mx", "ch", "se", "no",
        "dev", "app", "ai", "tv", "me",
    };

    private const string DomainLabel = @"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})";

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])(?<user>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@(?<domain>(?:" + DomainLabel + @"\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex EmailPattern();

    private static string Email(Match m, string input) =>
        SpeakToken(m.Groups["user"].Value) + " at " + SpeakToken(m.Groups["domain"].Value);

    [GeneratedRegex(@"(?<![A-Za-z0-9@./:-])(?:(?<scheme>(?i:https?|ftp))://)?(?<www>(?i:www)\.)?(?<host>(?:" + DomainLabel + @"\.)+(?<tld>[A-Za-z]{2,24})|(?i:localhost)|[0-9]{1,3}(?:\.[0-9]{1,3}){3})(?<port>:[0-9]{1,5})?(?![A-Za-z0-9-])(?<path>[/?#][^\s]*)?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex UrlPattern();

    private static string? Url(Match m, string input)
    {
        var host = m.Groups["host"].Value;
        var explicitUrl = m.Groups["scheme"].Success || m.Groups["www"].Success;
        var isIp = char.IsAsciiDigit(host[0]) && !m.Groups["tld"].Success;
        if (!explicitUrl && !isIp)
        {
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !m.Groups["port"].Success) return null;
            if (m.Groups["tld"].Success && !BareDomainTlds.Contains(m.Groups["tld"].Value)) return null;
        }

        // Sentence punctuation after a URL is not part of it: "see example.com/docs." keeps its period.
        var path = m.Groups["path"].Value;
        var trailing = path.Length - path.AsSpan().TrimEnd(".,;:!?)]}'\"’”").Length;
        var tail = path[(path.Length - trailing)..];
        path = path[..(path.Length - trailing)];

        var sb = new StringBuilder();
        if (m.Groups["www"].Success) sb.Append("w w w dot ");
        sb.Append(isIp ? string.Join(" dot ", host.Split('.').Select(part => Integer(part))) : SpeakToken(host));
        if (m.Groups["port"].Success) sb.Append(" colon ").Append(Digits(m.Groups["port"].Value));
        if (path.Length > 1 || (path.Length == 1 && path[0] != '/')) sb.Append(' ').Append(SpeakToken(path));
        return sb.Append(tail).ToString();
    }

    /// <summary>Spells out the punctuation of an address: "a.b-c/d?x=1" → "a dot b dash c slash d question mark x equals one".</summary>
    private static string SpeakToken(string token)
    {
        var words = new List<string>();
        var i = 0;
        while (i < token.Length)
        {
            var c = token[i];
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < token.Length && char.IsAsciiDigit(token[i])) i++;
                var run = token.AsSpan(start, i - start);
                // Short numbers read as numbers ("page 12"), long ones digit by digit (ids).
                words.Add(run.Length <= 4 ? Integer(run) : Digits(run));
                continue;
            }
            if (char.IsLetter(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                var start = i;
                while (i < token.Length && !char.IsAsciiDigit(token[i]) && (char.IsLetter(token[i]) || char.IsSurrogate(token[i])
                       || char.GetUnicodeCategory(token[i]) is System.Globalization.UnicodeCategory.NonSpacingMark)) i++;
                words.Add(token[start..i]);
                continue;
            }
            var spoken = c switch
            {
                '.' => "dot", '-' => "dash", '_' => "underscore", '/' => "slash", '+' => "plus", '?' => "question mark",
                '=' => "equals", '&' => "and", '%' => "percent", ':' => "colon", '#' => "hash", '~' => "tilde", '@' => "at",
                _ => null,
            };
            if (spoken is not null) words.Add(spoken);
            i++;
        }
        return string.Join(' ', words);
    }

    // North American numbers: "(555) 123-4567", "555-123-4567", "+1 555.123.4567", "1-800-555-0199".
    [GeneratedRegex(@"(?<![0-9A-Za-z+])(?:(?<cc>\+?1)[\s.-]?)?(?:\((?<area>[0-9]{3})\)\s?|(?<area>[0-9]{3})[\s.-])(?<pre>[0-9]{3})[\s.-](?<line>[0-9]{4})(?![0-9A-Za-z])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex NanpPhonePattern();

    private static string NanpPhone(Match m, string input)
    {
        var parts = new List<string>();
        if (m.Groups["cc"].Success) parts.Add((m.Groups["cc"].Value.StartsWith('+') ? "plus " : "") + "one");
        var area = m.Groups["area"].Value;
        parts.Add(area.EndsWith("00", StringComparison.Ordinal) ? Integer(area) : Digits(area)); // "eight hundred"
        parts.Add(Digits(m.Groups["pre"].Value));
        parts.Add(Digits(m.Groups["line"].Value));
        return string.Join(", ", parts);
    }

    // Anything else with a leading '+' and at least two separated digit groups: "+44 20 7946 0958".
    [GeneratedRegex(@"(?<![0-9A-Za-z+])\+(?<cc>[0-9]{1,3})(?<rest>(?:[ .-]\(?[0-9]{1,5}\)?){2,5})(?![0-9A-Za-z])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex InternationalPhonePattern();

    private static string? InternationalPhone(Match m, string input)
    {
        var groups = m.Groups["rest"].Value.Split([' ', '.', '-'], StringSplitOptions.RemoveEmptyEntries);
        if (m.Groups["cc"].Length + groups.Sum(g => g.Count(char.IsAsciiDigit)) < 8) return null;
        return "plus " + Digits(m.Groups["cc"].Value) + ", " + string.Join(", ", groups.Select(g => Digits(g)));
    }
}
