using System.Diagnostics;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The AsyncAPI document of the WebSocket routes (<c>src/TtsService/TtsService.asyncapi.yaml</c>): AsyncAPI's own parser
/// accepts it and rejects a broken copy, and every event a session really sends is declared in it.
/// </summary>
public sealed class AsyncApiDocumentTests(StreamingService service) : IClassFixture<StreamingService>
{
    private const string DocumentPath = "src/TtsService/TtsService.asyncapi.yaml";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtsService.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private static (int ExitCode, string Output) Validate(string document)
    {
        var tool = Path.Combine(RepoRoot(), "tools", "asyncapi");
        Skip.IfNot(Directory.Exists(Path.Combine(tool, "node_modules", "@asyncapi", "parser")),
            "tools/asyncapi has no node_modules: scripts/test.sh installs @asyncapi/parser with npm ci.");
        return ToolProcess.Run("node", $"validate.mjs \"{document}\"", tool);
    }

    [SkippableFact]
    public void AsyncApis_parser_accepts_the_document_and_rejects_a_broken_one()
    {
        var document = Path.Combine(RepoRoot(), DocumentPath);
        var (exit, output) = Validate(document);
        Assert.True(exit == 0, output);
        Assert.StartsWith("valid: AsyncAPI 3.", output);

        // The same parser must be able to fail: a message the channel refers to is gone.
        var broken = Path.Combine(Path.GetTempPath(), $"asyncapi-broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(broken, File.ReadAllText(document).Replace("#/components/messages/Chunk'", "#/components/messages/Missing'"));
        try
        {
            var (brokenExit, brokenOutput) = Validate(broken);
            Assert.Equal(1, brokenExit);
            Assert.Contains("Missing", brokenOutput);
        }
        finally { File.Delete(broken); }
    }

    [Fact]
    public async Task Every_event_a_session_sends_is_declared_in_the_document()
    {
        var document = File.ReadAllText(Path.Combine(RepoRoot(), DocumentPath));
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = "af_standin_low", audio_transport = "base64" });
        await client.SendAsync(new { type = "text", text = "A few words, then a flush.", flush = true });
        var before = new List<System.Text.Json.JsonElement>();
        do before.Add(await client.NextEventAsync());
        while (before[^1].GetProperty("type").GetString() != "flushed");
        await client.SendAsync(new { type = "cancel" });
        await client.SendAsync(new { type = "text", text = "And the end." });
        await client.SendAsync(new { type = "end" });
        var transcript = await client.ReadToEndAsync();
        var types = before.Concat(transcript.Events).Select(e => e.GetProperty("type").GetString()!).Distinct().ToList();
        Assert.Superset(new HashSet<string> { "started", "audio", "chunk", "flushed", "cancelled", "done" }, types.ToHashSet());
        foreach (var type in types.Append("error"))
            Assert.Contains($"type: {{ const: {type} }}", document);
        // Each chunk event carries exactly the fields the document requires of it.
        var chunk = before.First(e => e.GetProperty("type").GetString() == "chunk");
        foreach (var field in new[] { "index", "text", "start_time", "end_time", "timestamps", "timestamp_source", "sample_rate", "channels" })
            Assert.True(chunk.TryGetProperty(field, out _), field);
    }
}
