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
    /// <summary>The security scheme's name in the document.</summary>
    public const string ApiKeyScheme = "api_key";

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
            o.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "One of api_keys, as Authorization: Bearer <key>. Needed on /v1 and /dev when api_keys is set; without api_keys the service is open.",
            });
            o.OperationFilter<ResponsesFromCodeFilter>();
            o.DocumentFilter<ResponseSchemasFilter>();
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
            if (metadata.OfType<OpenApiConventions.FileResponse>().LastOrDefault() is { } file && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                if (file.ContentTypes.SequenceEqual(OpenApiConventions.AudioContentTypes))
                    response.Description = "The audio: the file's bytes in response_format, or server-sent events (stream_format sse).";
                response.Content = file.ContentTypes.ToDictionary(
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
                                    ["prompt_wav_file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The prompt recording (WAV, MP3, FLAC or Ogg Opus), with voice omitted or file+<label> and prompt_text its transcript. A two-speaker dialog with two recordings sends voice twice (file+<label> or a registered name, [S1] first) and this field once per file+ voice, in turn order." },
                                },
                            },
                        ],
                    },
                };
            }
        }
    }

    /// <summary>
    /// What the route's code states beyond ApiExplorer's one-type-per-status view: the bearer requirement of routes marked
    /// <see cref="OpenApiConventions.MapGroupRequiringApiKey"/>; a <c>oneOf</c> where a handler's <c>Results&lt;…&gt;</c> has several
    /// bodies for one status (the voice list and its legacy shape); and the 413 and 415 of every route that takes a body
    /// (<see cref="BodySizeLimits"/> applies to all of them, and the router refuses content types a route does not accept).
    /// </summary>
    private sealed class ResponsesFromCodeFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<OpenApiConventions.ApiKeyRequired>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
            }
            operation.Responses ??= [];
            if (operation.RequestBody is not null)
            {
                // A body is limited (BodySizeLimits: 413) and of the declared content types (the router: 415).
                var error = context.SchemaGenerator.GenerateSchema(typeof(ErrorResponses.ErrorBody), context.SchemaRepository);
                foreach (var (status, description) in new[] { ("413", "Payload Too Large"), ("415", "Unsupported Media Type") })
                    operation.Responses.TryAdd(status, new OpenApiResponse
                    {
                        Description = description,
                        Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = error } },
                    });
            }
            foreach (var (status, types) in ResultBodies(context.MethodInfo?.ReturnType))
            {
                if (types.Count < 2 || operation.Responses.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not OpenApiResponse response) continue;
                response.Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { OneOf = [.. types.Select(t => context.SchemaGenerator.GenerateSchema(t, context.SchemaRepository))] } },
                };
            }
        }

        /// <summary>The body types per status of a <c>Results&lt;…&gt;</c> return type (Task-wrapped or not).</summary>
        private static IEnumerable<(int Status, List<Type> Types)> ResultBodies(Type? returnType)
        {
            if (returnType is { IsGenericType: true } && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
                returnType = returnType.GetGenericArguments()[0];
            if (returnType is not { IsGenericType: true } || returnType.Namespace != typeof(Microsoft.AspNetCore.Http.HttpResults.Results<,>).Namespace
                || !returnType.Name.StartsWith("Results`", StringComparison.Ordinal))
                return [];
            return returnType.GetGenericArguments()
                .Select(t => (Status: StatusOf(t), Body: t.IsGenericType ? t.GetGenericArguments()[0] : null))
                .Where(r => r.Status is not null && r.Body is not null)
                .GroupBy(r => r.Status!.Value, r => r.Body!)
                .Select(g => (g.Key, g.Distinct().ToList()));
        }

        private static int? StatusOf(Type result) => result.IsGenericType ? result.GetGenericTypeDefinition() switch
        {
            var d when d == typeof(Microsoft.AspNetCore.Http.HttpResults.Ok<>) => 200,
            var d when d == typeof(Microsoft.AspNetCore.Http.HttpResults.Created<>) => 201,
            var d when d == typeof(ServiceUnavailable<>) => 503,
            _ => null,
        } : null;
    }

    /// <summary>
    /// Response bodies as the serializer writes them: every member that is not nullable is always there (null ones are left
    /// out), so it is required, and nothing else is sent, so no other member is allowed. A field renamed in the code only,
    /// or added without the document, then fails a check of the live service against the document.
    /// </summary>
    private sealed class ResponseSchemasFilter : IDocumentFilter
    {
        public void Apply(Microsoft.OpenApi.OpenApiDocument document, DocumentFilterContext context)
        {
            var schemas = document.Components?.Schemas;
            if (schemas is null) return;
            var requests = new HashSet<string>();
            var responses = new HashSet<string>();
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
            {
                foreach (var media in operation.RequestBody?.Content?.Values ?? []) Collect(media.Schema, schemas, requests);
                foreach (var media in operation.Responses?.Values.SelectMany(r => r.Content?.Values ?? []) ?? []) Collect(media.Schema, schemas, responses);
            }
            foreach (var name in responses.Except(requests))
            {
                if (schemas[name] is not OpenApiSchema { Properties.Count: > 0 } schema) continue;
                schema.Required = new HashSet<string>(schema.Properties.Where(p => p.Value.Type is not { } type || !type.HasFlag(JsonSchemaType.Null)).Select(p => p.Key));
                schema.AdditionalPropertiesAllowed = false;
            }
        }

        /// <summary>The component schemas <paramref name="schema"/> refers to, directly or through others.</summary>
        private static void Collect(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> seen)
        {
            if (schema is null) return;
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && seen.Add(id) && schemas.TryGetValue(id, out var target)) Collect(target, schemas, seen);
                return;
            }
            foreach (var inner in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []))
                Collect(inner, schemas, seen);
            Collect(schema.Items, schemas, seen);
            if (schema.AdditionalProperties is { } additional) Collect(additional, schemas, seen);
        }
    }
}
