using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Text;

namespace TtsService.Api;

/// <summary><c>POST /v1/audio/speech</c>: OpenAI's speech endpoint, routed by <c>model</c> through the <see cref="BackendManager"/>.</summary>
public static class SpeechEndpoints
{
    /// <summary>Speaks an OpenAI-style request on a non-Kokoro backend (ZipVoice registers one).</summary>
    public interface IOpenAiSpeechHandler
    {
        bool Handles(ISpeechBackend backend);
        IAsyncEnumerable<AudioChunk> SynthesizeAsync(ISpeechBackend backend, SpeechRequest request, CancellationToken cancellationToken);
    }

    public static RouteGroupBuilder MapSpeech(this RouteGroupBuilder v1)
    {
        var settings = ((IEndpointRouteBuilder)v1).ServiceProvider.GetRequiredService<TtsSettings>();
        v1.MapPost("/audio/speech", SpeakAsync)
            // zipvoice models may carry a base64 prompt in the JSON, a third larger than the upload limit.
            .WithBodyLimit((long)(settings.MaxUploadSizeMb * 1024 * 1024) / 3 * 4 + BodySizeLimits.DefaultMaxBytes)
            .AddEndpointFilter<ValidationFilter<SpeechRequest>>()
            .WithTags("Speech")
            .WithSummary("Speak text (OpenAI-compatible)")
            .Produces(200, contentType: "audio/mpeg")
            .Produces<ErrorResponses.ErrorBody>(400)
            .Produces<ErrorResponses.ErrorBody>(404)
            .Produces<ErrorResponses.ErrorBody>(503);
        return v1;
    }

    private static async Task SpeakAsync(HttpContext http, SpeechRequest request, BackendManager backends,
        AudioResponseWriter writer, IEnumerable<IOpenAiSpeechHandler> handlers)
    {
        var backend = backends.Resolve(request.Model ?? "kokoro");
        var audio = backend switch
        {
            KokoroBackend kokoro => kokoro.SynthesizeAsync(ToKokoro(request), http.RequestAborted),
            _ => handlers.FirstOrDefault(h => h.Handles(backend))?.SynthesizeAsync(backend, request, http.RequestAborted)
                 ?? throw new BackendUnavailableException($"Model '{request.Model}' cannot be used on /v1/audio/speech in this build."),
        };
        await writer.WriteAsync(http, audio, request.Format, request.Stream ?? true, request.EffectiveVolume,
            backend: backend.Name, saveCopy: request.ReturnDownloadLink == true, sse: request.IsSse);
    }

    public static KokoroRequest ToKokoro(SpeechRequest request) => new(
        request.Input!,
        string.IsNullOrWhiteSpace(request.Voice) ? "af_heart" : request.Voice.Trim(),
        request.EffectiveSpeed,
        request.LangCode?.ToLowerInvariant(),
        request.NormalizationOptions ?? NormalizationOptions.Default);
}
