using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RealModelBench;

/// <summary>
/// The node peers (peers/*.js): each process loads, warms up once and says ready; then every round writes one
/// line to each of <c>concurrency</c> processes at once, and each answers with its run's times.
/// </summary>
sealed class Peers(string nodeModules, string scripts)
{
    public string? Versions { get; private set; }

    /// <summary>
    /// node_modules with onnxruntime-node and sherpa-onnx-node 1.13.8: <paramref name="option"/> (a folder
    /// holding node_modules, or node_modules itself), else a cache folder, npm-installed there when missing.
    /// </summary>
    public static string EnsureInstalled(string? option)
    {
        if (option is not null)
        {
            var modules = Path.GetFileName(Path.TrimEndingDirectorySeparator(option)) == "node_modules" ? option : Path.Combine(option, "node_modules");
            return HasPeers(modules) ? Path.GetFullPath(modules)
                : throw new DirectoryNotFoundException($"--node-modules {option}: no onnxruntime-node and sherpa-onnx-node there");
        }
        var cache = Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "tts-realmodelbench", "node");
        var installed = Path.Combine(cache, "node_modules");
        if (HasPeers(installed)) return installed;
        Directory.CreateDirectory(cache);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "peers", "package.json"), Path.Combine(cache, "package.json"), overwrite: true);
        Console.Error.WriteLine($"npm install onnxruntime-node@1.30.0 sherpa-onnx-node@1.13.8 into {cache}");
        // onnxruntime-node's install script fetches its CUDA libraries from NuGet unless told not to; the peers run on CPU.
        Tools.Run("npm", ["install", "--no-audit", "--no-fund", "--loglevel", "error"], cache, new Dictionary<string, string> { ["ONNXRUNTIME_NODE_INSTALL_CUDA"] = "skip" });
        return installed;
    }

    public Task<Measured> KokoroAsync(string model, string voice, int[] tokens, int threads, int concurrency, int runs) =>
        RunAsync("kokoro_ort.js", [model, voice, string.Join(',', tokens), Str(threads), Str(runs)], concurrency, runs);

    public Task<Measured> SherpaAsync(string pack, string promptWav, int steps, int threads, int concurrency, int runs) =>
        RunAsync("sherpa_zipvoice.js", [pack, promptWav, RealModelAssets.PromptText, Texts.Text, Str(steps), Str(threads), Str(runs)], concurrency, runs);

    private async Task<Measured> RunAsync(string script, string[] arguments, int concurrency, int runs)
    {
        var processes = new List<(Process Process, StringBuilder Errors)>();
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add(Path.Combine(scripts, script));
                foreach (var a in arguments) start.ArgumentList.Add(a);
                start.Environment["NODE_PATH"] = nodeModules;
                var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
                var errors = new StringBuilder();
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
                process.BeginErrorReadLine();
                processes.Add((process, errors));
            }
            foreach (var (process, errors) in processes)
            {
                var ready = await ReadJsonAsync(process, errors);
                var version = ready.TryGetProperty("ort", out var ort) ? $"onnxruntime-node {ort}" : $"sherpa-onnx-node {ready.GetProperty("sherpa")}";
                Versions = Versions is null || Versions.Contains(version) ? Versions ?? version : $"{Versions}, {version}";
            }
            var requests = new List<Request>();
            var walls = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                foreach (var (process, _) in processes) await process.StandardInput.WriteLineAsync("go");
                foreach (var (process, _) in processes) await process.StandardInput.FlushAsync();
                var results = await Task.WhenAll(processes.Select(p => ReadJsonAsync(p.Process, p.Errors)));
                foreach (var r in results)
                {
                    var elapsed = r.GetProperty("elapsed_s").GetDouble();
                    requests.Add(new Request(elapsed, elapsed, r.GetProperty("audio_s").GetDouble()));
                }
                walls.Add(Math.Max(0.001, (results.Max(r => r.GetProperty("end_ms").GetDouble()) - results.Min(r => r.GetProperty("start_ms").GetDouble())) / 1000));
            }
            foreach (var (process, _) in processes) await process.WaitForExitAsync();
            return new Measured(requests, walls);
        }
        finally
        {
            foreach (var (process, _) in processes)
            {
                if (!process.HasExited) process.Kill();
                process.Dispose();
            }
        }
    }

    /// <summary>The next JSON line the peer prints (other lines, such as library logs, are passed over).</summary>
    private static async Task<JsonElement> ReadJsonAsync(Process process, StringBuilder errors)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith('{')) return JsonDocument.Parse(line).RootElement.Clone();
        }
        await process.WaitForExitAsync();
        lock (errors) throw new InvalidOperationException($"peer exited ({process.ExitCode}): {errors}");
    }

    private static bool HasPeers(string modules) =>
        Directory.Exists(Path.Combine(modules, "onnxruntime-node")) && Directory.Exists(Path.Combine(modules, "sherpa-onnx-node"));

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
