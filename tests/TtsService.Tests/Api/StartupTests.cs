using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Tests.Infrastructure;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;

namespace TtsService.Tests.Api;

/// <summary>
/// Explicit start-up (issue 20): models load in the host's start (ModelLoader calling ISpeechBackend.LoadAsync), not
/// in constructors; /ready says "loading" meanwhile; generating the OpenAPI document at build starts no work.
/// </summary>
public sealed class StartupTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    [SkippableFact]
    public async Task Kokoro_reads_its_files_in_LoadAsync_not_when_built()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "espeak-ng is not installed");
        var settings = new TtsSettings { ModelsDir = models.Dir };
        using var backend = new KokoroBackend(settings, new HostingEnvironment { ContentRootPath = models.Dir },
            new OnnxSessions(settings, NullLogger<OnnxSessions>.Instance), new InferenceLimiter(settings),
            new EnglishTextNormalizer(), new SentenceChunker(), new KokoroG2P(espeak), NullLogger<KokoroBackend>.Instance);
        Assert.Equal(BackendState.Loading, backend.Status.State);
        Assert.Equal(0, backend.Voices.Count);
        Assert.Null(backend.Frontend);

        await backend.LoadAsync(CancellationToken.None);
        Assert.Equal(BackendState.Ready, backend.Status.State);
        Assert.True(backend.Voices.Count > 0);
        Assert.NotNull(backend.Frontend);
    }

    /// <summary>A backend whose load waits for the test to let it finish.</summary>
    private sealed class GatedBackend : ISpeechBackend
    {
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile BackendStatus _status = new("gated", BackendState.Loading, "loading", ["gated"]);
        public string Name => "gated";
        public BackendStatus Status => _status;
        public bool Handles(string modelId) => modelId == "gated";

        public async Task LoadAsync(CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            _status = _status with { State = BackendState.Ready, Reason = null };
        }

        public IAsyncEnumerable<AudioChunk> SpeakAsync(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    [Fact]
    public async Task Ready_says_loading_while_the_host_loads_models_and_speech_is_503_until_then()
    {
        var gated = new GatedBackend();
        var port = Scaling.ReplicaPair.FreePort();
        // appsettings.json names the service's urls; this host listens on a free loopback port instead.
        // No model files: the gated backend is the only one that can become ready.
        var empty = Directory.CreateTempSubdirectory("tts-no-models").FullName;
        await using var service = ServiceFactory.WithModels(empty, ("urls", $"http://127.0.0.1:{port}"))
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ISpeechBackend>(gated)));
        service.UseKestrel();
        // The host's start waits for the models; the server already listens (as in production, where Kestrel starts first).
        var start = Task.Run(service.StartServer);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            JsonElement? loading = null;
            Exception? last = null;
            for (var i = 0; i < 400 && loading is null; i++)
            {
                try
                {
                    var response = await http.GetAsync("/ready");
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.False(body.GetProperty("ready").GetBoolean());
                    loading = body;
                }
                catch (HttpRequestException e) { last = e; await Task.Delay(25); }
            }
            Assert.True(loading is not null, $"/ready never answered while loading: {last}");
            var state = loading.Value.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "gated");
            Assert.Equal("loading", state.GetProperty("state").GetString());
            var speech = await http.PostAsJsonAsync("/v1/audio/speech", new { model = "gated", input = "Hi.", voice = "x" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, speech.StatusCode);
            Assert.Contains("still loading", await speech.Content.ReadAsStringAsync());
            Assert.False(start.IsCompleted, "the host finished starting before its models were in");
        }
        finally { gated.Release.TrySetResult(); }
        await start;
        var ready = await http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backends").EnumerateArray()
            .Single(b => b.GetProperty("name").GetString() == "gated").GetProperty("state").GetString());
        Directory.Delete(empty);
    }

    /// <summary>
    /// The build runs the entry point under GetDocument.Insider to write TtsService.json; that must start nothing
    /// (before, it opened the voice store and so created data/zipvoice_prompts in the project folder on every build).
    /// Runs the same tool the build runs, on the built service, in an empty folder.
    /// </summary>
    [SkippableFact]
    public void Generating_the_openapi_document_starts_no_work_and_writes_nothing_but_the_document()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tool = Directory.Exists(Path.Combine(packages, "microsoft.extensions.apidescription.server"))
            ? Directory.GetFiles(Path.Combine(packages, "microsoft.extensions.apidescription.server"), "dotnet-getdocument.dll", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "tools").Order().LastOrDefault()
            : null;
        Skip.If(tool is null, $"dotnet-getdocument (Microsoft.Extensions.ApiDescription.Server) is not in {packages}.");
        var dir = Directory.CreateTempSubdirectory("tts-getdocument").FullName;
        try
        {
            var output = Path.Combine(dir, "out");
            var info = new ProcessStartInfo("dotnet",
            [
                tool!, "--assembly", Path.Combine(AppContext.BaseDirectory, "TtsService.dll"), "--file-list", Path.Combine(output, "files.txt"),
                "--framework", ".NETCoreApp,Version=v10.0", "--output", output, "--project", "TtsService",
            ])
            { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "dotnet-getdocument did not finish in 2 minutes");
            var log = stdout.Result + stderr;
            Assert.True(process.ExitCode == 0, log);
            Assert.True(File.Exists(Path.Combine(output, "TtsService.json")), log);
            // Only the tool's own output: no data/ folder, no lock file, no download folder.
            Assert.Equal("out", string.Join(",", Directory.GetFileSystemEntries(dir).Select(Path.GetFileName)));
            Assert.DoesNotContain("Backends loaded", log);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
