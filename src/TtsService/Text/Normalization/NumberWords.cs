using System.Text;

namespace TtsService.Text.Normalization;

/// <summary>English number words (American style: no "and" inside numbers, hyphens from 21 to 99).</summary>
public static class NumberWords
{
    private static readonly string[] Ones =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    private static readonly string[] Scales = ["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"];

    /// <summary>Longest digit string read as one number; longer ones are read digit by digit.</summary>
    public const int MaxCardinalDigits = 18;

    public static string Cardinal(long value)
    {
        if (value < 0) return "minus " + Cardinal(value == long.MinValue ? long.MaxValue : -value);
        if (value < 20) return Ones[value];
        var sb = new StringBuilder();
        var groups = new List<int>();
        for (var v = value; v > 0; v /= 1000) groups.Add((int)(v % 1000));
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            if (groups[i] == 0) continue;
            if (sb.Length > 0) sb.Append(' ');
            AppendBelowThousand(sb, groups[i]);
            if (i > 0) sb.Append(' ').Append(Scales[i]);
        }
        return sb.ToString();
    }

    private static void AppendBelowThousand(StringBuilder sb, int n)
    {
        if (n >= 100)
        {
            sb.Append(Ones[n / 100]).Append(" hundred");
            n %= 100;
            if (n == 0) return;
            sb.Append(' ');
        }
        if (n < 20) { sb.Append(Ones[n]); return; }
        sb.Append(Tens[n / 10]);
        if (n % 10 != 0) sb.Append('-').Append(Ones[n % 10]);
    }

    /// <summary>"first", "twenty-second", "one hundredth".</summary>
    public static string Ordinal(long value) => ToOrdinal(Cardinal(value));

    /// <summary>Turns the last word of a cardinal into its ordinal ("twenty-one" → "twenty-first").</summary>
    public static string ToOrdinal(string cardinal)
    {
        var cut = Math.Max(cardinal.LastIndexOf(' '), cardinal.LastIndexOf('-')) + 1;
        var head = cardinal[..cut];
        var last = cardinal[cut..];
        var ordinal = last switch
        {
            "one" => "first",
            "two" => "second",
            "three" => "third",
            "five" => "fifth",
            "eight" => "eighth",
            "nine" => "ninth",
            "twelve" => "twelfth",
            _ when last.EndsWith('y') => last[..^1] + "ieth",
            _ => last + "th",
        };
        return head + ordinal;
    }

    /// <summary>Plural of a number word ("nineties", "sixes", "hundreds").</summary>
    public static string Plural(string words)
    {
        if (words.EndsWith('y')) return words[..^1] + "ies";
        if (words.EndsWith('x')) return words + "es";
        return words + "s";
    }

    /// <summary>A year as people say it: 1999 "nineteen ninety-nine", 1905 "nineteen oh five", 2005 "two thousand five", 2025 "twenty twenty-five".</summary>
    public static string Year(int year)
    {
        if (year is < 1000 or > 9999) return Cardinal(year);
        int high = year / 100, low = year % 100;
        if (low == 0) return year % 1000 == 0 ? Cardinal(year) : Cardinal(high) + " hundred";
        if (year % 1000 < 10) return Cardinal(year); // 2005, 1009: "two thousand five"
        if (low < 10) return Cardinal(high) + " oh " + Ones[low];
        return Cardinal(high) + " " + Cardinal(low);
    }

    /// <summary>Each digit as a word: "007" → "zero zero seven". Non-digits are skipped.</summary>
    public static string Digits(ReadOnlySpan<char> digits)
    {
        var sb = new StringBuilder(digits.Length * 5);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9') continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Ones[c - '0']);
        }
        return sb.ToString();
    }

    /// <summary>
    /// An unsigned integer written with or without thousands commas. Numbers with a leading zero or
    /// more than <see cref="MaxCardinalDigits"/> digits are read digit by digit, as people read codes.
    /// </summary>
    public static string Integer(ReadOnlySpan<char> text)
    {
        Span<char> buffer = stackalloc char[Math.Min(text.Length, 64)];
        var length = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') continue;
            if (length == buffer.Length) return Digits(text);
            buffer[length++] = c;
        }
        var digits = buffer[..length];
        if (length == 0) return "";
        if (length > MaxCardinalDigits || (length > 1 && digits[0] == '0')) return Digits(digits);
        return Cardinal(long.Parse(digits, provider: System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>"3.14" → "three point one four"; the integer part may carry commas; ".5" → "point five".</summary>
    public static string Decimal(ReadOnlySpan<char> integerPart, ReadOnlySpan<char> fractionDigits)
    {
        var head = integerPart.IsEmpty ? "point " : Integer(integerPart) + " point ";
        return head + Digits(fractionDigits);
    }

    /// <summary>Integer or decimal from text such as "1,234.5"; a leading '-' or '−' reads as "minus".</summary>
    public static string Number(ReadOnlySpan<char> text)
    {
        var negative = !text.IsEmpty && text[0] is '-' or '−';
        if (negative) text = text[1..];
        var dot = text.IndexOf('.');
        var words = dot < 0 ? Integer(text) : Decimal(text[..dot], text[(dot + 1)..]);
        return negative ? "minus " + words : words;
    }
}
