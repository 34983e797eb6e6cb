using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;

namespace TtsService.Api;

/// <summary>Kokoro voice listing and mixing: <c>GET /v1/audio/voices</c>, <c>POST /v1/audio/voices/combine</c>.</summary>
public static class KokoroVoicesEndpoints
{
    public sealed record VoiceEntry(string Id, string Name);
    public sealed record VoiceList(IReadOnlyList<VoiceEntry> Voices);
    public sealed record LegacyVoiceList(IReadOnlyList<string> Voices);

    public static RouteGroupBuilder MapKokoroVoices(this RouteGroupBuilder v1)
    {
        // Kokoro-FastAPI's shape: {"voices": [{"id", "name"}]}, which Open WebUI reads (voice["id"]);
        // ?legacy=true gives its older list of plain names.
        v1.MapGet("/audio/voices", Results<Ok<VoiceList>, Ok<LegacyVoiceList>> (BackendManager manager, bool? legacy) =>
            {
                var names = manager.Get<KokoroBackend>().Voices.Names;
                return legacy == true
                    ? TypedResults.Ok(new LegacyVoiceList(names))
                    : TypedResults.Ok(new VoiceList(names.Select(n => new VoiceEntry(n, n)).ToList()));
            })
            .WithTags("Voices")
            .WithName("ListKokoroVoices")
            .WithSummary("Kokoro voices: {\"voices\": [{\"id\", \"name\"}]}, or plain names with ?legacy=true")
            .ProducesErrors(400, 503);

        v1.MapPost("/audio/voices/combine", CombineAsync)
            .WithTags("Voices")
            .WithName("CombineKokoroVoices")
            .ProducesErrors(400, 404, 503)
            .WithSummary("Mix Kokoro voices; returns the style file (float32 [510,1,256]) and makes the mix usable by name")
            .Accepts<JsonElement>("application/json")
            .ProducesFile("application/octet-stream");
        return v1;
    }

    /// <summary>Body: a mix string (<c>"af_bella(2)+af_sky"</c>), a list of names, or <c>{"voices": ...}</c>.</summary>
    private static async Task<FileContentHttpResult> CombineAsync(HttpContext http, BackendManager manager)
    {
        var kokoro = manager.Get<KokoroBackend>();
        JsonElement body;
        try { body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException e) { throw new InvalidRequestException($"Request body is not valid JSON: {e.Message}", "voices", "invalid_json"); }
        var spec = MixSpec(body);
        // Kept in a bounded LRU under its recipe name: any replica can mix it again from that name.
        var (name, table) = kokoro.Voices.Combine(spec);
        http.Response.Headers["X-Voice-Name"] = name;
        http.Response.Headers.CacheControl = "no-cache";
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
        // One voice is accepted too (Kokoro-FastAPI returns its style file), so a client can fetch any voice's table.
        if (string.IsNullOrWhiteSpace(spec))
            throw new InvalidRequestException("Give the voices to combine: \"af_bella+af_sky\", \"af_bella(2)-af_sky\", [\"af_bella\", \"af_sky\"] or {\"voices\": ...}.", "voices", "invalid_voice_mix");
        return spec;
    }
}
