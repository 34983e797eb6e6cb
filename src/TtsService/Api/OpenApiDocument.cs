using System.Text.Json.Serialization;

namespace TtsService.Api;

/// <summary>
/// The OpenAPI document (Swashbuckle): served at <c>/swagger/v1/swagger.json</c> with a UI at <c>/docs</c>,
/// and written at build time to <c>src/TtsService/TtsService.json</c> so a contract change shows in review.
/// </summary>
public static class OpenApiDocument
{
    public const string Name = "v1";

    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(Name, new()
            {
                Title = "TtsService",
                Version = "v1",
                Description = "Self-hosted text to speech: OpenAI-compatible speech with Kokoro-82M voices, and ZipVoice zero-shot voice cloning.",
            });
            // Schema ids from the type's own name, nested types included (ErrorResponses.ErrorBody → ErrorBody).
            o.CustomSchemaIds(t => t.Name);
            o.SupportNonNullableReferenceTypes();
        });
        return services;
    }

    public static WebApplication UseServiceOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => { o.RoutePrefix = "docs"; o.SwaggerEndpoint($"/swagger/{Name}/swagger.json", "TtsService v1"); });
        return app;
    }
}
