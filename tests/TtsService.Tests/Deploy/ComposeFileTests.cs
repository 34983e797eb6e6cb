using System.Diagnostics;
using System.Text.Json;

namespace TtsService.Tests.Deploy;

/// <summary>
/// docker-compose.yml checked by an independent tool: dclint (npm), which validates against the Compose
/// Specification's JSON schema and lints, installed into deploy/compose-check from its lock file on first use.
/// No Docker engine is needed. Then what the file declares is held to the image: volumes, the gpu profile's
/// device reservation, the build flavors.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly Lazy<string?> Installed = new(Install);
    private static readonly string Root = ContainerImages.FindRepositoryRoot();
    private static string CheckDir => Path.Combine(Root, "deploy", "compose-check");

    private static string? Install()
    {
        if (Which("node") is null || Which("npm") is null) return "node/npm are not installed; the Compose checker (dclint) cannot run.";
        if (Directory.Exists(Path.Combine(CheckDir, "node_modules", "dclint"))) return null;
        var (code, output) = Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        return code == 0 ? null : $"npm ci in {CheckDir} failed (no npm registry?):\n{output}";
    }

    private static void SkipIfUnavailable() => Skip.If(Installed.Value is not null, Installed.Value);

    [SkippableFact]
    public void The_compose_file_is_valid_against_the_Compose_Specification_and_lint_clean()
    {
        SkipIfUnavailable();
        var report = Lint(Path.Combine(Root, "docker-compose.yml"));
        Assert.True(report.GetProperty("errorCount").GetInt32() == 0 && report.GetProperty("warningCount").GetInt32() == 0,
            report.GetProperty("messages").ToString());
    }

    [SkippableFact]
    public void The_checker_rejects_a_device_reservation_that_breaks_the_schema()
    {
        SkipIfUnavailable();
        var text = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        Assert.Contains("capabilities: [gpu]", text);
        var planted = Path.Combine(Path.GetTempPath(), $"compose-planted-{Guid.NewGuid():N}.yml");
        File.WriteAllText(planted, text.Replace("capabilities: [gpu]", "capabilities: gpu"));
        try
        {
            var report = Lint(planted);
            var error = Assert.Single(report.GetProperty("messages").EnumerateArray(), m => m.GetProperty("type").GetString() == "error");
            Assert.Equal("invalid-schema", error.GetProperty("rule").GetString());
            Assert.Contains("capabilities", error.GetProperty("message").GetString());
        }
        finally { File.Delete(planted); }
    }

    [SkippableFact]
    public void The_services_mount_what_the_image_expects_and_the_gpu_profile_reserves_an_NVIDIA_GPU()
    {
        SkipIfUnavailable();
        var (code, json) = Run("node", [Path.Combine(CheckDir, "to-json.mjs"), Path.Combine(Root, "docker-compose.yml")]);
        Assert.True(code == 0, json);
        var services = JsonDocument.Parse(json).RootElement.GetProperty("services");
        foreach (var (name, flavor) in new[] { ("tts", "cpu"), ("tts-gpu", "gpu") })
        {
            var service = services.GetProperty(name);
            Assert.Equal(flavor, service.GetProperty("build").GetProperty("args").GetProperty("FLAVOR").GetString());
            var volumes = service.GetProperty("volumes").EnumerateArray().Select(v => v.GetString()!).ToList();
            Assert.Contains(volumes, v => v.EndsWith(":/app/models:ro"));
            Assert.Contains(volumes, v => v.EndsWith(":/data"));
            Assert.Equal("127.0.0.1:8880:8880", Assert.Single(service.GetProperty("ports").EnumerateArray()).GetString());
        }
        Assert.False(services.GetProperty("tts").TryGetProperty("profiles", out _));
        var gpu = services.GetProperty("tts-gpu");
        Assert.Equal(["gpu"], gpu.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        var device = Assert.Single(gpu.GetProperty("deploy").GetProperty("resources").GetProperty("reservations").GetProperty("devices").EnumerateArray());
        Assert.Equal("nvidia", device.GetProperty("driver").GetString());
        Assert.Equal(1, device.GetProperty("count").GetInt32());
        Assert.Equal(["gpu"], device.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("cuda", gpu.GetProperty("environment").GetProperty("device_type").GetString());
        Assert.False(services.GetProperty("tts").TryGetProperty("environment", out _));
    }

    /// <summary>dclint's JSON report for one file (its config: deploy/compose-check/.dclintrc.json).</summary>
    private static JsonElement Lint(string file)
    {
        var (_, json) = Run("npx", ["--no-install", "dclint", "-c", ".dclintrc.json", "-f", "json", file], stdoutOnly: true);
        return Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray()).Clone();
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> arguments, bool stdoutOnly = false)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = CheckDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdoutOnly ? output : output + error.Result);
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
