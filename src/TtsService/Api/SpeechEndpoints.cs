using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Text;

namespace TtsService.Api;

/// <summary><c>POST /v1/audio/speech</c>: OpenAI's speech endpoint, routed by <c>model</c> through the <see cref="BackendManager"/>.</summary>
public static partial class SpeechEndpoints
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
        var backend = backends.Resolve(CanonicalModel(request.Model));
        var audio = backend switch
        {
            KokoroBackend kokoro => kokoro.SynthesizeAsync(ToKokoro(request), http.RequestAborted),
            _ => handlers.FirstOrDefault(h => h.Handles(backend))?.SynthesizeAsync(backend, request, http.RequestAborted)
                 ?? throw new BackendUnavailableException($"Model '{request.Model}' cannot be used on /v1/audio/speech in this build."),
        };
        await writer.WriteAsync(http, audio, request.Format, request.Stream ?? true, request.EffectiveVolume,
            backend: backend.Name, saveCopy: request.ReturnDownloadLink == true, sse: request.IsSse,
            copyFormat: request.DownloadFileFormat);
    }

    /// <summary>
    /// The model id a backend knows: absent means Kokoro (as in Kokoro-FastAPI), and OpenAI's dated snapshots
    /// (<c>gpt-4o-mini-tts-2025-12-15</c>, <c>tts-1-1106</c>) mean their base model.
    /// </summary>
    public static string CanonicalModel(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return "kokoro";
        var match = OpenAiSnapshot().Match(model.Trim());
        return match.Success ? match.Groups[1].Value : model;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(tts-1|tts-1-hd|gpt-4o-mini-tts)-(?:\d{4}|\d{4}-\d{2}-\d{2})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex OpenAiSnapshot();

    public static KokoroRequest ToKokoro(SpeechRequest request) => new(
        request.Input!,
        string.IsNullOrWhiteSpace(request.Voice) ? "af_heart" : request.Voice.Trim(),
        request.EffectiveSpeed,
        request.EffectiveLangCode,
        request.NormalizationOptions ?? NormalizationOptions.Default,
        Stream: request.IsStreamed);
}
