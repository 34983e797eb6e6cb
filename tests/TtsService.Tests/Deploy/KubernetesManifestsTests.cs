using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TtsService.Configuration;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Deploy;

/// <summary>
/// The manifests in deploy/kubernetes: rendered with kustomize (<c>kubectl kustomize</c>), validated against the
/// Kubernetes schemas by an independent validator (the npm package kubernetes-models, installed into
/// deploy/kubernetes/validate on first use), and held to what the service really serves.
/// </summary>
public sealed class KubernetesManifestsTests(KubernetesManifestsTests.Rendered rendered) : IClassFixture<KubernetesManifestsTests.Rendered>
{
    /// <summary>Renders base and the gpu overlay once and validates them; the reason to skip when a tool is missing.</summary>
    public sealed class Rendered : IDisposable
    {
        private readonly string _temp = Directory.CreateTempSubdirectory("tts-k8s").FullName;

        public string? SkipReason { get; }
        public string Deploy { get; } = FindDeploy();
        public Dictionary<string, JsonElement> Validation { get; } = new();

        public Rendered()
        {
            if (Which("kubectl") is null) { SkipReason = "kubectl is not installed (scripts/install-deps.sh test installs Debian's kubernetes-client); manifests not rendered."; return; }
            if (Which("node") is null || Which("npm") is null) { SkipReason = "node/npm are not installed; the kubernetes-models validator cannot run."; return; }
            var validate = Path.Combine(Deploy, "validate");
            if (!Directory.Exists(Path.Combine(validate, "node_modules", "kubernetes-models")))
            {
                var (code, output) = Run("npm", ["ci", "--no-audit", "--no-fund"], validate);
                if (code != 0) { SkipReason = $"npm ci in {validate} failed (no npm registry?); the validator is not available:\n{output}"; return; }
            }
            foreach (var overlay in new[] { "base", "overlays/gpu" })
            {
                var (code, yaml) = Run("kubectl", ["kustomize", Path.Combine(Deploy, overlay)], Deploy, stdoutOnly: true);
                Assert.True(code == 0, $"kubectl kustomize {overlay} failed:\n{yaml}");
                var file = Path.Combine(_temp, overlay.Replace('/', '-') + ".yaml");
                File.WriteAllText(file, yaml);
                var (_, json) = Run("node", [Path.Combine(validate, "validate.mjs"), file], validate, stdoutOnly: true);
                Validation[overlay] = JsonDocument.Parse(json).RootElement.Clone();
            }
        }

        public void Dispose()
        {
            try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
        }

        private static string FindDeploy()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "deploy", "kubernetes");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("deploy/kubernetes not found above " + AppContext.BaseDirectory);
        }
    }

    private void SkipIfUnavailable() => Skip.If(rendered.SkipReason is not null, rendered.SkipReason);

    private IEnumerable<JsonElement> Documents(string overlay) =>
        rendered.Validation[overlay].GetProperty("documents").EnumerateArray();

    private JsonElement Object(string overlay, string kind) =>
        Assert.Single(Documents(overlay), d => d.GetProperty("kind").GetString() == kind).GetProperty("object");

    [SkippableTheory]
    [InlineData("base")]
    [InlineData("overlays/gpu")]
    public void Every_rendered_manifest_is_valid_against_the_Kubernetes_schemas(string overlay)
    {
        SkipIfUnavailable();
        var errors = Documents(overlay).Where(d => d.GetProperty("errors").GetArrayLength() > 0)
            .Select(d => $"{d.GetProperty("kind")} {d.GetProperty("name")}: {d.GetProperty("errors")}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(rendered.Validation[overlay].GetProperty("ok").GetBoolean());
        Assert.Equal(["Deployment", "HorizontalPodAutoscaler", "PersistentVolumeClaim", "PersistentVolumeClaim", "Secret", "Service"],
            Documents(overlay).Select(d => d.GetProperty("kind").GetString()!).Order(StringComparer.Ordinal));
        var modes = Documents(overlay).Where(d => d.GetProperty("kind").GetString() == "PersistentVolumeClaim")
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("object").GetProperty("spec").GetProperty("accessModes").EnumerateArray().Select(m => m.GetString()).ToList());
        Assert.Contains("ReadWriteMany", modes["ttsservice-data"]);
        Assert.Contains("ReadOnlyMany", modes["ttsservice-models"]);
    }

    [SkippableFact]
    public void The_gpu_overlay_asks_for_a_gpu_and_turns_use_gpu_on_and_base_does_neither()
    {
        SkipIfUnavailable();
        var gpu = Container(Object("overlays/gpu", "Deployment"));
        Assert.Equal("1", gpu.GetProperty("resources").GetProperty("limits").GetProperty("nvidia.com/gpu").ToString());
        Assert.Equal("true", Env(gpu)["use_gpu"]);
        Assert.Equal("cuda", Env(gpu)["device_type"]); // CUDA demanded: no silent CPU fallback on a GPU node
        Assert.EndsWith(":gpu", gpu.GetProperty("image").GetString());
        var cpu = Container(Object("base", "Deployment"));
        Assert.False(cpu.GetProperty("resources").GetProperty("limits").TryGetProperty("nvidia.com/gpu", out _));
        Assert.False(Env(cpu).ContainsKey("use_gpu"));
        Assert.False(Env(cpu).ContainsKey("device_type"));
        // The overlay patched the container, it did not replace the base's settings.
        Assert.Equal(Env(cpu)["zipvoice_cache_dir"], Env(gpu)["zipvoice_cache_dir"]);
    }

    [SkippableFact]
    public async Task Probes_ports_settings_and_volumes_match_what_the_service_serves()
    {
        SkipIfUnavailable();
        var deployment = Object("base", "Deployment");
        var pod = deployment.GetProperty("spec").GetProperty("template");
        var container = Container(deployment);
        var env = Env(container);

        // Ports: the container listens where ASPNETCORE_URLS says; the Service's target is that named port.
        var port = Assert.Single(container.GetProperty("ports").EnumerateArray());
        Assert.Equal(new Uri(env["ASPNETCORE_URLS"]).Port, port.GetProperty("containerPort").GetInt32());
        var servicePort = Assert.Single(Object("base", "Service").GetProperty("spec").GetProperty("ports").EnumerateArray());
        Assert.Equal(port.GetProperty("name").GetString(), servicePort.GetProperty("targetPort").GetString());
        var annotations = pod.GetProperty("metadata").GetProperty("annotations");
        Assert.Equal(port.GetProperty("containerPort").GetInt32().ToString(), annotations.GetProperty("prometheus.io/port").GetString());

        // Every lower-case variable is a real setting (an unknown one would be ignored silently).
        var settings = typeof(TtsSettings).GetProperties().Select(p => TtsSettings.ToSnakeCase(p.Name)).ToHashSet();
        foreach (var name in env.Keys.Where(k => k.Any(char.IsLower) && k.ToLowerInvariant() == k))
            Assert.True(settings.Contains(name), $"{name} is not a TtsSettings setting");
        Assert.True(pod.GetProperty("spec").GetProperty("terminationGracePeriodSeconds").GetInt32() > int.Parse(env["shutdown_timeout_seconds"]));
        var secret = container.GetProperty("env").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "api_keys")
            .GetProperty("valueFrom").GetProperty("secretKeyRef");
        Assert.Equal(Object("base", "Secret").GetProperty("metadata").GetProperty("name").GetString(), secret.GetProperty("name").GetString());

        // The voice store and downloads live on the shared (ReadWriteMany) claim; the models on the read-only one.
        var mounts = container.GetProperty("volumeMounts").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m);
        var claims = pod.GetProperty("spec").GetProperty("volumes").EnumerateArray().Where(v => v.TryGetProperty("persistentVolumeClaim", out _))
            .ToDictionary(v => v.GetProperty("persistentVolumeClaim").GetProperty("claimName").GetString()!, v => v.GetProperty("name").GetString()!);
        var data = mounts[claims["ttsservice-data"]].GetProperty("mountPath").GetString()!;
        Assert.StartsWith(data + "/", env["zipvoice_cache_dir"]);
        Assert.StartsWith(data + "/", env["download_dir"]);
        var models = mounts[claims["ttsservice-models"]];
        Assert.Equal(env["models_dir"], models.GetProperty("mountPath").GetString());
        Assert.True(models.GetProperty("readOnly").GetBoolean());
        Assert.True(container.GetProperty("securityContext").GetProperty("readOnlyRootFilesystem").GetBoolean());
        Assert.True(pod.GetProperty("spec").GetProperty("securityContext").GetProperty("runAsNonRoot").GetBoolean());

        // The probe paths and the scrape path answer 200 on the real service (stand-in models) as configured here.
        using var standins = new KokoroStandinModels();
        await using var factory = ServiceFactory.WithModels(standins.Dir, ("max_queue_wait_seconds", env["max_queue_wait_seconds"]));
        var http = factory.CreateClient();
        var paths = new[] { "startupProbe", "livenessProbe", "readinessProbe" }
            .Select(p => container.GetProperty(p).GetProperty("httpGet"))
            .Select(g => (Path: g.GetProperty("path").GetString()!, Port: g.GetProperty("port").GetString()))
            .Append((Path: annotations.GetProperty("prometheus.io/path").GetString()!, Port: port.GetProperty("name").GetString()))
            .ToList();
        Assert.Contains(paths, p => p.Path == "/ready");
        Assert.Contains(paths, p => p.Path == "/health");
        foreach (var (path, probePort) in paths)
        {
            Assert.Equal(port.GetProperty("name").GetString(), probePort);
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
        // The autoscaler's metric is one the service exports.
        var hpaMetric = Object("base", "HorizontalPodAutoscaler").GetProperty("spec").GetProperty("metrics")[0].GetProperty("pods").GetProperty("metric").GetProperty("name").GetString()!;
        Assert.Contains(hpaMetric + " ", await http.GetStringAsync(annotations.GetProperty("prometheus.io/path").GetString()));
    }

    private static JsonElement Container(JsonElement deployment) =>
        Assert.Single(deployment.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers").EnumerateArray());

    private static Dictionary<string, string> Env(JsonElement container) => container.GetProperty("env").EnumerateArray()
        .Where(e => e.TryGetProperty("value", out _))
        .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static (int Code, string Output) Run(string tool, string[] arguments, string workingDirectory, bool stdoutOnly = false)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdoutOnly && process.ExitCode == 0 ? stdout : stdout + stderr.Result);
    }
}
