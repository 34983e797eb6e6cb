using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using TtsService.Errors;

namespace TtsService.Speech;

/// <summary>
/// The one binder of <see cref="SpeechRequest"/>, for every route that takes one: a JSON body is read by the service's
/// serializer, and a form is turned into the same JSON object (each field the serializer knows, converted by the
/// member's type) and read by the same serializer, so a field added to the record is bound both ways. Which content
/// types a route takes is its <see cref="IAcceptsMetadata"/> (JSON unless the route says more); others are a 415.
/// </summary>
public sealed partial record SpeechRequest : IBindableFromHttpContext<SpeechRequest>, IEndpointParameterMetadataProvider
{
    /// <summary>The form field that carries an uploaded prompt (multipart only).</summary>
    public const string PromptFileField = "prompt_wav_file";

    public static async ValueTask<SpeechRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var accepted = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? ["application/json"];
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var request = context.Request;
        if (request.HasJsonContentType() && accepted.Contains("application/json"))
            return await request.ReadFromJsonAsync<SpeechRequest>(options, context.RequestAborted)
                ?? throw new InvalidRequestException("Request body is required (JSON).", null, "missing_body");
        if (request.HasFormContentType && accepted.Contains("multipart/form-data"))
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            // Two prompt files: a dialog's two speakers (voice file+a and file+b, in the order of the files).
            var files = form.Files.GetFiles(PromptFileField);
            if (files.Count > 2)
                throw new InvalidRequestException($"{files.Count} {PromptFileField} files sent; one prompt takes one, a two-speaker dialog two.", PromptFileField, "too_many_prompt_files");
            return FromForm(form, options) with { PromptFile = files.ElementAtOrDefault(0), SecondPromptFile = files.ElementAtOrDefault(1) };
        }
        throw new UnsupportedMediaException($"Send {string.Join(" or ", accepted)}.", null, "unsupported_media_type");
    }

    /// <summary>Routes that take a speech request take JSON; a route that takes forms too adds its own <c>Accepts</c>.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(SpeechRequest)));

    /// <summary>The form as the JSON object the serializer reads: every member it knows, by its wire name.</summary>
    internal static SpeechRequest FromForm(IFormCollection form, JsonSerializerOptions options)
    {
        var body = new JsonObject();
        foreach (var property in options.GetTypeInfo(typeof(SpeechRequest)).Properties)
        {
            if (!form.TryGetValue(property.Name, out var values) || values.ToString() is not { Length: > 0 } raw) continue;
            if (values.Count > 1 && property.Name == "voice")
            {
                // The field repeated (-F voice=alice -F voice=bob) is the JSON list.
                body[property.Name] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]);
                continue;
            }
            body[property.Name] = FormValue(property.Name, raw, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
        }
        return body.Deserialize<SpeechRequest>(options)!;
    }

    private static JsonNode? FormValue(string name, string raw, Type type)
    {
        if (type == typeof(string)) return JsonValue.Create(raw);
        var text = raw.Trim();
        if (type == typeof(bool))
            return JsonValue.Create(text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new InvalidRequestException($"{name} must be true or false (got '{raw}').", name, "invalid_boolean"),
            });
        if (type == typeof(int) || type == typeof(long))
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)
                ? JsonValue.Create(whole)
                : throw new InvalidRequestException($"{name} must be an integer (got '{raw}').", name, "invalid_number");
        if (type == typeof(float) || type == typeof(double))
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? JsonValue.Create(number)
                : throw new InvalidRequestException($"{name} must be a number (got '{raw}').", name, "invalid_number");
        // Objects (normalization_options) travel as JSON text in their form field.
        try { return JsonNode.Parse(text); }
        catch (JsonException e) { throw new InvalidRequestException($"{name} must be a JSON object: {e.Message}", name, "invalid_json"); }
    }
}
