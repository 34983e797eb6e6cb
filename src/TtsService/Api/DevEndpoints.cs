using System.ComponentModel.DataAnnotations;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Speech;
using TtsService.Text;

namespace TtsService.Api;

/// <summary>Developer endpoints: see the phonemes Kokoro would speak, or speak phonemes directly.</summary>
public static class DevEndpoints
{
    public sealed record PhonemizeRequest(string? Text, string? Language);
    public sealed record PhonemizeResponse(string Phonemes, IReadOnlyList<long> Tokens);
    public sealed record PhonemesSpeechRequest(
        [property: Required, ErrorCode("empty_input")] string? Phonemes,
        string? Voice,
        [property: Range(SpeechLimits.MinSpeed, SpeechLimits.MaxSpeed)] float? Speed,
        [property: AudioFormatValues] string? ResponseFormat,
        bool? Stream);

    public static RouteGroupBuilder MapDev(this RouteGroupBuilder dev)
    {
        dev.WithTags("Dev").ProducesErrors(400, 503);
        dev.MapPost("/phonemize", (PhonemizeRequest request, BackendManager backends, TtsSettings settings) =>
        {
            if (string.IsNullOrWhiteSpace(request.Text))
                throw new InvalidRequestException("text is required.", "text", "empty_input");
            if (request.Text.Length > settings.MaxInputChars)
                throw new InvalidRequestException($"text is {request.Text.Length} characters; the limit is {settings.MaxInputChars}.", "text", "input_too_long");
            var language = KokoroLangCodes.Normalize(request.Language ?? "a")!;
            if (language.Length != 1)
                throw new InvalidRequestException("language must be a Kokoro lang_code such as 'a' (American English) or an alias such as 'en-us'.", "language", "invalid_lang_code");
            var frontend = backends.Get<KokoroBackend>().Frontend!;
            var phonemes = frontend.Phonemize(request.Text, language, NormalizationOptions.Default);
            return TypedResults.Ok(new PhonemizeResponse(phonemes, frontend.Vocab.Encode(phonemes)));
        }).WithName("Phonemize").WithSummary("The phonemes and token ids Kokoro would speak for text").ProducesErrors(415);

        dev.MapPost("/generate_from_phonemes", async (HttpContext http, PhonemesSpeechRequest request, BackendManager backends, AudioResponseWriter writer) =>
        {
            var format = AudioFormats.Parse(request.ResponseFormat ?? "wav");
            var kokoro = backends.Get<KokoroBackend>();
            if (!kokoro.Frontend!.PiecesFromPhonemes(request.Phonemes!).Any())
                throw new InvalidRequestException("phonemes contains no symbol of the Kokoro vocabulary.", "phonemes", "empty_phonemes");
            var work = http.SpeechWork();
            var audio = kokoro.SynthesizePhonemesAsync(request.Phonemes!, request.Voice ?? KokoroRequest.DefaultVoice, request.Speed ?? 1f, http.RequestAborted, work);
            await writer.WriteAsync(http, new SpokenAudio(kokoro.Name, audio) { Work = work }, new AudioOutput(format, request.Stream ?? false));
        }).AddEndpointFilter<ValidationFilter<PhonemesSpeechRequest>>().AdmittedByExpectedWait().WithName("GenerateFromPhonemes").WithSummary("Speak Kokoro phonemes directly").ProducesAudio().ProducesErrors(404, 415);

        dev.MapCaptionedSpeech("/captioned_speech", "DevCaptionedSpeech");
        return dev;
    }
}
