using TtsService.Errors;
using TtsService.Text;
using TtsService.Text.Phonemes;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// Kokoro's grapheme-to-phoneme step: espeak-ng IPA in the language's espeak voice, mapped to
/// misaki's symbols. Language codes and voices as hexgrad/kokoro's pipeline (and Kokoro-FastAPI) use
/// them. Japanese and Chinese use espeak too here (upstream uses misaki's own ja/zh G2P, which needs
/// dictionaries we do not ship), so they sound less natural than upstream.
/// </summary>
public sealed class KokoroG2P(IPhonemizer phonemizer) : IKokoroG2P
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
        var ipa = phonemizer.ToIpa(text, voice);
        return MisakiPhonemes.FromEspeak(ipa, english: langCode is "a" or "b", british: langCode == "b");
    }
}
