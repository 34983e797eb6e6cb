using System.Globalization;
using System.Text.RegularExpressions;

namespace TtsService.Text;

/// <summary>
/// Explicit pauses written in the input: <c>[pause:0.5s]</c>, <c>[pause:750ms]</c> or <c>[pause:2]</c>
/// (seconds). Each becomes that much silence; a single pause is capped at <see cref="MaxSeconds"/>.
/// Anything else in square brackets is left as text.
/// </summary>
public static partial class PauseMarkup
{
    public const double MaxSeconds = 10;

    /// <summary>The text split around pause markers, in order; a part is either text or a pause.</summary>
    public static IEnumerable<(string Text, double PauseSeconds)> Split(string text)
    {
        var at = 0;
        foreach (Match m in Marker().Matches(text))
        {
            if (m.Index > at) yield return (text[at..m.Index], 0);
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            var seconds = m.Groups["unit"].Value.Equals("ms", StringComparison.OrdinalIgnoreCase) ? value / 1000 : value;
            yield return ("", Math.Min(seconds, MaxSeconds));
            at = m.Index + m.Length;
        }
        if (at < text.Length) yield return (text[at..], 0);
    }

    [GeneratedRegex(@"\[\s*pause\s*:\s*(?<value>[0-9]{1,5}(?:\.[0-9]{1,3})?)\s*(?<unit>ms|s)?\s*\]", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Marker();
}
