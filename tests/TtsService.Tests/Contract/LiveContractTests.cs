using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StandinModels;
using TtsService.Api;
using TtsService.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TtsService.Tests.Contract;

/// <summary>The hosts the contract is checked on: stand-in Kokoro and ZipVoice with keys on, and one with no models at all.</summary>
public sealed class LiveContractHosts : IDisposable
{
    public const string Key = "contract-key";
    private readonly KokoroStandinModels _models = KokoroStandinModels.Writable();
    private readonly string _empty = Directory.CreateTempSubdirectory("tts-contract-empty").FullName;

    public ServiceFactory Main { get; }
    public ServiceFactory NoModels { get; }

    public LiveContractHosts()
    {
        ZipVoiceStandin.Write(_models.Dir, "zipvoice");
        // Small upload limits, so the 413s need small bodies; admission on, so a 429 can be provoked.
        Main = ServiceFactory.WithModels(_models.Dir, ("api_keys", Key), ("max_upload_size_mb", "1"), ("max_queue_wait_seconds", "60"));
        NoModels = ServiceFactory.WithModels(_empty);
    }

    public void Dispose()
    {
        Main.Dispose();
        NoModels.Dispose();
        _models.Dispose();
        try { Directory.Delete(_empty, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The live service against its committed OpenAPI document, judged by an independent checker
/// (<c>tools/openapi/check-exchanges.mjs</c>, Ajv): every operation, each documented status, each enum value and both
/// sides of each range, JSON and multipart, with and without the key. Then the checker's own failures: a range changed in
/// the document only, and a response field renamed in the code only, must each fail it.
/// </summary>
public sealed class LiveContractTests(LiveContractHosts hosts, ITestOutputHelper output) : IClassFixture<LiveContractHosts>
{
    private const string DocumentPath = "src/TtsService/TtsService.json";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtsService.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (TtsService.sln) is not above the test binaries.");
    }

    private static string Tool => Path.Combine(RepoRoot(), "tools", "openapi");

    private static void SkipWithoutChecker() =>
        Skip.IfNot(Directory.Exists(Path.Combine(Tool, "node_modules", "ajv-draft-04")),
            "tools/openapi has no node_modules: scripts/test.sh installs ajv with npm ci.");

    private sealed record CheckResult(int ExitCode, string Output, JsonNode Report);

    /// <summary>Runs the checker on the recorded exchanges against <paramref name="document"/>.</summary>
    private CheckResult Check(List<string> exchanges, string document)
    {
        var dir = Directory.CreateTempSubdirectory("tts-contract").FullName;
        try
        {
            var exchangesPath = Path.Combine(dir, "exchanges.ndjson");
            var reportPath = Path.Combine(dir, "report.json");
            File.WriteAllLines(exchangesPath, exchanges);
            var (exitCode, text) = ToolProcess.Run("node", $"check-exchanges.mjs \"{document}\" \"{exchangesPath}\" \"{reportPath}\"", Tool);
            Assert.True(File.Exists(reportPath), text);
            return new CheckResult(exitCode, text, JsonNode.Parse(File.ReadAllText(reportPath))!);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string DocumentFile => Path.Combine(RepoRoot(), DocumentPath);

    [SkippableFact]
    public async Task The_live_service_matches_its_document_on_every_operation_and_status()
    {
        SkipWithoutChecker();
        var document = JsonNode.Parse(File.ReadAllText(DocumentFile))!;
        var exchanges = new List<string>();
        using (var keyed = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key))
        using (var withoutKey = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key, sendKey: false))
        using (var wrongKey = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key, sendKey: false))
        {
            wrongKey.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-key");
            var driver = new ContractDriver(keyed, document);
            await driver.Everything(withoutKey, wrongKey);
            await driver.Busy(hosts.Main.Services);
        }
        using (var open = ExchangeRecorder.Client(hosts.NoModels, exchanges, key: null))
            await new ContractDriver(open, document).NoModels();

        var result = Check(exchanges, DocumentFile);
        var coverage = result.Report["coverage"]!.AsObject();
        var documented = result.Report["documented"]!.AsObject();
        output.WriteLine($"{exchanges.Count} exchanges; operation: statuses exercised / documented");
        foreach (var (operation, statuses) in documented)
            output.WriteLine($"{operation}: {string.Join(" ", coverage[operation]?.AsArray().Select(s => (string)s!) ?? [])} / {string.Join(" ", statuses!.AsArray().Select(s => (string)s!))}");
        Assert.True(result.ExitCode == 0, result.Output);
        // Each documented status of each operation was seen (a documented status nothing can produce is drift too).
        var missing = documented.SelectMany(o => o.Value!.AsArray().Select(s => (string)s!)
            .Where(s => coverage[o.Key]?.AsArray().Any(c => (string)c! == s) != true).Select(s => $"{o.Key} {s}")).ToList();
        Assert.True(missing.Count == 0, "documented but never exercised: " + string.Join(", ", missing));
    }

    /// <summary>/v1/models lists a model only when its backend can speak it (zipvoice_dialog and _stereo, without files, are left out).</summary>
    [Fact]
    public async Task Every_listed_model_speaks()
    {
        using var client = hosts.Main.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", LiveContractHosts.Key);
        var form = new MultipartFormDataContent
        {
            { new StringContent("models_voice"), "name" }, { new StringContent("A tone."), "transcription" },
            { new ByteArrayContent(Voices.TestAudio.SineWav(1.5)), "audio_file", "tone.wav" },
        };
        Assert.Equal(System.Net.HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", form)).StatusCode);
        var models = (await client.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.Equal(["kokoro", "tts-1", "tts-1-hd", "gpt-4o-mini-tts", "zipvoice"], models);
        foreach (var model in models)
        {
            var voice = model.StartsWith("zipvoice", StringComparison.Ordinal) ? "models_voice" : "af_standin_low";
            var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model, input = "Hello.", voice, response_format = "pcm", stream = false });
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await client.DeleteAsync("/v1/zipvoice/voices/models_voice");
    }

    [SkippableFact]
    public async Task A_range_changed_only_in_the_document_fails_the_check()
    {
        SkipWithoutChecker();
        var drifted = JsonNode.Parse(File.ReadAllText(DocumentFile))!;
        var speed = drifted["components"]!["schemas"]!["SpeechRequest"]!["properties"]!["speed"]!;
        Assert.Equal(4.0, (double)speed["maximum"]!);
        speed["maximum"] = 5.0;
        var path = Path.Combine(Path.GetTempPath(), $"openapi-drifted-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, drifted.ToJsonString());
        try
        {
            var exchanges = new List<string>();
            using (var keyed = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key))
                await new ContractDriver(keyed, drifted).ProbeSpeechFields(allRoutes: false);
            var drift = Check(exchanges, path);
            Assert.Equal(1, drift.ExitCode);
            var failure = Assert.Single(drift.Report["failures"]!.AsArray());
            Assert.Contains("speed = 5 is inside its documented range or values but was refused", (string)failure!);

            // The same exchanges against the committed document pass: the failure is the drift, not the probes.
            Assert.Equal(0, Check(exchanges, DocumentFile).ExitCode);
        }
        finally { File.Delete(path); }
    }

    /// <summary>The issue's drift list, planted back into a copy of the document: the checker fails on each.</summary>
    [SkippableTheory]
    [InlineData("captioned route without its 413", "status 413 is not documented for CreateCaptionedSpeech")]
    [InlineData("voice list documented as the legacy shape only", "response body does not match the ListKokoroVoices 200 schema")]
    [InlineData("no security requirement on /v1/models", "401 from an operation that declares no security requirement")]
    [InlineData("guidance_scale documented wider than it is", "guidance_scale = 10.01 is inside its documented range or values but was refused")]
    public async Task Each_drift_of_the_issue_planted_in_the_document_fails_the_check(string drift, string expected)
    {
        SkipWithoutChecker();
        var document = JsonNode.Parse(File.ReadAllText(DocumentFile))!;
        var paths = document["paths"]!;
        var exchanges = new List<string>();
        using var keyed = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key);
        using var withoutKey = ExchangeRecorder.Client(hosts.Main, exchanges, LiveContractHosts.Key, sendKey: false);
        var driver = new ContractDriver(keyed, document);
        switch (drift)
        {
            case "captioned route without its 413":
                paths["/v1/audio/speech/captioned"]!["post"]!["responses"]!.AsObject().Remove("413");
                await driver.Post("/v1/audio/speech/captioned", ContractDriver.Json(new JsonObject { ["input"] = new string('a', 3 << 20) }));
                break;
            case "voice list documented as the legacy shape only":
                paths["/v1/audio/voices"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/LegacyVoiceList" };
                await keyed.GetAsync("/v1/audio/voices");
                break;
            case "no security requirement on /v1/models":
                paths["/v1/models"]!["get"]!.AsObject().Remove("security");
                await withoutKey.GetAsync("/v1/models");
                break;
            case "guidance_scale documented wider than it is":
                document["components"]!["schemas"]!["SpeechRequest"]!["properties"]!["guidance_scale"]!["maximum"] = 20.0;
                await driver.Post("/v1/zipvoice/audio/speech", ContractDriver.Json(new JsonObject { ["input"] = "Hi.", ["guidance_scale"] = 10.01m }), "guidance_scale");
                break;
        }
        var path = Path.Combine(Path.GetTempPath(), $"openapi-drifted-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString());
        try
        {
            var result = Check(exchanges, path);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, (string)Assert.Single(result.Report["failures"]!.AsArray())!);
            Assert.Equal(0, Check(exchanges, DocumentFile).ExitCode);
        }
        finally { File.Delete(path); }
    }

    [SkippableFact]
    public async Task A_response_field_renamed_only_in_the_code_fails_the_check()
    {
        SkipWithoutChecker();
        // The service as if ModelInfo.OwnedBy had been renamed in the code: its JSON says "owner", the document "owned_by".
        using var renamed = hosts.Main.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolver =
                (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(info =>
                {
                    if (info.Type != typeof(ModelsEndpoints.ModelInfo)) return;
                    foreach (var property in info.Properties.Where(p => p.Name == "owned_by")) property.Name = "owner";
                }))));
        var exchanges = new List<string>();
        using (var keyed = ExchangeRecorder.Client(renamed, exchanges, LiveContractHosts.Key))
        {
            var models = await keyed.GetStringAsync("/v1/models");
            Assert.Contains("\"owner\"", models);
            await keyed.GetAsync("/v1/models/kokoro");
        }
        var result = Check(exchanges, DocumentFile);
        Assert.Equal(1, result.ExitCode);
        var failures = result.Report["failures"]!.AsArray().Select(f => (string)f!).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("owned_by", f));
    }
}
