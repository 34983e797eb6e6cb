using TtsService.Errors;
using TtsService.Text;
using TtsService.Text.Chinese;
using TtsService.Text.Japanese;
using TtsService.Text.Phonemes;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// Kokoro's grapheme-to-phoneme step: espeak-ng IPA in the language's espeak voice, mapped to
/// misaki's symbols. Language codes and voices as hexgrad/kokoro's pipeline (and Kokoro-FastAPI) use
/// them. Chinese ("z") goes through misaki's own pinyin route instead (<see cref="MisakiChinese"/>), as
/// hexgrad/kokoro does: espeak's cmn voice reads tone digits and CJK it does not know in English.
/// Japanese ("j") goes through misaki's cutlet route (<see cref="MisakiJapanese"/>, MeCab + UniDic).
/// espeak's language-switch markers ("(en)", "(cmn)") never reach the phonemes.
/// English words found in misaki's lexicon (<see cref="MisakiLexicon"/>, when its files are there) take
/// its phonemes; the rest of the text goes through espeak-ng as one run, so punctuation stays in place.
/// </summary>
/// <param name="unidicDir">UniDic for MeCab (Japanese); Debian's <c>unidic-mecab</c> location by default.</param>
public sealed partial class KokoroG2P(IPhonemizer phonemizer, MisakiLexicon? lexicon = null, string unidicDir = MecabTagger.DefaultDictionary) : IKokoroG2P
{
    public static readonly IReadOnlyDictionary<string, string> EspeakVoices = new Dictionary<string, string>
    {
        ["a"] = "en-us", ["b"] = "en-gb", ["e"] = "es", ["f"] = "fr-fr", ["h"] = "hi",
        ["i"] = "it", ["p"] = "pt-br", ["j"] = "ja", ["z"] = "cmn",
    };

    public bool IsAvailable => phonemizer.IsAvailable;

    private MisakiChinese? _chinese;

    /// <summary>misaki's Chinese G2P, built on first use (jieba's and pypinyin's dictionaries load then).</summary>
    private MisakiChinese Chinese => LazyInitializer.EnsureInitialized(ref _chinese,
        () => new MisakiChinese(ChineseWordSegmenter.Shared, Pinyin.Shared, english: t => Phonemize(t, "a")));

    private MisakiJapanese? _japanese;
    private string? _japaneseError;
    private readonly Lock _japaneseGate = new();

    /// <summary>
    /// misaki's Japanese G2P over MeCab + UniDic, built on first use; without them Japanese is a 503 that
    /// says what to install, never espeak's reading of kanji as "Chinese letter".
    /// </summary>
    private MisakiJapanese Japanese
    {
        get
        {
            lock (_japaneseGate)
            {
                if (_japanese is null && _japaneseError is null)
                {
                    var tagger = MecabTagger.TryCreate(unidicDir, out _japaneseError);
                    if (tagger is not null) _japanese = new MisakiJapanese(tagger, english: t => Phonemize(t, "a"));
                }
                return _japanese ?? throw new BackendUnavailableException(
                    $"Japanese (lang_code 'j') needs MeCab with UniDic: {_japaneseError}. Install the Debian packages libmecab2 and unidic-mecab (scripts/install-deps.sh does).",
                    "lang_code", "language_unavailable");
            }
        }
    }

    public string Phonemize(string text, string langCode)
    {
        if (langCode == "z") return Chinese.Phonemize(text);
        if (langCode == "j") return Japanese.Phonemize(text);
        if (!EspeakVoices.TryGetValue(langCode, out var voice))
            throw new InvalidRequestException($"lang_code '{langCode}' is not supported; use one of {string.Join(", ", EspeakVoices.Keys)}.", "lang_code", "invalid_lang_code");
        var english = langCode is "a" or "b";
        var british = langCode == "b";
        if (!english || lexicon is null || lexicon.IsEmpty(british))
            return MisakiPhonemes.FromEspeak(WithoutLanguageSwitches(phonemizer.ToIpa(text, voice)), english, british);

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
            var ipa = MisakiPhonemes.FromEspeak(WithoutLanguageSwitches(phonemizer.ToIpa(between, voice)), english, british).Trim();
            if (ipa.Length > 0) parts.Add(ipa);
        }
    }

    /// <summary>
    /// espeak-ng marks a word it reads in another language with "(en)" … "(es)" (in IPA mode it cannot be
    /// told not to), with the tie character inside when ties are asked for ("(^e^n)"); Kokoro would read the
    /// letters. The marks go, the switched word's phonemes stay.
    /// </summary>
    public static string WithoutLanguageSwitches(string ipa) => ipa.Contains('(') ? LanguageSwitch().Replace(ipa, "") : ipa;

    [System.Text.RegularExpressions.GeneratedRegex(@"\(\^?(?:[a-z]\^?){2,3}(?:-\^?(?:[a-z0-9]\^?)+)*\)", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex LanguageSwitch();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\p{L}'’\-])\p{L}[\p{L}'’]*(?![\p{L}'’\-])", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex Word();

    [System.Text.RegularExpressions.GeneratedRegex(@" +([,.!?;:…—])", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex SpaceBeforePunctuation();
}
