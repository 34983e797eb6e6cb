using System.Runtime.InteropServices;
using System.Text.Json;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;

namespace TtsService.Api;

/// <summary>Kokoro voice listing and mixing: <c>GET /v1/audio/voices</c>, <c>POST /v1/audio/voices/combine</c>.</summary>
public static class KokoroVoicesEndpoints
{
    public sealed record VoiceList(IReadOnlyList<string> Voices);

    public static RouteGroupBuilder MapKokoroVoices(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audio/voices", (BackendManager manager) =>
                TypedResults.Ok(new VoiceList(manager.Get<KokoroBackend>().Voices.Names)))
            .WithTags("Voices");

        v1.MapPost("/audio/voices/combine", CombineAsync)
            .WithTags("Voices")
            .WithSummary("Mix Kokoro voices; returns the style file (float32 [510,1,256]) and makes the mix usable by name")
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/octet-stream");
        return v1;
    }

    /// <summary>Body: a mix string (<c>"af_bella(2)+af_sky"</c>), a list of names, or <c>{"voices": ...}</c>.</summary>
    private static async Task<IResult> CombineAsync(HttpContext http, BackendManager manager)
    {
        var kokoro = manager.Get<KokoroBackend>();
        JsonElement body;
        try { body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException e) { throw new InvalidRequestException($"Request body is not valid JSON: {e.Message}", "voices", "invalid_json"); }
        var spec = MixSpec(body);
        var table = kokoro.Voices.Resolve(spec);
        var name = string.Join('+', KokoroVoiceLibrary.ParseMix(spec).Select(p => p.Weight == 1 ? p.Name : $"{p.Name}({p.Weight:0.###})"));
        if (!kokoro.Voices.Contains(name)) kokoro.Voices.Add(name, table);
        http.Response.Headers["X-Voice-Name"] = name;
        return TypedResults.File(MemoryMarshal.AsBytes(table.AsSpan()).ToArray(), "application/octet-stream", $"{name}.bin");
    }

    private static string MixSpec(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("voices", out var inner)) body = inner;
        var spec = body.ValueKind switch
        {
            JsonValueKind.String => body.GetString(),
            JsonValueKind.Array when body.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                => string.Join('+', body.EnumerateArray().Select(e => e.GetString())),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(spec) || !spec.Contains('+'))
            throw new InvalidRequestException("Give at least two voices to combine: \"af_bella+af_sky\", [\"af_bella\", \"af_sky\"] or {\"voices\": ...}.", "voices", "invalid_voice_mix");
        return spec;
    }
}
