namespace TtsService.Text.Japanese;

/// <summary>
/// A run of digits → its reading in hiragana, as misaki's <c>num2kana.Convert(n)</c> (hexgrad/misaki
/// <c>misaki/num2kana.py</c>, after Greatdane/Convert-Numbers-to-Japanese) gives it to cutlet: groups of
/// 万 and 億 up to nine digits, with its sound changes (300 さんびゃく, 600 ろっぴゃく, 800 はっぴゃく,
/// 3000 さんぜん, 8000 はっせん, 1000 alone せん, inside a larger number いっせん) and zero as ゼロ.
/// Differences: past nine digits num2kana returns an English error sentence, which cutlet would then
/// read out; here such a number is read digit by digit.
/// </summary>
public static class JapaneseNumbers
{
    private static readonly string[] Digit = ["ゼロ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう"];
    private const string Ten = "じゅう", Hundred = "ひゃく", Thousand = "せん", TenThousand = "まん", HundredMillion = "おく";

    public static string Convert(string digits)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw new ArgumentException("digits only", nameof(digits));
        if (digits.Length > 9) return string.Concat(digits.Select(d => Digit[d - '0']));
        var trimmed = digits.TrimStart('0');
        if (trimmed.Length == 0) trimmed = "0";
        return trimmed.Length switch
        {
            1 => One(trimmed),
            2 => Two(trimmed),
            3 => Three(trimmed),
            4 => Four(trimmed, standalone: true),
            _ => Large(trimmed),
        };
    }

    private static string One(string n) => Digit[n[0] - '0'];

    private static string Two(string n)
    {
        if (n[0] == '0') return One(n[1..]);
        if (n == "10") return Ten;
        if (n[0] == '1') return Ten + One(n[1..]);
        if (n[1] == '0') return One(n[..1]) + Ten;
        return One(n[..1]) + Ten + One(n[1..]);
    }

    private static string Three(string n)
    {
        var head = n[0] switch
        {
            '1' => Hundred,
            '3' => "さんびゃく",
            '6' => "ろっぴゃく",
            '8' => "はっぴゃく",
            _ => One(n[..1]) + Hundred,
        };
        if (n[1..] == "00") return head;
        return head + (n[1] == '0' ? One(n[2..]) : Two(n[1..]));
    }

    private static string Four(string n, bool standalone)
    {
        if (n == "0000") return "";
        n = n.TrimStart('0');
        switch (n.Length)
        {
            case 1: return One(n);
            case 2: return Two(n);
            case 3: return Three(n);
        }
        var head = n[0] switch
        {
            '1' => standalone ? Thousand : "いっせん",
            '3' => "さんぜん",
            '8' => "はっせん",
            _ => One(n[..1]) + Thousand,
        };
        if (n[1..] == "000") return head;
        return head + (n[1] == '0' ? Two(n[2..]) : Three(n[1..]));
    }

    /// <summary>num2kana <c>len_x</c>: five to nine digits.</summary>
    private static string Large(string n)
    {
        var high = n[..^4];
        var result = high.Length switch
        {
            1 => One(high) + TenThousand,
            2 => Two(high) + TenThousand,
            3 => Three(high) + TenThousand,
            4 => Four(high, standalone: false) + TenThousand,
            _ => One(high[..1]) + HundredMillion + Four(high[1..], standalone: false) + (high[1..] == "0000" ? "" : TenThousand),
        };
        return result + Four(n[^4..], standalone: false);
    }
}
