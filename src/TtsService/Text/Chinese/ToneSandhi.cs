using System.Text;

namespace TtsService.Text.Chinese;

/// <summary>
/// pypinyin's <c>ToneSandhiMixin.post_pinyin</c> (<c>pypinyin/contrib/tone_sandhi.py</c>), applied to one
/// word's tone-3 syllables in place, in pypinyin's order: third tone, then 不, then 一. The rules are
/// pypinyin's as written, quirks included, because ZipVoice was trained on what they produce:
/// <list type="bullet">
/// <item>Third tone: only the run of third tones at the end of the word counts. Two → the word's first
/// third-tone syllable becomes second tone (even when it is not in that run); three or more → every
/// third-tone syllable but the last does.</item>
/// <item>不 before a fourth tone: fourth → second; before anything else, and at the end: any tone → fourth
/// (a neutral 不 stays neutral).</item>
/// <item>一 before a fourth tone: only a fourth-tone 一 becomes second (the dictionary's yi1 stays yi1);
/// before anything else: any tone → fourth; at the end of the word: any tone → first.</item>
/// </list>
/// </summary>
public static class ToneSandhi
{
    public static void Apply(Rune[] han, string[] syllables)
    {
        ThirdTone(syllables);
        Character(han, syllables, '不', lastTone: 4);
        Character(han, syllables, '一', lastTone: 1);
    }

    /// <summary>The tone number 1-4 of a tone-3 syllable, 0 when neutral (5) or none.</summary>
    private static int Tone(string syllable) => syllable.Length > 0 && syllable[^1] is >= '1' and <= '4' ? syllable[^1] - '0' : 0;

    private static string WithTone(string syllable, int tone) => syllable[..^1] + (char)('0' + tone);

    private static void ThirdTone(string[] syllables)
    {
        if (!syllables.Any(s => Tone(s) == 3)) return;
        var trailingThirds = 0;
        foreach (var s in syllables) trailingThirds = Tone(s) == 3 ? trailingThirds + 1 : 0;
        if (trailingThirds == 2)
        {
            var first = Array.FindIndex(syllables, s => Tone(s) == 3);
            syllables[first] = WithTone(syllables[first], 2);
        }
        else if (trailingThirds > 2)
        {
            var n = 1;
            for (var i = 0; i < syllables.Length; i++)
            {
                if (Tone(syllables[i]) != 3) continue;
                if (n == trailingThirds) break;
                syllables[i] = WithTone(syllables[i], 2);
                n++;
            }
        }
    }

    private static void Character(Rune[] han, string[] syllables, char character, int lastTone)
    {
        for (var i = 0; i < han.Length && i < syllables.Length; i++)
        {
            if (han[i].Value != character) continue;
            var tone = Tone(syllables[i]);
            if (tone == 0) continue; // pypinyin's digit substitutions leave a neutral syllable alone
            if (i < han.Length - 1)
            {
                if (Tone(syllables[i + 1]) == 4) { if (tone == 4) syllables[i] = WithTone(syllables[i], 2); }
                else syllables[i] = WithTone(syllables[i], 4);
            }
            else
            {
                syllables[i] = WithTone(syllables[i], lastTone);
            }
        }
    }
}
