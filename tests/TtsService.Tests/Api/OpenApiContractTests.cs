using System.Diagnostics;
using System.Text.Json.Nodes;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The OpenAPI document is generated at build into <c>src/TtsService/TtsService.json</c> and committed. These tests
/// check that the committed file is the contract the service serves, that an independent validator accepts it, and
/// that it states what the issue asked for (operation ids, wire enums, no computed members, real responses).
/// </summary>
public sealed class OpenApiContractTests(KokoroService service) : IClassFixture<KokoroService>
{
    private const string DocumentPath = "src/TtsService/TtsService.json";

    private static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtsService.sln"))) return dir.FullName;
        return null;
    }

    private async Task<JsonNode> ServedDocument() =>
        JsonNode.Parse(await service.Client.GetStringAsync("/swagger/v1/swagger.json"))!;

    [SkippableFact]
    public async Task The_committed_document_is_the_one_the_service_serves()
    {
        var root = RepoRoot();
        // .git is a folder in a clone and a file in a worktree.
        Skip.If(root is null || !Path.Exists(Path.Combine(root, ".git")), "Not a git checkout: the committed document cannot be read.");
        // HEAD's copy, not the working tree's: the build rewrites the working copy, so only the committed one can be stale.
        var (exit, committed) = ToolProcess.Run("git", $"show HEAD:{DocumentPath}", root!);
        Assert.True(exit == 0, $"{DocumentPath} is not committed: {committed}");
        var served = await ServedDocument();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(committed), served),
            $"The API contract changed: the build regenerated {DocumentPath}; review and commit it with the change.");
    }

    [SkippableFact]
    public void An_independent_validator_accepts_the_document_and_rejects_a_broken_one()
    {
        var root = RepoRoot()!;
        var tool = Path.Combine(root, "tools", "openapi");
        Skip.IfNot(Directory.Exists(Path.Combine(tool, "node_modules", "@apidevtools", "swagger-parser")),
            "tools/openapi has no node_modules: scripts/test.sh installs @apidevtools/swagger-parser with npm ci.");
        var document = Path.Combine(root, DocumentPath);
        var (exit, output) = ToolProcess.Run("node", $"validate.mjs \"{document}\"", tool);
        Assert.True(exit == 0, output);
        Assert.StartsWith("valid: OpenAPI 3.", output);

        // The same validator must be able to fail: drop a schema that responses refer to.
        var broken = JsonNode.Parse(File.ReadAllText(document))!;
        broken["components"]!["schemas"]!.AsObject().Remove("ErrorBody");
        var brokenPath = Path.Combine(Path.GetTempPath(), $"openapi-broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(brokenPath, broken.ToJsonString());
        try
        {
            var (brokenExit, brokenOutput) = ToolProcess.Run("node", $"validate.mjs \"{brokenPath}\"", tool);
            Assert.Equal(1, brokenExit);
            Assert.Contains("ErrorBody", brokenOutput);
        }
        finally { File.Delete(brokenPath); }
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_and_a_tag()
    {
        var paths = (await ServedDocument())["paths"]!.AsObject();
        var operations = paths.SelectMany(p => p.Value!.AsObject().Select(o => (Route: $"{o.Key.ToUpperInvariant()} {p.Key}", Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 18);
        foreach (var (route, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["operationId"]), $"{route} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), $"{route} has no summary");
            Assert.NotEmpty(operation["tags"]!.AsArray());
        }
        var ids = operations.Select(o => (string)o.Operation["operationId"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task The_speech_request_lists_wire_fields_only_with_enums_and_ranges()
    {
        var schema = (await ServedDocument())["components"]!["schemas"]!["SpeechRequest"]!;
        var properties = schema["properties"]!.AsObject();
        // Computed members (format, is_sse, effective_*) are not on the wire.
        Assert.DoesNotContain(properties, p => p.Key is "format" or "is_sse" or "is_streamed" or "download_file_format" or "prompt_file" || p.Key.StartsWith("effective_"));
        Assert.Equal(["mp3", "opus", "aac", "flac", "wav", "pcm"], properties["response_format"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["audio", "sse"], properties["stream_format"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal((0.25, 4.0), ((double)properties["speed"]!["minimum"]!, (double)properties["speed"]!["maximum"]!));
        Assert.Equal((1, 32), ((int)properties["num_steps"]!["minimum"]!, (int)properties["num_steps"]!["maximum"]!));
        Assert.True((bool)properties["t_shift"]!["exclusiveMinimum"]!);
        Assert.NotEqual(false, (bool?)schema["additionalProperties"]);
    }

    [Fact]
    public async Task Speech_routes_declare_every_audio_type_sse_and_their_errors()
    {
        var speech = (await ServedDocument())["paths"]!["/v1/audio/speech"]!["post"]!["responses"]!;
        var content = speech["200"]!["content"]!.AsObject().Select(c => c.Key).ToList();
        Assert.Equal(["audio/mpeg", "audio/ogg", "audio/aac", "audio/flac", "audio/wav", "audio/pcm", "text/event-stream"], content);
        foreach (var status in new[] { "400", "401", "404", "413", "422", "429", "503" })
            Assert.Equal("#/components/schemas/ErrorBody", (string?)speech[status]!["content"]!["application/json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public async Task Keys_both_voice_list_shapes_and_body_limits_are_declared()
    {
        var document = await ServedDocument();
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["api_key"]!["scheme"]);
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            var keyed = path.StartsWith("/v1/") || path.StartsWith("/dev/");
            Assert.True(keyed == operation!["security"] is not null, $"{method} {path}: security {operation!["security"]?.ToJsonString()}");
            Assert.True(keyed == operation["responses"]!["401"] is not null, $"{method} {path}: 401");
            if (operation["requestBody"] is not null) Assert.True(operation["responses"]!["413"] is not null, $"{method} {path} takes a body but declares no 413");
        }
        var voices = document["paths"]!["/v1/audio/voices"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray();
        Assert.Equal(["#/components/schemas/VoiceList", "#/components/schemas/LegacyVoiceList"], voices.Select(v => (string)v!["$ref"]!));
        var guidance = document["components"]!["schemas"]!["SpeechRequest"]!["properties"]!["guidance_scale"]!;
        Assert.Equal((SpeechLimits.MinGuidanceScale, SpeechLimits.MaxGuidanceScale), ((double)guidance["minimum"]!, (double)guidance["maximum"]!));
    }
}
