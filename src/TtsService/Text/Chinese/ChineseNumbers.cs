using System.Text;
using System.Text.RegularExpressions;

namespace TtsService.Text.Chinese;

/// <summary>
/// Arabic numbers in Chinese text to Chinese numerals, as <c>cn2an.transform(text, "an2cn")</c> does
/// (Ailln/cn2an <c>cn2an/transform.py</c> and <c>an2cn.py</c>, MIT), which both misaki's <c>ZHG2P</c> and
/// ZipVoice's <c>ChineseTextNormalizer</c> run first. The passes and their order are cn2an's: ranges before
/// a measure word ("1-2个" → 一到二个), dates (years digit by digit: 2024年 → 二零二四年), fractions
/// (3/4 → 四分之三), percentages, °C, then every other number ("low" numerals: 105 → 一百零五,
/// 3.14 → 三点一四, -5 → 负五). A number cn2an refuses (more than 16 integer digits) is left as written.
/// </summary>
public static partial class ChineseNumbers
{
    private const string Digits = "零一二三四五六七八九";
    private static readonly string[] Units = ["", "十", "百", "千", "万", "十", "百", "千", "亿", "十", "百", "千", "万", "十", "百", "千"];

    public static string Transform(string text)
    {
        // cn2an's preprocess turns full-width digits into ASCII before converting; doing it up front lets
        // the patterns below stay ASCII (Python's \d would match them too).
        text = HalfWidthDigits(text);
        text = Range().Replace(text, m =>
        {
            var dash = m.Value.IndexOf('-');
            return Safe(m.Value, () => Low(m.Value[..dash]) + "到" + Low(m.Value[(dash + 1)..]));
        });
        text = Date().Replace(text, m => m.Length == 0 ? "" : Safe(m.Value, () =>
        {
            var years = YearDigits().Replace(m.Value, y => Direct(y.Value));
            return Number().Replace(years, n => Low(n.Value));
        }));
        text = Fraction().Replace(text, m =>
        {
            var slash = m.Value.IndexOf('/');
            return Safe(m.Value, () => Low(m.Value[(slash + 1)..]) + "分之" + Low(m.Value[..slash]));
        });
        text = Percent().Replace(text, m => Safe(m.Value, () => "百分之" + Low(m.Value[..^1])));
        text = Celsius().Replace(text, m => Safe(m.Value, () => Low(m.Value[..^1]) + "摄氏度"));
        return SignedNumber().Replace(text, m => Safe(m.Value, () => Low(m.Value)));
    }

    /// <summary>cn2an's <c>__sub_util</c> catches any error and keeps the text as written.</summary>
    private static string Safe(string original, Func<string> convert)
    {
        try { return convert(); }
        catch (FormatException) { return original; }
    }

    /// <summary><c>An2Cn.an2cn(x, "low")</c>: sign, integer part with units, digits after the point.</summary>
    public static string Low(string number)
    {
        var sign = "";
        if (number.StartsWith('-')) { sign = "负"; number = number[1..]; }
        var parts = number.Split('.');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
            throw new FormatException($"not a number: {number}");
        var result = Integer(parts[0]);
        if (parts.Length == 2)
        {
            // Past 16 decimals cn2an keeps the first 16 (with a warning).
            var decimals = parts[1].Length > 16 ? parts[1][..16] : parts[1];
            var sb = new StringBuilder("点");
            foreach (var d in decimals) sb.Append(Digits[d - '0']);
            result += sb.ToString();
        }
        return sign + result;
    }

    /// <summary><c>An2Cn.__direct_convert</c>: digit by digit (years).</summary>
    public static string Direct(string digits)
    {
        var sb = new StringBuilder(digits.Length);
        foreach (var d in digits) sb.Append(d == '.' ? '点' : Digits[d - '0']);
        return sb.ToString();
    }

    /// <summary><c>An2Cn.__integer_convert</c> in "low" mode.</summary>
    private static string Integer(string digits)
    {
        digits = digits.TrimStart('0');
        if (digits.Length == 0) digits = "0";
        if (digits.Length > Units.Length) throw new FormatException("more than 16 digits");
        var sb = new StringBuilder();
        var n = digits.Length;
        for (var i = 0; i < n; i++)
        {
            var d = digits[i] - '0';
            var place = n - i - 1;
            if (d != 0)
            {
                sb.Append(Digits[d]).Append(Units[place]);
            }
            else
            {
                // A zero at a 万/亿 boundary still writes that unit; other zeros write one 零.
                if (place % 4 == 0) sb.Append('零').Append(Units[place]);
                if (i > 0 && sb[^1] != '零') sb.Append('零');
            }
        }
        var s = sb.ToString().Replace("零零", "零").Replace("零万", "万").Replace("零亿", "亿").Replace("亿万", "亿").Trim('零');
        s = ZeroBeforeThousands().Replace(s, "$1$2");
        if (s.StartsWith("一十", StringComparison.Ordinal)) s = s[1..]; // 10-19 are 十…, not 一十…
        return s.Length == 0 ? "零" : s;
    }

    private static string HalfWidthDigits(string text)
    {
        if (!text.Any(c => c is >= '０' and <= '９')) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is >= '０' and <= '９') chars[i] = (char)('0' + (chars[i] - '０'));
        return new string(chars);
    }

    private const string MeasureWords = "斤|克|千克|公斤|吨|米|厘米|毫米|公里|升|毫升|元|角|分|个|只|条|张|块|瓶|杯|份|本|辆|台|匹|头|位|亩|小时|分钟|秒|天|半";

    [GeneratedRegex(@"[0-9]+(\.[0-9]+)?-[0-9]+(\.[0-9]+)?(?=(" + MeasureWords + "))")]
    private static partial Regex Range();

    [GeneratedRegex("([0-9]{2,4}年)?([0-9]{1,2}月)?([0-9]{1,2}日)?")]
    private static partial Regex Date();

    [GeneratedRegex("[0-9]+(?=年)")]
    private static partial Regex YearDigits();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();

    [GeneratedRegex("[0-9]+/[0-9]+")]
    private static partial Regex Fraction();

    [GeneratedRegex(@"-?([0-9]+\.)?[0-9]+%")]
    private static partial Regex Percent();

    [GeneratedRegex("[0-9]+℃")]
    private static partial Regex Celsius();

    [GeneratedRegex(@"-?([0-9]+\.)?[0-9]+")]
    private static partial Regex SignedNumber();

    [GeneratedRegex("([万亿])零([一二三四五六七八九壹贰叁肆伍陆柒捌玖][千仟])")]
    private static partial Regex ZeroBeforeThousands();
}
