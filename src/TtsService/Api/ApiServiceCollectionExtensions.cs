using System.Text.Json;
using System.Text.Json.Serialization;
using TtsService.Observability;
using Serilog;

namespace TtsService.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>JSON in the spec's shape (snake_case), the error responses, the audio writer and the OpenAPI document.</summary>
    public static IServiceCollection AddServiceApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddServiceErrors();
        services.AddSingleton<AudioResponseWriter>();
        services.AddSingleton<ApiKeyScope>();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddServiceOpenApi();
        return services;
    }

    /// <summary>The middleware every request passes, outermost first.</summary>
    public static WebApplication UseServiceApi(this WebApplication app)
    {
        // Request logging outermost, so it records the status the error handler finally sent (not a 500 for every typed 4xx).
        app.UseSerilogRequestLogging(o => o.GetLevel = (http, _, error) =>
            // A 503 is a known state (a model is missing; /ready says which), not a bug: warn, do not page anyone.
            error is not null || (http.Response.StatusCode >= 500 && http.Response.StatusCode != 503) ? Serilog.Events.LogEventLevel.Error
            : http.Response.StatusCode >= 400 ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information);
        app.UseServiceErrors();
        app.UseServiceHttpMetrics();
        // Before the key check: a WebSocket upgrade may carry its key in the query or a subprotocol.
        app.UseWebSockets();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseBodySizeLimits();
        // Before the body is read: a refused request has sent nothing, so a load balancer may retry elsewhere.
        app.UseMiddleware<AdmissionMiddleware>();
        app.UseRequestTimeouts();
        app.UseServiceOpenApi();
        app.UseWebPage();
        return app;
    }
}
