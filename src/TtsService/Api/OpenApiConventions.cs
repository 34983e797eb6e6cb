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
    public static RouteHandlerBuilder ProducesAudio(this RouteHandlerBuilder builder) => builder.ProducesFile(AudioContentTypes);

    /// <summary>200 with a file's bytes in one of <paramref name="contentTypes"/>; the document filter writes their (binary) schemas.</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), contentTypes), new FileResponse(contentTypes));

    /// <summary>Marks a route whose 200 is a file's bytes (see <see cref="ProducesFile"/>).</summary>
    public sealed record FileResponse(IReadOnlyList<string> ContentTypes);

    /// <summary>Marks the multipart speech route: its form is the JSON request's fields plus an uploaded <c>prompt_wav_file</c>.</summary>
    public sealed class PromptUploadForm
    {
        public static readonly PromptUploadForm Instance = new();
    }

    /// <summary>
    /// A group whose routes need a key when <c>api_keys</c> is set: <see cref="ApiKeyMiddleware"/> enforces it,
    /// and the document declares the bearer scheme and the 401 on those routes, from this one mark.
    /// </summary>
    public static RouteGroupBuilder MapGroupRequiringApiKey(this WebApplication app, string prefix)
    {
        // The middleware guards the whole prefix, so requests the router refuses (415, 405) are asked for the key first too.
        app.Services.GetRequiredService<ApiKeyScope>().Add(prefix);
        return app.MapGroup(prefix).WithMetadata(ApiKeyRequired.Instance).ProducesErrors(StatusCodes.Status401Unauthorized);
    }

    /// <summary>The mark <see cref="MapGroupRequiringApiKey"/> puts on a group's routes.</summary>
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
