using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StandinModels;
using TtsService.Inference.Kokoro;
using TtsService.Tests.Infrastructure;
using TtsService.Text.Japanese;

namespace TtsService.Tests.Text;

/// <summary>
/// Chinese and Japanese end to end over HTTP on the Kokoro stand-in, with the real vocabulary and the real
/// zf_/jf_ voices (../shared/models/kokoro; these tests skip without them): /dev/phonemize gives misaki's
/// phonemes (MisakiChineseTests / MisakiJapaneseTests hold the derivations), and /v1/audio/speech with a
/// Chinese or Japanese voice speaks exactly those phonemes: the stand-in's output length is a closed form of
/// the token count (<see cref="KokoroStandin.SampleCount"/>).
/// </summary>
public sealed class CjkSpeechTests(KokoroService service) : IClassFixture<KokoroService>
{
    private readonly HttpClient _client = service.Client;

    private async Task<(string Phonemes, int Tokens)> Phonemize(string text, string language)
    {
        var response = await _client.PostAsJsonAsync("/dev/phonemize", new { text, language });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("phonemes").GetString()!, body.GetProperty("tokens").GetArrayLength());
    }

    private async Task<int> SpokenSamples(string input, string voice)
    {
        var response = await _client.PostAsJsonAsync("/v1/audio/speech",
            new { model = "kokoro", input, voice, response_format = "wav", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Ffmpeg.DecodeToFloat(await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [SkippableFact]
    public async Task Chinese_is_phonemized_as_misaki_and_spoken_with_a_zf_voice()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        // The example: misaki ZHG2P() gives this (MisakiChineseTests' first row); every symbol is in
        // Kokoro's vocabulary, so the filter keeps it whole: no "(en)", no English "three" for a tone digit.
        var (phonemes, tokens) = await Phonemize("你好，今天天气很好。", "z");
        Assert.Equal("ni↓xau↓, ʨi→ntʰjɛ→ntʰjɛ→nʨʰi↘ xə↓n xau↓.", phonemes);
        Assert.Equal(phonemes.Length, tokens);

        const string sentence = "今天天气很好";
        var (_, sentenceTokens) = await Phonemize(sentence, "zh");
        Assert.Equal(KokoroStandin.SampleCount(sentenceTokens + 2, 1f), await SpokenSamples(sentence, "zf_xiaobei"));
    }

    [SkippableFact]
    public async Task Japanese_is_phonemized_as_misaki_and_spoken_with_a_jf_voice()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        Skip.If(MecabTagger.TryCreate(MecabTagger.DefaultDictionary, out var error) is null, $"MeCab + UniDic not installed: {error}");
        // misaki JAG2P() (MisakiJapaneseTests' first row).
        var (phonemes, _) = await Phonemize("こんにちは、今日はいい天気です。", "j");
        Assert.Equal("koɲɲiʨiβa kʲoː βa iː teŋkʲi desɨ", phonemes);

        const string sentence = "今日はいい天気です";
        var (_, sentenceTokens) = await Phonemize(sentence, "ja");
        Assert.Equal(KokoroStandin.SampleCount(sentenceTokens + 2, 1f), await SpokenSamples(sentence, "jf_alpha"));
    }

    /// <summary>espeak-ng marks a switch of language with "(en)"…"(es)"; those marks must never reach Kokoro.</summary>
    [Theory]
    [InlineData("(en)fˈʊtbɔːl(es) ɛs", "fˈʊtbɔːl ɛs")]
    [InlineData("ʧˈaɪniːz(ja)lˈɛtə", "ʧˈaɪniːzlˈɛtə")]
    [InlineData("(fr-fr)bɔ̃ʒˈuʁ", "bɔ̃ʒˈuʁ")]
    [InlineData("lə- (^e^n)wˈiːkˈɛnd(^f^r) e", "lə- wˈiːkˈɛnd e")] // with ties, as EspeakPhonemizer gets them
    [InlineData("no marks, (a) stays", "no marks, (a) stays")]
    public void Language_switch_marks_are_removed(string ipa, string expected) =>
        Assert.Equal(expected, KokoroG2P.WithoutLanguageSwitches(ipa));

    [SkippableFact]
    public async Task Espeak_languages_leak_no_switch_marks()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        // espeak-ng's French voice reads "week-end" and "football" as English, flagging them:
        // `espeak-ng -v fr-fr -q --ipa` → "ʒˈɛm lə- (en)wˈiːkˈɛnd(fr) e lə- (en)fˈʊtbɔːl(fr)".
        var (phonemes, _) = await Phonemize("J'aime le week-end et le football.", "f");
        Assert.DoesNotContain("(", phonemes);
        Assert.Contains("fˈʊtbɔːl", phonemes); // the switched word's phonemes stay
        Assert.DoesNotMatch("[0-9]", phonemes);
    }

    [Fact]
    public void Missing_unidic_is_named()
    {
        Assert.Null(MecabTagger.TryCreate("/nonexistent/unidic", out var error));
        Assert.Contains("unidic-mecab", error);
    }

    /// <summary>Without MeCab + UniDic, Japanese is a 503 that says what to install, not espeak's guesses.</summary>
    [Fact]
    public void Japanese_without_unidic_is_a_503_naming_the_packages()
    {
        var g2p = new KokoroG2P(new TtsService.Text.Espeak.EspeakPhonemizer(), unidicDir: "/nonexistent/unidic");
        var error = Assert.Throws<TtsService.Errors.BackendUnavailableException>(() => g2p.Phonemize("こんにちは", "j"));
        Assert.Equal(503, error.Status);
        Assert.Equal("lang_code", error.Param);
        Assert.Contains("unidic-mecab", error.Message);
        Assert.Contains("libmecab2", error.Message);
    }
}
