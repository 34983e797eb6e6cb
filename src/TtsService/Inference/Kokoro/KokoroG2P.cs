using TtsService.Errors;
using TtsService.Text;
using TtsService.Text.Phonemes;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// Kokoro's grapheme-to-phoneme step: espeak-ng IPA in the language's espeak voice, mapped to
/// misaki's symbols. Language codes and voices as hexgrad/kokoro's pipeline (and Kokoro-FastAPI) use
/// them. Japanese and Chinese use espeak too here (upstream uses misaki's own ja/zh G2P, which needs
/// dictionaries we do not ship), so they sound less natural than upstream.
/// English words found in misaki's lexicon (<see cref="MisakiLexicon"/>, when its files are there) take
/// its phonemes; the rest of the text goes through espeak-ng as one run, so punctuation stays in place.
/// </summary>
public sealed partial class KokoroG2P(IPhonemizer phonemizer, MisakiLexicon? lexicon = null) : IKokoroG2P
{
    public static readonly IReadOnlyDictionary<string, string> EspeakVoices = new Dictionary<string, string>
    {
        ["a"] = "en-us", ["b"] = "en-gb", ["e"] = "es", ["f"] = "fr-fr", ["h"] = "hi",
        ["i"] = "it", ["p"] = "pt-br", ["j"] = "ja", ["z"] = "cmn",
    };

    public bool IsAvailable => phonemizer.IsAvailable;

    public string Phonemize(string text, string langCode)
    {
        if (!EspeakVoices.TryGetValue(langCode, out var voice))
            throw new InvalidRequestException($"lang_code '{langCode}' is not supported; use one of {string.Join(", ", EspeakVoices.Keys)}.", "lang_code", "invalid_lang_code");
        var english = langCode is "a" or "b";
        var british = langCode == "b";
        if (!english || lexicon is null || lexicon.IsEmpty(british))
            return MisakiPhonemes.FromEspeak(phonemizer.ToIpa(text, voice), english, british);

        // Words in the lexicon are spoken from it; everything between them (other words, numbers,
        // punctuation) goes to espeak-ng in one piece.
        var parts = new List<string>();
        var at = 0;
        foreach (System.Text.RegularExpressions.Match word in Word().Matches(text))
        {
            if (!lexicon.TryLookup(word.Value, british, out var phonemes)) continue;
            Espeak(text[at..word.Index]);
            parts.Add(phonemes);
            at = word.Index + word.Length;
        }
        Espeak(text[at..]);
        return SpaceBeforePunctuation().Replace(string.Join(' ', parts), "$1");

        void Espeak(string between)
        {
            if (string.IsNullOrWhiteSpace(between)) return;
            var ipa = MisakiPhonemes.FromEspeak(phonemizer.ToIpa(between, voice), english, british).Trim();
            if (ipa.Length > 0) parts.Add(ipa);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\p{L}'’\-])\p{L}[\p{L}'’]*(?![\p{L}'’\-])", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex Word();

    [System.Text.RegularExpressions.GeneratedRegex(@" +([,.!?;:…—])", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex SpaceBeforePunctuation();
}
