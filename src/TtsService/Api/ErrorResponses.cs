using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using TtsService.Errors;

namespace TtsService.Api;

/// <summary>The one place that turns failures into the spec's error JSON:
/// <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public static class ErrorResponses
{
    public sealed record ErrorBody(ErrorDetail Error);
    public sealed record ErrorDetail(string Message, string Type, string? Param, string Code);

    public static IServiceCollection AddServiceErrors(this IServiceCollection services)
    {
        services.AddExceptionHandler<ServiceExceptionHandler>();
        services.AddProblemDetails();
        // Let binding failures (bad JSON, wrong types) throw so the handler below formats them.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseServiceErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Unmatched routes and wrong methods get the same shape instead of an empty body.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0) return;
            var status = http.Response.StatusCode;
            var (type, code, message) = status switch
            {
                404 => ("not_found_error", "route_not_found", $"No endpoint at {http.Request.Method} {http.Request.Path}."),
                405 => ("invalid_request_error", "method_not_allowed", $"{http.Request.Method} is not allowed on {http.Request.Path}."),
                415 => ("invalid_request_error", "unsupported_media_type", "Unsupported Content-Type for this endpoint."),
                _ => ("invalid_request_error", $"http_{status}", $"Request failed with status {status}."),
            };
            await WriteAsync(http, status, new ErrorDetail(message, type, null, code));
        });
        return app;
    }

    public static Task WriteAsync(HttpContext http, int status, ErrorDetail error)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ErrorBody(error), JsonOptions);
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Messages quote names ('af_x'); keep them readable instead of \u0027. Served as application/json only.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Maps exceptions to status and error body; anything unexpected is a 500 and is logged.</summary>
    private sealed class ServiceExceptionHandler(ILogger<ServiceExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            if (http.Response.HasStarted)
            {
                // Mid-stream failures cannot change the status any more; the connection is aborted instead.
                logger.LogWarning(exception, "Request failed after the response started");
                http.Abort();
                return true;
            }
            var (status, detail) = Describe(exception);
            // Messages may quote what the caller sent (a voice field can hold a base64 prompt): keep logs and bodies short.
            detail = detail with { Message = Shorten(detail.Message) };
            if (status >= 500 && exception is not ServiceException)
                logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            else
                logger.LogInformation("Request refused: {Status} {Code} {Message}", status, detail.Code, detail.Message);
            if (exception is TooManyRequestsException tooMany)
                http.Response.Headers.RetryAfter = tooMany.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(http, status, detail);
            return true;
        }

        private static (int, ErrorDetail) Describe(Exception exception) => exception switch
        {
            ServiceException e => (e.Status, new ErrorDetail(e.Message, e.Type, e.Param, e.Code)),
            BadHttpRequestException { StatusCode: 413 } e => (413, new ErrorDetail(e.Message, "invalid_request_error", null, "payload_too_large")),
            BadHttpRequestException { StatusCode: 415 } e => (415, new ErrorDetail(e.Message, "invalid_request_error", null, "unsupported_media_type")),
            BadHttpRequestException e => (400, new ErrorDetail(Unwrap(e), "invalid_request_error", null, "invalid_request")),
            JsonException e => (400, new ErrorDetail($"Request body is not valid JSON: {e.Message}", "invalid_request_error", e.Path, "invalid_json")),
            InvalidDataException e => (400, new ErrorDetail(e.Message, "invalid_request_error", null, "invalid_request")),
            _ => (500, new ErrorDetail("Internal server error.", "server_error", null, "internal_error")),
        };

        private const int MaxMessageLength = 500;

        private static string Shorten(string message) =>
            message.Length <= MaxMessageLength ? message : message[..MaxMessageLength] + $"… ({message.Length - MaxMessageLength} more characters)";

        private static string Unwrap(BadHttpRequestException e) =>
            e.InnerException is JsonException json ? $"Request body is not valid JSON: {json.Message}" : e.Message;
    }
}
