using System.Text.RegularExpressions;
using static TtsService.Text.Normalization.NumberWords;

namespace TtsService.Text.Normalization;

/// <summary>Numbers, money, dates, times, units and fractions.</summary>
public sealed partial class EnglishTextNormalizer
{
    private static readonly string[] MonthNames =
    [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ];

    // ---- Plain numbers --------------------------------------------------------------------

    // A sign only counts as "minus" at the start of a token (not in "COVID-19"); "1.2.3" keeps all its parts.
    private const string IntegerBody = @"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+";

    [GeneratedRegex(@"(?<sign>(?<![^\s(\[{""'“‘/=<>~])[-−])?(?:(?<int>" + IntegerBody + @")(?<frac>(?:\.[0-9]+)+)?|(?<![0-9A-Za-z])(?<frac>(?:\.[0-9]+)+))(?<pct>\s?%)?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex NumberPattern();

    private static string PlainNumber(Match m, string input)
    {
        var sign = m.Groups["sign"].Success ? "minus " : "";
        var integer = m.Groups["int"].Value;
        var fraction = m.Groups["frac"].Value;
        var percent = m.Groups["pct"].Success ? " percent" : "";
        string words;
        if (fraction.Length > 0)
        {
            var parts = fraction.Split('.', StringSplitOptions.RemoveEmptyEntries);
            words = (integer.Length > 0 ? Integer(integer) + " " : "") + string.Join(" ", parts.Select(p => "point " + Digits(p)));
        }
        else if (integer == "911" && sign.Length == 0 && percent.Length == 0)
        {
            words = Digits(integer); // the emergency number is never "nine hundred eleven"
        }
        else if (sign.Length == 0 && percent.Length == 0 && integer.Length == 4 && ParseSmall(integer) is >= 1000 and <= 2099)
        {
            // A bare four-digit number in this range is nearly always a year in running text;
            // counts that large are usually written with a comma ("1,500 people").
            words = Year(ParseSmall(integer));
        }
        else
        {
            words = Integer(integer);
        }
        return sign + words + percent;
    }

    // ---- Money ----------------------------------------------------------------------------

    private const string Multiplier = @"(?:\s(?<mult>(?i:hundred|thousand|million|billion|trillion))\b|(?<abbr>k|K|m|M|mn|bn|b|B|tn)(?![A-Za-z0-9]))";

    [GeneratedRegex(@"(?<sign>(?<![^\s(\[{""'“‘])[-−])?(?<cur>[$£€¥])\s?(?<int>" + IntegerBody + @")(?:\.(?<frac>[0-9]+))?" + Multiplier + "?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex MoneyPattern();

    // "5€", "20 £", "50¢": the symbol after the amount.
    [GeneratedRegex(@"(?<sign>(?<![^\s(\[{""'“‘])[-−])?(?<![0-9.,])(?<int>" + IntegerBody + @")(?:\.(?<frac>[0-9]+))?\s?(?<cur>[$£€¥¢])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex MoneySuffixPattern();

    private static string? Money(Match m, string input) => SpeakMoney(m);
    private static string? MoneySuffix(Match m, string input) => SpeakMoney(m);

    private static string? SpeakMoney(Match m)
    {
        var (major, majors, minor, minors) = m.Groups["cur"].Value switch
        {
            "$" => ("dollar", "dollars", "cent", "cents"),
            "£" => ("pound", "pounds", "penny", "pence"),
            "€" => ("euro", "euros", "cent", "cents"),
            "¥" => ("yen", "yen", null, null),
            "¢" => ("cent", "cents", null, null),
            _ => (null, null, null, null),
        };
        if (major is null) return null;
        var sign = m.Groups["sign"].Success ? "minus " : "";
        var integer = m.Groups["int"].Value;
        var fraction = m.Groups["frac"].Value;
        var multiplier = m.Groups["mult"].Success ? m.Groups["mult"].Value.ToLowerInvariant()
            : m.Groups["abbr"].Value switch
            {
                "k" or "K" => "thousand",
                "m" or "M" or "mn" => "million",
                "b" or "B" or "bn" => "billion",
                "tn" => "trillion",
                _ => "",
            };

        if (multiplier.Length > 0)
            return sign + Number(fraction.Length > 0 ? integer + "." + fraction : integer) + " " + multiplier + " " + majors;

        var cents = fraction.TrimEnd('0').Length == 0 ? 0 : fraction.Length <= 2 && minor is not null ? ParseSmall(fraction.PadRight(2, '0')) : -1;
        if (cents < 0) return sign + Decimal(integer, fraction) + " " + majors; // "$1.234", "¥1.5"
        var whole = Integer(integer);
        var wholePart = whole + " " + (integer == "1" ? major : majors);
        if (cents == 0) return sign + wholePart;
        var centPart = Cardinal(cents) + " " + (cents == 1 ? minor : minors);
        return sign + (whole == "zero" ? centPart : wholePart + " and " + centPart);
    }

    // ---- Units (only with unit_normalization) ----------------------------------------------

    private static readonly Dictionary<string, (string One, string Many)> Units = new(StringComparer.Ordinal)
    {
        ["km/h"] = ("kilometer per hour", "kilometers per hour"), ["kph"] = ("kilometer per hour", "kilometers per hour"),
        ["m/s"] = ("meter per second", "meters per second"), ["mph"] = ("mile per hour", "miles per hour"),
        ["km²"] = ("square kilometer", "square kilometers"), ["m²"] = ("square meter", "square meters"),
        ["cm²"] = ("square centimeter", "square centimeters"), ["m³"] = ("cubic meter", "cubic meters"),
        ["km"] = ("kilometer", "kilometers"), ["cm"] = ("centimeter", "centimeters"), ["mm"] = ("millimeter", "millimeters"),
        ["µm"] = ("micrometer", "micrometers"), ["nm"] = ("nanometer", "nanometers"), ["m"] = ("meter", "meters"),
        ["mi"] = ("mile", "miles"), ["ft"] = ("foot", "feet"), ["yd"] = ("yard", "yards"),
        ["kg"] = ("kilogram", "kilograms"), ["mg"] = ("milligram", "milligrams"), ["g"] = ("gram", "grams"),
        ["lbs"] = ("pound", "pounds"), ["lb"] = ("pound", "pounds"), ["oz"] = ("ounce", "ounces"),
        ["ms"] = ("millisecond", "milliseconds"), ["sec"] = ("second", "seconds"), ["min"] = ("minute", "minutes"),
        ["hrs"] = ("hour", "hours"), ["hr"] = ("hour", "hours"), ["h"] = ("hour", "hours"),
        ["ml"] = ("milliliter", "milliliters"), ["mL"] = ("milliliter", "milliliters"), ["cl"] = ("centiliter", "centiliters"),
        ["L"] = ("liter", "liters"), ["gal"] = ("gallon", "gallons"),
        ["°C"] = ("degree Celsius", "degrees Celsius"), ["°F"] = ("degree Fahrenheit", "degrees Fahrenheit"), ["°"] = ("degree", "degrees"),
        ["kHz"] = ("kilohertz", "kilohertz"), ["MHz"] = ("megahertz", "megahertz"), ["GHz"] = ("gigahertz", "gigahertz"), ["Hz"] = ("hertz", "hertz"),
        ["kWh"] = ("kilowatt hour", "kilowatt hours"), ["kW"] = ("kilowatt", "kilowatts"), ["MW"] = ("megawatt", "megawatts"),
        ["GW"] = ("gigawatt", "gigawatts"), ["W"] = ("watt", "watts"), ["kV"] = ("kilovolt", "kilovolts"), ["mV"] = ("millivolt", "millivolts"),
        ["V"] = ("volt", "volts"), ["mAh"] = ("milliamp hour", "milliamp hours"), ["mA"] = ("milliamp", "milliamps"),
        ["Kbps"] = ("kilobit per second", "kilobits per second"), ["kbps"] = ("kilobit per second", "kilobits per second"),
        ["Mbps"] = ("megabit per second", "megabits per second"), ["Gbps"] = ("gigabit per second", "gigabits per second"),
        ["KB"] = ("kilobyte", "kilobytes"), ["kB"] = ("kilobyte", "kilobytes"), ["MB"] = ("megabyte", "megabytes"),
        ["GB"] = ("gigabyte", "gigabytes"), ["TB"] = ("terabyte", "terabytes"), ["PB"] = ("petabyte", "petabytes"),
        ["Kb"] = ("kilobit", "kilobits"), ["kb"] = ("kilobit", "kilobits"), ["Mb"] = ("megabit", "megabits"),
        ["Gb"] = ("gigabit", "gigabits"), ["Tb"] = ("terabit", "terabits"),
        ["px"] = ("pixel", "pixels"), ["dB"] = ("decibel", "decibels"),
    };

    // Case-sensitive so "MB" (bytes) and "Mb" (bits) differ. Left out on purpose: "in", "s", "t",
    // "A", "C", "F", "K", "B": each is too often an ordinary word or letter after a number.
    // Longer units come first where a shorter one would also match ("km/h" before "km").
    [GeneratedRegex(@"(?<![0-9A-Za-z.,])(?<num>[-−]?(?:" + IntegerBody + @")(?:\.[0-9]+)?)\s?(?<unit>km/h|m/s|kph|mph|km²|m²|cm²|m³|km|cm|mm|µm|nm|mi|ft|yd|kg|mg|lbs|lb|oz|ms|sec|min|hrs|hr|ml|mL|cl|gal|°C|°F|°|kHz|MHz|GHz|Hz|kWh|kW|MW|GW|kV|mV|mAh|mA|Kbps|kbps|Mbps|Gbps|KB|kB|MB|GB|TB|PB|Kb|kb|Mb|Gb|Tb|px|dB|m|g|h|L|W|V)(?![A-Za-z0-9²³])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex UnitPattern();

    private static string? Unit(Match m, string input)
    {
        if (!Units.TryGetValue(m.Groups["unit"].Value, out var unit)) return null;
        var number = m.Groups["num"].Value;
        var one = number.TrimStart('-', '−') == "1";
        return Number(number) + " " + (one ? unit.One : unit.Many);
    }

    // ---- Ranges, multiplication, percent-free decimals ------------------------------------

    // "10-20" → "10 to 20", "9am-5pm" → "9am to 5pm" (dates and phone numbers were read before
    // this pass). Not inside identifiers such as "CVE-2024-1234" or "1-2-3".
    [GeneratedRegex(@"(?<![A-Za-z][-–][0-9]*|[0-9][-–][0-9]*)(?<=[0-9]|[0-9]\s?[AaPp]\.?[Mm]\.?)[-–](?=\s?[0-9]+(?![-–]?[0-9]))", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex RangePattern();

    private static string? Range(Match m, string input)
    {
        var before = input.AsSpan(0, m.Index);
        var left = before[(before.LastIndexOfAnyExceptInRange('0', '9') + 1)..];
        var after = input.AsSpan(m.Index + m.Length).TrimStart(' ');
        var rightLength = after.IndexOfAnyExceptInRange('0', '9');
        var right = rightLength < 0 ? after : after[..rightLength];
        return left.SequenceEqual(right) ? null : "to"; // "50-50" is "fifty-fifty"
    }

    // "1920x1080" → "by", "2 x 3" and "3x faster" → "times".
    [GeneratedRegex(@"(?<=[0-9])(?:(?<by>[x×])(?=[0-9])|\s[x×]\s(?=[0-9])|x(?![A-Za-z0-9]))", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex TimesPattern();

    private static string Times(Match m, string input) => m.Groups["by"].Success ? "by" : "times";

    // ---- Ordinals, decades, fractions -----------------------------------------------------

    [GeneratedRegex(@"(?<![0-9A-Za-z.,])(?<n>" + IntegerBody + @")(?<suf>st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex OrdinalPattern();

    private static string OrdinalNumber(Match m, string input) => ToOrdinal(Integer(m.Groups["n"].Value));

    // "the 90s", "’80s", "1990s", "the 1800s".
    [GeneratedRegex(@"(?<![0-9A-Za-z.,])['’]?(?<y>[1-9]0|1[0-9]{2}0|20[0-9]0)['’]?s(?![A-Za-z0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex DecadePattern();

    private static string Decade(Match m, string input)
    {
        var y = ParseSmall(m.Groups["y"].Value);
        return Plural(y < 100 ? Cardinal(y) : Year(y));
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z.,/])(?:(?<whole>[0-9]{1,3})\s)?(?<a>[0-9]{1,3})/(?<b>[0-9]{1,3})(?![0-9/]|\.[0-9])|(?<![0-9.,])(?:(?<whole>[0-9]{1,3})\s?)?(?<vulgar>[½¼¾⅓⅔⅛⅜⅝⅞])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex FractionPattern();

    private static readonly HashSet<string> DatePrepositions = new(StringComparer.OrdinalIgnoreCase)
    {
        "on", "by", "until", "till", "from", "since", "before", "after",
    };

    private static string? Fraction(Match m, string input)
    {
        int a, b;
        if (m.Groups["vulgar"].Success)
        {
            (a, b) = m.Groups["vulgar"].Value switch
            {
                "½" => (1, 2), "¼" => (1, 4), "¾" => (3, 4), "⅓" => (1, 3), "⅔" => (2, 3),
                "⅛" => (1, 8), "⅜" => (3, 8), "⅝" => (5, 8), _ => (7, 8),
            };
        }
        else
        {
            a = ParseSmall(m.Groups["a"].Value);
            b = ParseSmall(m.Groups["b"].Value);
        }
        var whole = m.Groups["whole"].Success ? Integer(m.Groups["whole"].Value) : null;
        var end = m.Index + m.Length;
        var followedByOf = end + 3 <= input.Length && string.CompareOrdinal(input, end, " of", 0, 3) == 0;

        // "by 6/15", "on 3/4": a date without its year.
        var (previous, _) = PreviousWord(input, m.Index);
        if (whole is null && !m.Groups["vulgar"].Success && DatePrepositions.Contains(previous) && a is >= 1 and <= 12 && b is >= 1 and <= 31)
            return MonthNames[a - 1] + " " + Ordinal(b);

        string words;
        if (a == 24 && b == 7 && whole is null) return "twenty-four seven";
        if (a == b && a == 50 && whole is null) return "fifty-fifty";
        if (b == 0) return null;
        // Cooking and measuring denominators read as fractions; "8/10" is "eight out of ten".
        if (a < b && (followedByOf || whole is not null || m.Groups["vulgar"].Success || b is 2 or 3 or 4 or 8 or 16 or 32 or 64))
        {
            var denominator = b switch { 2 => "half", 4 => "quarter", _ => Ordinal(b) };
            words = Cardinal(a) + " " + (a == 1 ? denominator : b == 2 ? "halves" : denominator + "s");
        }
        else if (a <= b)
        {
            words = Cardinal(a) + " out of " + Cardinal(b);
        }
        else
        {
            words = Cardinal(a) + " over " + Cardinal(b);
        }
        return whole is null ? words : whole + " and " + words;
    }

    // ---- Dates ----------------------------------------------------------------------------

    private static string SpokenDate(int month, int day, string year)
    {
        var y = year.Length == 4 ? Year(ParseSmall(year))
            : year[0] == '0' ? "oh " + Digits(year.AsSpan(1)) : Cardinal(ParseSmall(year));
        return MonthNames[month - 1] + " " + Ordinal(day) + ", " + y;
    }

    // "2025-03-04", optionally followed by "T14:05" (read as "... at 14:05").
    [GeneratedRegex(@"(?<![0-9A-Za-z/.,-])(?<y>[0-9]{4})-(?<m>[0-9]{2})-(?<d>[0-9]{2})(?:(?<t>T)(?=[0-9]{2}:[0-9]{2})|(?![0-9A-Za-z]|-[0-9]))",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex IsoDatePattern();

    private static string? IsoDate(Match m, string input)
    {
        int month = ParseSmall(m.Groups["m"].Value), day = ParseSmall(m.Groups["d"].Value);
        if (month is < 1 or > 12 || day is < 1 or > 31) return null;
        return SpokenDate(month, day, m.Groups["y"].Value) + (m.Groups["t"].Success ? " at" : "");
    }

    // "3/4/2025" and "03-04-25": US order (month first) unless the first number cannot be a month.
    [GeneratedRegex(@"(?<![0-9A-Za-z/.,-])(?<a>[0-9]{1,2})(?<sep>[/-])(?<b>[0-9]{1,2})\k<sep>(?<y>[0-9]{4}|[0-9]{2})(?![0-9A-Za-z]|[/-][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex NumericDatePattern();

    private static string? NumericDate(Match m, string input)
    {
        int month = ParseSmall(m.Groups["a"].Value), day = ParseSmall(m.Groups["b"].Value);
        if (month > 12 && day <= 12) (month, day) = (day, month);
        if (month is < 1 or > 12 || day is < 1 or > 31) return null;
        return SpokenDate(month, day, m.Groups["y"].Value);
    }

    // "March 4th", "Mar. 4", "Sept 30": day as an ordinal after a month name.
    [GeneratedRegex(@"\b(?<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s(?<d>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9A-Za-z:]|[.,][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex MonthDayPattern();

    private static string? MonthDay(Match m, string input)
    {
        var day = ParseSmall(m.Groups["d"].Value);
        if (day is < 1 or > 31) return null;
        var month = Array.FindIndex(MonthNames, n => n.StartsWith(m.Groups["mon"].Value[..3], StringComparison.Ordinal));
        return MonthNames[month] + " " + Ordinal(day);
    }

    // "4 March", "1 Jan. 2024", "4th of July" → "the fourth of July".
    [GeneratedRegex(@"(?<![0-9A-Za-z.,])(?<d>[0-9]{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex DayMonthPattern();

    private static string? DayMonth(Match m, string input)
    {
        var day = ParseSmall(m.Groups["d"].Value);
        if (day is < 1 or > 31) return null;
        var (previous, _) = PreviousWord(input, m.Index);
        var article = previous.Equals("the", StringComparison.OrdinalIgnoreCase) ? "" : "the ";
        var month = Array.FindIndex(MonthNames, n => n.StartsWith(m.Groups["mon"].Value[..3], StringComparison.Ordinal));
        var period = m.Value.EndsWith('.') && IsSentenceEndAfter(input, m.Index + m.Length) ? "." : "";
        return article + Ordinal(day) + " of " + MonthNames[month] + period;
    }

    // ---- Times ----------------------------------------------------------------------------

    private const string AmPm = @"(?:\s?(?<ap>[AaPp])(?<dots>\.)?[Mm](?(dots)\.|\b))";

    [GeneratedRegex(@"(?<![0-9:.,])(?<h>[0-9]{1,2}):(?<m>[0-5][0-9])(?::(?<s>[0-5][0-9]))?(?![0-9]|:[0-9])" + AmPm + "?",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex ClockTimePattern();

    [GeneratedRegex(@"(?<![0-9A-Za-z.,:])(?<h>[0-9]{1,2})" + AmPm,
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex HourAmPmPattern();

    private static string? ClockTime(Match m, string input)
    {
        int hour = ParseSmall(m.Groups["h"].Value), minute = ParseSmall(m.Groups["m"].Value);
        var second = m.Groups["s"].Success ? ParseSmall(m.Groups["s"].Value) : 0;
        if (hour > 24) return null;
        var ampm = AmPmWords(m, input);
        string words;
        if (minute == 0)
            words = ampm.Length > 0 ? Cardinal(hour) : hour is >= 1 and <= 12 ? Cardinal(hour) + " o'clock" : Cardinal(hour) + " hundred";
        else
            words = Cardinal(hour) + " " + (minute < 10 ? "oh " + Cardinal(minute) : Cardinal(minute));
        if (second > 0) words += " and " + Cardinal(second) + (second == 1 ? " second" : " seconds");
        return words + ampm;
    }

    private static string? HourAmPm(Match m, string input)
    {
        var hour = ParseSmall(m.Groups["h"].Value);
        if (hour is < 1 or > 12) return null;
        return Cardinal(hour) + AmPmWords(m, input);
    }

    /// <summary>" AM" or " PM" (espeak says these as letters), keeping a period that also ends the sentence.</summary>
    private static string AmPmWords(Match m, string input)
    {
        if (!m.Groups["ap"].Success) return "";
        var words = char.ToUpperInvariant(m.Groups["ap"].Value[0]) == 'A' ? " AM" : " PM";
        // "p.m." swallows the period; put it back when it was also the sentence's full stop.
        if (!m.Groups["dots"].Success) return words;
        return IsSentenceEndAfter(input, m.Index + m.Length) ? words + "." : words;
    }
}
