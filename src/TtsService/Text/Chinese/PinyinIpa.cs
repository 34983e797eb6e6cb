namespace TtsService.Text.Chinese;

/// <summary>
/// One tone-3 pinyin syllable → the phonemes Kokoro v1.0 was trained on: misaki's <c>ZHG2P.py2ipa</c>
/// (hexgrad/misaki <c>misaki/zh.py</c>), which takes the first transcription of <c>pinyin_to_ipa</c>
/// (<c>misaki/transcription.py</c>, after stefantaubert/pinyin-to-ipa) and rewrites its tone letters as
/// arrows: tone 1 ˥ → "→", 2 ˧˥ → "↗", 3 ˧˩˧ → "↓", 4 ˥˩ → "↘", neutral → nothing; the syllabic ɻ̩ and ɹ̩
/// of zhi/chi/shi/ri and zi/ci/si → "ɨ"; and <c>legacy_call</c> drops the non-syllabic mark U+032F.
/// Initials and finals are split as pypinyin's strict <c>to_initials</c>/<c>to_finals</c> do
/// (<c>pypinyin/standard.py</c>: yu → ü, ju → jü, gui → guei, niu → niou, lun → luen).
/// </summary>
public static class PinyinIpa
{
    // transcription.py INITIAL_MAPPING, first variant of each.
    private static readonly Dictionary<string, string> InitialIpa = new(StringComparer.Ordinal)
    {
        ["b"] = "p", ["c"] = "ʦʰ", ["ch"] = "ꭧʰ", ["d"] = "t", ["f"] = "f", ["g"] = "k", ["h"] = "x", ["j"] = "ʨ",
        ["k"] = "kʰ", ["l"] = "l", ["m"] = "m", ["n"] = "n", ["p"] = "pʰ", ["q"] = "ʨʰ", ["r"] = "ɻ", ["s"] = "s",
        ["sh"] = "ʂ", ["t"] = "tʰ", ["x"] = "ɕ", ["z"] = "ʦ", ["zh"] = "ꭧ",
    };

    // transcription.py FINAL_MAPPING (first variants), with the tone slot written as "0"; U+032F already dropped.
    private static readonly Dictionary<string, string> FinalIpa = new(StringComparer.Ordinal)
    {
        ["a"] = "a0", ["ai"] = "ai0", ["an"] = "a0n", ["ang"] = "a0ŋ", ["ao"] = "au0", ["e"] = "ɤ0", ["ei"] = "ei0",
        ["en"] = "ə0n", ["eng"] = "ə0ŋ", ["i"] = "i0", ["ia"] = "ja0", ["ian"] = "jɛ0n", ["iang"] = "ja0ŋ",
        ["iao"] = "jau0", ["ie"] = "je0", ["in"] = "i0n", ["iou"] = "jou0", ["ing"] = "i0ŋ", ["iong"] = "jʊ0ŋ",
        ["ong"] = "ʊ0ŋ", ["ou"] = "ou0", ["u"] = "u0", ["uei"] = "wei0", ["ua"] = "wa0", ["uai"] = "wai0",
        ["uan"] = "wa0n", ["uen"] = "wə0n", ["uang"] = "wa0ŋ", ["ueng"] = "wə0ŋ", ["uo"] = "wo0", ["o"] = "wo0",
        ["ü"] = "y0", ["üe"] = "ɥe0", ["üan"] = "ɥɛ0n", ["ün"] = "y0n",
    };

    // transcription.py INTERJECTION_MAPPINGS and SYLLABIC_CONSONANT_MAPPINGS (whole syllables).
    private static readonly Dictionary<string, string> WholeSyllables = new(StringComparer.Ordinal)
    {
        ["io"] = "jɔ0", ["ê"] = "ɛ0", ["er"] = "ɚ0", ["o"] = "ɔ0",
        ["hm"] = "hm0", ["hng"] = "hŋ0", ["m"] = "m0", ["n"] = "n0", ["ng"] = "ŋ0",
    };

    private static readonly string[] ToneArrows = ["", "→", "↗", "↓", "↘", ""];

    // pypinyin style/_constants.py _INITIALS (strict: no y, w), in its order.
    private static readonly string[] StrictInitials =
        ["b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r", "z", "c", "s"];

    // pypinyin _FINALS.
    private static readonly HashSet<string> Finals = new(StringComparer.Ordinal)
    {
        "i", "u", "ü", "a", "ia", "ua", "o", "uo", "e", "ie", "üe", "ai", "uai", "ei", "uei", "ao", "iao", "ou", "iou",
        "an", "ian", "uan", "üan", "en", "in", "uen", "ün", "ang", "iang", "uang", "eng", "ing", "ueng", "ong", "iong", "er", "ê",
    };

    /// <summary>Kokoro phonemes of a tone-3 syllable ("zhong1" → "ꭧʊ→ŋ"); null when it is not pinyin misaki can transcribe.</summary>
    public static string? ToKokoro(string syllable)
    {
        if (syllable.Length < 2 || syllable[^1] is < '1' or > '5') return null;
        var tone = syllable[^1] - '0';
        var normal = syllable[..^1];
        string? ipa;
        if (WholeSyllables.TryGetValue(normal, out var whole)) ipa = whole;
        else
        {
            var plain = normal.Replace('v', 'ü');
            var initial = StrictInitials.FirstOrDefault(i => plain.StartsWith(i, StringComparison.Ordinal));
            var final = StrictFinal(plain);
            if (final is null || !FinalIpa.TryGetValue(final, out var finalIpa)) return null;
            if (final == "i" && initial is "zh" or "ch" or "sh" or "r") finalIpa = "ɨ0"; // ɻ̩, retoned to ɨ
            else if (final == "i" && initial is "z" or "c" or "s") finalIpa = "ɨ0"; // ɹ̩, retoned to ɨ
            ipa = (initial is null ? "" : InitialIpa[initial]) + finalIpa;
        }
        return ipa.Replace("0", ToneArrows[tone]);
    }

    /// <summary>pypinyin <c>get_finals(pinyin, strict=True)</c> after <c>convert_finals</c>.</summary>
    internal static string? StrictFinal(string pinyin)
    {
        var converted = ConvertFinals(pinyin);
        var initial = StrictInitials.FirstOrDefault(i => converted.StartsWith(i, StringComparison.Ordinal)) ?? "";
        var final = converted[initial.Length..];
        if (Finals.Contains(final)) return final;
        // y and w read as initials (pypinyin's fallback for e.g. "yo").
        var loose = converted.StartsWith('y') || converted.StartsWith('w') ? 1 : initial.Length;
        final = converted[loose..];
        return Finals.Contains(final) ? final : null;
    }

    /// <summary>pypinyin <c>standard.convert_finals</c>: restore the written-short finals.</summary>
    private static string ConvertFinals(string pinyin)
    {
        var raw = pinyin;
        if (raw.StartsWith('y'))
        {
            var rest = pinyin[1..];
            pinyin = rest.StartsWith('u') ? "ü" + pinyin[2..] : rest.StartsWith('i') ? rest : "i" + rest;
        }
        if (raw.StartsWith('w'))
            pinyin = pinyin[1..].StartsWith('u') ? pinyin[1..] : "u" + pinyin[1..];
        if ((raw.StartsWith('y') || raw.StartsWith('w')) && !Finals.Contains(pinyin)) pinyin = raw;
        // j, q, x + u → ü
        if (pinyin.Length >= 2 && pinyin[0] is 'j' or 'q' or 'x' && pinyin[1] == 'u') pinyin = pinyin[0] + "ü" + pinyin[2..];
        // Consonant + iu / ui / un → iou / uei / uen (an ASCII consonant must come before).
        pinyin = Expand(pinyin, "iu", "iou");
        pinyin = Expand(pinyin, "ui", "uei");
        pinyin = Expand(pinyin, "un", "uen");
        return pinyin;
    }

    private static string Expand(string pinyin, string shortFinal, string full)
    {
        if (pinyin.Length <= shortFinal.Length || !pinyin.EndsWith(shortFinal, StringComparison.Ordinal)) return pinyin;
        var head = pinyin[..^shortFinal.Length];
        return head.All(char.IsAsciiLetterLower) ? head + full : pinyin;
    }
}
