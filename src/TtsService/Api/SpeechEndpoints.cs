using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Speech;

namespace TtsService.Api;

/// <summary><c>POST /v1/audio/speech</c>: OpenAI's speech endpoint; the <see cref="BackendManager"/> routes <c>model</c> to its backend.</summary>
public static class SpeechEndpoints
{
    public static RouteGroupBuilder MapSpeech(this RouteGroupBuilder v1)
    {
        var settings = ((IEndpointRouteBuilder)v1).ServiceProvider.GetRequiredService<TtsSettings>();
        v1.MapPost("/audio/speech", SpeakAsync)
            // zipvoice models may carry a base64 prompt in the JSON, a third larger than the upload limit.
            .WithBodyLimit(BodySizeLimits.Base64PromptBody(settings))
            .AddEndpointFilter<ValidationFilter<SpeechRequest>>()
            .AdmittedByExpectedWait()
            .WithTags("Speech")
            .WithName("CreateSpeech")
            .WithSummary("Speak text (OpenAI-compatible)")
            .WithDescription("Kokoro voices, or ZipVoice voice cloning with model zipvoice*: voice is then a registered name, url+<address> or base64+<data> and prompt_text its transcript.")
            .ProducesAudio()
            .ProducesErrors(400, 404, 415, 422, 503);
        return v1;
    }

    private static Task SpeakAsync(HttpContext http, SpeechRequest request, BackendManager backends, AudioResponseWriter writer) =>
        writer.WriteAsync(http, backends.Speak(request, http.SpeechWork(), http.RequestAborted), AudioOutput.For(request));
}
