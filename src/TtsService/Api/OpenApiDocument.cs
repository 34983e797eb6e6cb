using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TtsService.Speech;

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
            o.SchemaFilter<WireSchemaFilter>();
            o.OperationFilter<AudioOperationFilter>();
        });
        return services;
    }

    public static WebApplication UseServiceOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o => { o.RoutePrefix = "docs"; o.SwaggerEndpoint($"/swagger/{Name}/swagger.json", "TtsService v1"); });
        return app;
    }

    /// <summary>
    /// Schemas as the wire is: string fields with a fixed set of values are enums, and objects accept members they
    /// do not list (the service ignores unknown JSON members, as OpenAI's SDKs expect of a server).
    /// </summary>
    private sealed class WireSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema s) return;
            if (s.AdditionalPropertiesAllowed == false && s.AdditionalProperties is null) s.AdditionalPropertiesAllowed = true;
            if (context.MemberInfo?.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
                s.Enum = allowed.Values.OfType<string>().Select(v => (JsonNode)JsonValue.Create(v)).ToList();
        }
    }

    /// <summary>Writes the audio 200 (binary per audio type, text for SSE) and the multipart speech form.</summary>
    private sealed class AudioOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<OpenApiConventions.AudioResponse>().Any() && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Description = "The audio: the file's bytes in response_format, or server-sent events (stream_format sse).";
                response.Content = OpenApiConventions.AudioContentTypes.ToDictionary(
                    type => type,
                    IOpenApiMediaType (type) => new OpenApiMediaType
                    {
                        Schema = type == "text/event-stream"
                            ? new OpenApiSchema { Type = JsonSchemaType.String, Description = "data: {\"type\": \"speech.audio.delta\", \"audio\": base64} events, then data: {\"type\": \"speech.audio.done\"}" }
                            : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    });
            }
            if (metadata.OfType<OpenApiConventions.PromptUploadForm>().Any() && operation.RequestBody?.Content?.ContainsKey("multipart/form-data") == true)
            {
                var request = context.SchemaGenerator.GenerateSchema(typeof(SpeechRequest), context.SchemaRepository);
                operation.RequestBody.Content["multipart/form-data"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        AllOf =
                        [
                            request,
                            new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["prompt_wav_file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The prompt recording (WAV, MP3, FLAC or Ogg Opus), with voice omitted and prompt_text its transcript." },
                                },
                            },
                        ],
                    },
                };
            }
        }
    }
}
