using TtsService.Inference;
using TtsService.Speech;
using TtsService.Text;

namespace TtsService.Api;

/// <summary>
/// Speech with word timestamps (<c>POST /v1/audio/speech/captioned</c>, also <c>/dev/captioned_speech</c>).
/// Not streamed by default: one JSON object with the whole file in base64. Streamed (<c>"stream": true</c>):
/// JSON lines, one per synthesized chunk, each with that chunk's encoded bytes and its words. Same dispatch and
/// the same writer as plain speech; only the framing differs.
/// </summary>
public static class CaptionedSpeechEndpoints
{
    public sealed record CaptionedSpeech(string Audio, string AudioFormat, IReadOnlyList<WordTimestamp> Timestamps, string TimestampSource);

    public static RouteHandlerBuilder MapCaptionedSpeech(this IEndpointRouteBuilder routes, string pattern, string operationId) =>
        routes.MapPost(pattern, SpeakAsync)
            .AddEndpointFilter<ValidationFilter<SpeechRequest>>()
            .AdmittedByExpectedWait()
            .WithTags("Speech")
            .WithName(operationId)
            .WithSummary("Speech plus word timestamps [{word, start_time, end_time}]")
            .Produces<CaptionedSpeech>(200, "application/json", "application/x-ndjson")
            .ProducesErrors(400, 404, 415, 422, 503);

    private static Task SpeakAsync(HttpContext http, SpeechRequest request, BackendManager backends, AudioResponseWriter writer)
    {
        // Kokoro-FastAPI's captioned route answers one JSON object unless asked to stream.
        request = request with { Stream = request.Stream ?? false };
        var output = AudioOutput.For(request) with { Framing = AudioFraming.Captioned, Timestamps = request.ReturnTimestamps ?? true };
        return writer.WriteAsync(http, backends.Speak(request, http.SpeechWork(), http.RequestAborted), output);
    }
}
