using TtsService.Inference.Kokoro;
using TtsService.Text.Espeak;
using TtsService.Text.Phonemes;

namespace TtsService.Tests.Text;

/// <summary>
/// espeak-ng IPA → misaki symbols. Expected values follow hexgrad/misaki <c>misaki/espeak.py</c>'s
/// table (the first theory) and misaki's own US/GB lexicon entries for common words (the second).
/// </summary>
public sealed class MisakiPhonemesTests
{
    [Theory]
    [InlineData("həlˈo^ʊ", false, "həlˈO")]       // o^ʊ → O (American)
    [InlineData("həlˈə^ʊ", true, "həlˈQ")]        // ə^ʊ → Q (British)
    [InlineData("t^ʃˈɜːt^ʃ", false, "ʧˈɜɹʧ")]      // t^ʃ → ʧ, ɜː → ɜɹ
    [InlineData("d^ʒˈʌd^ʒ", false, "ʤˈʌʤ")]       // d^ʒ → ʤ
    [InlineData("mˈa^ɪ", false, "mˈI")]           // a^ɪ → I
    [InlineData("nˈa^ʊ", false, "nˈW")]           // a^ʊ → W
    [InlineData("bˈɔ^ɪ", false, "bˈY")]           // ɔ^ɪ → Y
    [InlineData("dˈe^ɪ", false, "dˈA")]           // e^ɪ → A
    [InlineData("wˈɔːɾɚ", false, "wˈɔɾəɹ")]       // ɚ → əɹ, length dropped in American
    [InlineData("θˈɔːt", true, "θˈɔːt")]          // British keeps length
    [InlineData("lˈɪɾə^l", false, "lˈɪɾᵊl")]      // ə^l → ᵊl
    [InlineData("ɹˈʌʃɐ", false, "ɹˈʌʃə")]         // ɐ → ə
    [InlineData("bˈʌʔn\u0329", false, "bˈʌtᵊn")]  // ʔn → tᵊn, syllabic mark folded
    [InlineData("lˈɪʔl\u0329", false, "lˈɪtᵊl")]  // ʔ → t, l̩ → ᵊl
    [InlineData("ɡˈʊdbˈa^ɪ", false, "ɡˈʊdbˈI")]
    [InlineData("ˈe^əɹ", true, "ˈAəɹ")]           // the table maps e → A before the British e^ə rule can apply, as upstream does
    public void Maps_espeak_ipa_onto_misaki_symbols(string ipa, bool british, string expected) =>
        Assert.Equal(expected, MisakiPhonemes.FromEspeak(ipa, english: true, british));

    [Theory]
    [InlineData("t^sˈa", "ʦˈa")]   // other languages: affricates and diphthongs to single symbols
    [InlineData("d^zˈo", "ʣˈo")]
    [InlineData("ka^ɪ", "kI")]
    [InlineData("rˈoma", "rˈoma")] // no English r → ɹ outside English
    public void Other_languages_use_the_smaller_table(string ipa, string expected) =>
        Assert.Equal(expected, MisakiPhonemes.FromEspeak(ipa, english: false, british: false));

    [SkippableTheory]
    [InlineData("a", "hello", "həlˈO")]
    [InlineData("a", "church", "ʧˈɜɹʧ")]
    [InlineData("a", "judge", "ʤˈʌʤ")]
    [InlineData("a", "boy", "bˈY")]
    [InlineData("a", "now", "nˈW")]
    [InlineData("a", "day", "dˈA")]
    [InlineData("a", "go", "ɡˈO")]
    [InlineData("a", "cheese", "ʧˈiz")]
    [InlineData("a", "water", "wˈɔɾəɹ")]
    [InlineData("b", "hello", "həlˈQ")]
    [InlineData("b", "go", "ɡˈQ")]
    [InlineData("b", "cheese", "ʧˈiːz")]
    public void Common_words_through_espeak_match_misakis_lexicon(string lang, string word, string expected)
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "libespeak-ng1 is not installed");
        Assert.Equal(expected, new KokoroG2P(espeak).Phonemize(word, lang));
    }

    [SkippableFact]
    public void Punctuation_is_kept_where_it_was()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "libespeak-ng1 is not installed");
        Assert.Equal("həlˈO, wˈɜɹld!", new KokoroG2P(espeak).Phonemize("Hello, world!", "a"));
    }
}
