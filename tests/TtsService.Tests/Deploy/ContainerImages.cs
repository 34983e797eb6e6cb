using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Deploy;

/// <summary>
/// The project's Dockerfile built with buildah, as it stands apart from its base-image arguments, into the CPU and
/// the GPU image, on local stand-in bases (deploy/container/standin-bases.sh: Debian from debootstrap plus this
/// machine's .NET), and run with podman the way users and the Kubernetes manifests run it. Built once per test run;
/// <see cref="SkipReason"/> says why when the container tools are missing or not usable here.
/// </summary>
public sealed class ContainerImages : IAsyncLifetime
{
    public const string CpuImage = "localhost/ttsservice-test:cpu";
    public const string GpuImage = "localhost/ttsservice-test:gpu";
    /// <summary>The uid the official .NET images' "app" user has, and the Kubernetes manifests run as.</summary>
    public const int AppUid = 1654;

    private readonly Dictionary<string, string> _engineEnvironment = new();
    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public string? SkipReason { get; private set; }
    public string RepositoryRoot { get; } = FindRepositoryRoot();
    public string ModelsDir { get; } = Directory.CreateTempSubdirectory("tts-container-models").FullName;
    public TimeSpan StandinBasesTime { get; private set; }
    public TimeSpan CpuBuildTime { get; private set; }
    public TimeSpan GpuBuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("TTS_SKIP_CONTAINER_TESTS") == "1")
        {
            SkipReason = "TTS_SKIP_CONTAINER_TESTS=1: the container images are not built.";
            return;
        }
        var clock = Stopwatch.StartNew();
        var bases = await RunAsync(Path.Combine(RepositoryRoot, "deploy", "container", "standin-bases.sh"), [], TimeSpan.FromMinutes(10));
        if (bases.ExitCode == 3)
        {
            SkipReason = $"Container tools are missing (scripts/install-deps.sh test installs Debian's buildah, podman, runc and debootstrap): {bases.Error.Trim()}";
            return;
        }
        Assert.True(bases.ExitCode == 0, $"deploy/container/standin-bases.sh failed:\n{bases.Error}");
        StandinBasesTime = clock.Elapsed;
        var images = bases.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        foreach (var key in new[] { "CONTAINERS_STORAGE_CONF", "CONTAINERS_CONF" }) _engineEnvironment[key] = images[key];

        // Stand-in models, readable by the image's non-root user (temp folders are created 0700).
        KokoroStandin.Write(ModelsDir, SharedAssets.KokoroDir);
        VocosStandin.Write(ModelsDir);
        ZipVoiceStandin.Write(ModelsDir, "zipvoice");
        OpenToEveryone(ModelsDir);

        clock.Restart();
        await BuildAsync(CpuImage, ("FLAVOR", "cpu"), ("SDK_IMAGE", images["SDK_IMAGE"]), ("ASPNET_IMAGE", images["ASPNET_IMAGE"]));
        CpuBuildTime = clock.Elapsed;
        clock.Restart();
        await BuildAsync(GpuImage, ("FLAVOR", "gpu"), ("SDK_IMAGE", images["SDK_IMAGE"]), ("ASPNET_IMAGE", images["ASPNET_IMAGE"]),
            ("CUDA_IMAGE", images["CUDA_IMAGE"]));
        GpuBuildTime = clock.Elapsed;
    }

    /// <summary>
    /// buildah bud on the repository's Dockerfile. FLAVOR is passed even for the default: buildah 1.28 resolves
    /// <c>FROM base-${FLAVOR}</c> to a stage only for an argument given on the command line. The host's NuGet
    /// cache is mounted for the restore so that a test run does not download the packages again.
    /// </summary>
    private async Task BuildAsync(string tag, params (string Name, string Value)[] args)
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Directory.CreateDirectory(nuget);
        List<string> arguments = ["bud", "--format", "docker", "--isolation", "chroot", "--pull-never", "--layers",
            "-v", $"{nuget}:/root/.nuget/packages", "-t", tag];
        foreach (var (name, value) in args) arguments.AddRange(["--build-arg", $"{name}={value}"]);
        arguments.Add(RepositoryRoot);
        var build = await RunAsync("buildah", arguments, TimeSpan.FromMinutes(20));
        Assert.True(build.ExitCode == 0, $"buildah bud {tag} failed:\n{Tail(build.Output + build.Error, 6000)}");
    }

    /// <summary>
    /// Starts <paramref name="image"/> detached as the manifests run it: uid 1654, read-only root file system,
    /// only /data (a named volume, filled from the image the first time as Docker does) and /tmp writable,
    /// the models mounted read-only. Returns the container's name and the host port that maps to 8880.
    /// </summary>
    public async Task<(string Name, int Port)> StartAsync(string image, string dataVolume, params (string Name, string Value)[] environment)
    {
        var name = $"tts-test-{_suffix}-{_containers.Count}";
        var volume = $"{dataVolume}-{_suffix}";
        if (!_volumes.Contains(volume)) _volumes.Add(volume);
        var port = FreePort();
        List<string> arguments = ["run", "-d", "--name", name, "--user", $"{AppUid}:{AppUid}", "--read-only", "--tmpfs", "/tmp",
            "-p", $"127.0.0.1:{port}:8880", "-v", $"{ModelsDir}:/app/models:ro", "-v", $"{volume}:/data"];
        foreach (var (key, value) in environment) arguments.AddRange(["-e", $"{key}={value}"]);
        arguments.Add(image);
        var run = await PodmanAsync(arguments);
        Assert.True(run.ExitCode == 0, $"podman run {image} failed:\n{run.Error}");
        _containers.Add(name);
        return (name, port);
    }

    public Task<ProcessResult> PodmanAsync(IEnumerable<string> arguments) => RunAsync("podman", arguments, TimeSpan.FromMinutes(3));

    /// <summary>Waits until the service in <paramref name="container"/> answers /health; fails with its log when it does not.</summary>
    public async Task<HttpClient> WaitForHealthAsync(string container, int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return client;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(500);
        }
        var logs = await PodmanAsync(["logs", container]);
        throw new Xunit.Sdk.XunitException($"{container} did not answer /health within 120 s. Its log:\n{Tail(logs.Output + logs.Error, 6000)}");
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _containers) await PodmanAsync(["rm", "-f", "-t", "2", container]);
        foreach (var volume in _volumes) await PodmanAsync(["volume", "rm", "-f", volume]);
        try { Directory.Delete(ModelsDir, recursive: true); } catch (IOException) { }
    }

    public sealed record ProcessResult(int ExitCode, string Output, string Error);

    private async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in _engineEnvironment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran past {timeout}.");
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }

    public static string Tail(string text, int length) => text.Length <= length ? text : "…" + text[^length..];

    private static void OpenToEveryone(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dir, directory);
        foreach (var sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(sub, directory);
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dockerfile")) && File.Exists(Path.Combine(dir.FullName, "TtsService.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("The repository root (Dockerfile, TtsService.sln) was not found above " + AppContext.BaseDirectory);
    }
}
