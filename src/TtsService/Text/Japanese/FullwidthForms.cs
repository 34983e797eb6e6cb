using System.Text;

namespace TtsService.Text.Japanese;

/// <summary>
/// The part of NFKC that Japanese text needs, without ICU: the Halfwidth and Fullwidth Forms block and the
/// ideographic space folded to their compatibility equivalents (？ → ?, ！ → !, Ａ → A, ｶﾞ → ガ), the half-width
/// voiced marks composed with the kana before them as NFC does. The service runs with invariant globalization,
/// where <see cref="string.Normalize(NormalizationForm)"/> leaves non-ASCII text as it is, so misaki's NFKC step
/// (which keeps ? and !, and Kokoro needs them for the intonation) would otherwise drop them as unknown symbols.
/// The tables are Unicode's own mappings (UnicodeData 14, printed by Python's unicodedata); U+FFE3 (NFKC: a space and
/// a combining macron) is left as it is.
/// </summary>
internal static class FullwidthForms
{
    /// <summary>NFKC of U+FF61..U+FFEE, one character each (half-width kana and Hangul, the full-width signs).</summary>
    private const string Tail = "\u3002\u300C\u300D\u3001\u30FB\u30F2\u30A1\u30A3\u30A5\u30A7\u30A9\u30E3\u30E5\u30E7\u30C3\u30FC\u30A2\u30A4\u30A6\u30A8\u30AA\u30AB\u30AD\u30AF\u30B1\u30B3\u30B5\u30B7\u30B9\u30BB\u30BD\u30BF\u30C1\u30C4\u30C6\u30C8\u30CA\u30CB\u30CC\u30CD\u30CE\u30CF\u30D2\u30D5\u30D8\u30DB\u30DE\u30DF\u30E0\u30E1\u30E2\u30E4\u30E6\u30E8\u30E9\u30EA\u30EB\u30EC\u30ED\u30EF\u30F3\u3099\u309A\u1160\u1100\u1101\u11AA\u1102\u11AC\u11AD\u1103\u1104\u1105\u11B0\u11B1\u11B2\u11B3\u11B4\u11B5\u111A\u1106\u1107\u1108\u1121\u1109\u110A\u110B\u110C\u110D\u110E\u110F\u1110\u1111\u1112\uFFBF\uFFC0\uFFC1\u1161\u1162\u1163\u1164\u1165\u1166\uFFC8\uFFC9\u1167\u1168\u1169\u116A\u116B\u116C\uFFD0\uFFD1\u116D\u116E\u116F\u1170\u1171\u1172\uFFD8\uFFD9\u1173\u1174\u1175\uFFDD\uFFDE\uFFDF\u00A2\u00A3\u00AC\uFFE3\u00A6\u00A5\u20A9\uFFE7\u2502\u2190\u2191\u2192\u2193\u25A0\u25CB";

    /// <summary>Kana + combining voiced or semi-voiced mark, and the precomposed kana NFC makes of them: three characters each.</summary>
    private const string Voiced = "\u3046\u3099\u3094\u304B\u3099\u304C\u304D\u3099\u304E\u304F\u3099\u3050\u3051\u3099\u3052\u3053\u3099\u3054\u3055\u3099\u3056\u3057\u3099\u3058\u3059\u3099\u305A\u305B\u3099\u305C\u305D\u3099\u305E\u305F\u3099\u3060\u3061\u3099\u3062\u3064\u3099\u3065\u3066\u3099\u3067\u3068\u3099\u3069\u306F\u3099\u3070\u306F\u309A\u3071\u3072\u3099\u3073\u3072\u309A\u3074\u3075\u3099\u3076\u3075\u309A\u3077\u3078\u3099\u3079\u3078\u309A\u307A\u307B\u3099\u307C\u307B\u309A\u307D\u309D\u3099\u309E\u30A6\u3099\u30F4\u30AB\u3099\u30AC\u30AD\u3099\u30AE\u30AF\u3099\u30B0\u30B1\u3099\u30B2\u30B3\u3099\u30B4\u30B5\u3099\u30B6\u30B7\u3099\u30B8\u30B9\u3099\u30BA\u30BB\u3099\u30BC\u30BD\u3099\u30BE\u30BF\u3099\u30C0\u30C1\u3099\u30C2\u30C4\u3099\u30C5\u30C6\u3099\u30C7\u30C8\u3099\u30C9\u30CF\u3099\u30D0\u30CF\u309A\u30D1\u30D2\u3099\u30D3\u30D2\u309A\u30D4\u30D5\u3099\u30D6\u30D5\u309A\u30D7\u30D8\u3099\u30D9\u30D8\u309A\u30DA\u30DB\u3099\u30DC\u30DB\u309A\u30DD\u30EF\u3099\u30F7\u30F0\u3099\u30F8\u30F1\u3099\u30F9\u30F2\u3099\u30FA\u30FD\u3099\u30FE";

    private static readonly Dictionary<(char, char), char> Compositions = Enumerable.Range(0, Voiced.Length / 3)
        .ToDictionary(i => (Voiced[3 * i], Voiced[3 * i + 1]), i => Voiced[3 * i + 2]);

    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var folded = c switch
            {
                '\u3000' => ' ',
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\uFF5F' => '\u2985',
                '\uFF60' => '\u2986',
                >= '\uFF61' and <= '\uFFEE' => Tail[c - 0xFF61],
                _ => c,
            };
            if (folded is '\u3099' or '\u309A' && sb.Length > 0 && Compositions.TryGetValue((sb[^1], folded), out var composed))
                sb[^1] = composed;
            else
                sb.Append(folded);
        }
        return sb.ToString();
    }
}
