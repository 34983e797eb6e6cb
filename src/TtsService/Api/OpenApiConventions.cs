using Microsoft.AspNetCore.Http.Metadata;
using TtsService.Audio;

namespace TtsService.Api;

/// <summary>
/// Response declarations shared by many routes, so each group states its real responses once and the
/// generated OpenAPI document (<c>TtsService.json</c>) lists them exactly.
/// </summary>
public static class OpenApiConventions
{
    /// <summary>Every content type a speech route answers 200 with: each audio format, and OpenAI's SSE stream.</summary>
    public static readonly string[] AudioContentTypes =
        [.. Enum.GetValues<AudioFormat>().Select(f => f.ContentType()).Distinct(), "text/event-stream"];

    /// <summary>200 with each audio content type (binary) and <c>text/event-stream</c>; the document filter writes the schemas.</summary>
    public static RouteHandlerBuilder ProducesAudio(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), AudioContentTypes), AudioResponse.Instance);

    /// <summary>Marks a route whose 200 is audio (see <see cref="ProducesAudio"/>).</summary>
    public sealed class AudioResponse
    {
        public static readonly AudioResponse Instance = new();
    }

    /// <summary>Marks the multipart speech route: its form is the JSON request's fields plus an uploaded <c>prompt_wav_file</c>.</summary>
    public sealed class PromptUploadForm
    {
        public static readonly PromptUploadForm Instance = new();
    }

    /// <summary>
    /// Marks a group whose routes need a key when <c>api_keys</c> is set: <see cref="ApiKeyMiddleware"/> enforces it,
    /// and the document declares the bearer scheme and the 401 on those routes, from this one mark.
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group) =>
        group.WithMetadata(ApiKeyRequired.Instance).ProducesErrors(StatusCodes.Status401Unauthorized);

    /// <summary>The mark <see cref="RequireApiKey"/> puts on a group's routes.</summary>
    public sealed class ApiKeyRequired
    {
        public static readonly ApiKeyRequired Instance = new();
    }

    /// <summary>Declares the spec's error body (<c>{"error": {message, type, param, code}}</c>) for each status.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponses.ErrorBody), ["application/json"]));
        return builder;
    }
}
