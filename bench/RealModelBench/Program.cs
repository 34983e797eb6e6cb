using System.Diagnostics;
using System.Globalization;
using RealModelBench;

// This service against peers on the same model files, prompt, text, steps and threads: Kokoro against the
// bare model call in onnxruntime-node (on the service's own token ids), ZipVoice and its distilled variant
// against sherpa-onnx 1.13.8. One service process per configuration (--onnx_intra_op_threads 1, 2, and the
// default settings), measured over HTTP after a warm-up; the peers run after the service has stopped.
//   dotnet run -c Release --project bench/RealModelBench -- --models /tmp/realshape/models
//   quick check: ... --only kokoro,distill --threads 1 --concurrency 1 --runs 1 --steps 1 --no-default
//   like a voice agent (issue 22): ... --agent 3 --only kokoro,distill --threads 1 --no-peers
// ZipVoice-Dialog rows (no peer: none runs it) when the folder also holds tools/export's zipvoice_dialog/ and/or
// zipvoice_dialog_stereo/: the same text as two turns; mono uses the same 3 s prompt as a merged two-speaker
// voice, stereo that prompt as both speakers (split prompts: 6 s of prompt, in two channels).
// A full run is ~20+ minutes on 2 cores (ZipVoice 16 steps is ~75 s a request at 1 thread).
var options = Options.Parse(args);
var repoRoot = FindRepoRoot();
var work = Directory.CreateTempSubdirectory("realmodelbench-").FullName;
try
{
    var sharedKokoro = options.SharedKokoro ?? RealModelAssets.FindSharedKokoro(repoRoot);
    var layout = RealModelAssets.Assemble(options.Models, sharedKokoro, Path.Combine(work, "models"));
    var models = BenchModel.All(options.Steps).Where(m => options.Only is null || options.Only.Contains(m.Key)).ToList();
    foreach (var missing in models.Where(m => !m.IsIn(layout)).ToList())
    {
        Console.Error.WriteLine($"note: {missing.Name} is not in {options.Models}; skipped");
        models.Remove(missing);
    }
    if (models.Count == 0) { Console.Error.WriteLine("nothing to measure"); return 2; }

    var promptPath = Path.Combine(work, "prompt.wav");
    File.WriteAllBytes(promptPath, RealModelAssets.MakePrompt());
    var dll = options.Dll ?? Path.Combine(repoRoot, "src", "TtsService", "bin", "Release", "net10.0", "TtsService.dll");
    if (options.Dll is null && !File.Exists(dll))
        Tools.Run("dotnet", ["build", Path.Combine(repoRoot, "src", "TtsService"), "-c", "Release", "-v", "quiet"], repoRoot);
    var peers = options.NoPeers ? null : new Peers(Peers.EnsureInstalled(options.NodeModules), Path.Combine(AppContext.BaseDirectory, "peers"));

    Console.WriteLine($"models: {Path.GetFullPath(options.Models)} (service layout {layout.ServiceDir}; Kokoro model {layout.KokoroModel ?? "none"})");
    Console.WriteLine($"text: {Texts.Text.Length} chars; prompt: espeak-ng, {RealModelAssets.PromptSeconds} s, \"{RealModelAssets.PromptText}\"");
    Console.WriteLine($"runs {options.Runs} per cell after one warm-up; Kokoro as {options.KokoroFormat}, ZipVoice as pcm; {Environment.ProcessorCount} cores");
    Console.WriteLine();

    var configs = options.Threads.Select(t => new ServiceConfig($"threads {t}", t,
        ["--onnx_intra_op_threads", t.ToString(CultureInfo.InvariantCulture), "--max_concurrent_inferences", options.Concurrency.Max().ToString(CultureInfo.InvariantCulture)])).ToList();
    if (!options.NoDefault) configs.Add(new ServiceConfig("default settings", null, []));
    // --config "LABEL=--setting value ..." adds a configuration with the default thread count (e.g. the per-session pools).
    configs.AddRange(options.Configs.Select(c => new ServiceConfig(c.Label, null, c.Args)));

    if (options.Soak > 0)
    {
        var config = configs[0];
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] soak, service {config.Label}");
        await using var service = await ServiceProcess.StartAsync(dll, repoRoot, layout.ServiceDir, Path.Combine(work, "data"), config.Args);
        if (models.Any(m => m.IsZipVoice)) await service.RegisterPromptAsync(File.ReadAllBytes(promptPath));
        Console.WriteLine($"service: {config.Label} {string.Join(' ', config.Args)}");
        return await Soak.RunAsync(service, models, options.Soak, options.KokoroFormat);
    }

    if (options.Agent > 0)
    {
        // Issue 22: text streamed in like an LLM's answer, one service per configuration.
        AgentBench.PrintHeader();
        var agentRows = new List<string>();
        foreach (var config in configs)
        {
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] agent, service {config.Label}");
            await using var service = await ServiceProcess.StartAsync(dll, repoRoot, layout.ServiceDir, Path.Combine(work, "data"), config.Args);
            if (models.Any(m => m.IsZipVoice)) await service.RegisterPromptAsync(File.ReadAllBytes(promptPath));
            foreach (var model in models) agentRows.AddRange(await AgentBench.RunAsync(service, model, options.Agent, config.Label));
        }
        foreach (var row in agentRows) Console.WriteLine(row);
        return 0;
    }

    var rows = new List<Row>();
    var memory = new List<(string Config, double IdleMb, double PeakMb)>();
    var peerCache = new Dictionary<(string, int, int), Measured>();
    int[]? kokoroTokens = null;
    foreach (var config in configs)
    {
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] service, {config.Label}");
        var serviceResults = new Dictionary<(string, int), Measured>();
        await using (var service = await ServiceProcess.StartAsync(dll, repoRoot, layout.ServiceDir, Path.Combine(work, "data"), config.Args))
        {
            var idle = service.RssMb("VmRSS");
            if (models.Any(m => m.IsZipVoice)) await service.RegisterPromptAsync(File.ReadAllBytes(promptPath));
            if (models.Any(m => !m.IsZipVoice) && kokoroTokens is null)
            {
                kokoroTokens = await service.PhonemizeAsync(Texts.Text);
                await File.WriteAllBytesAsync(Path.Combine(work, "af_heart.bin"), await service.VoiceTableAsync("af_heart"));
                Console.WriteLine($"Kokoro: {kokoroTokens.Length} phoneme tokens (the peer gets the same ids and af_heart's style table from the service)");
            }
            foreach (var model in models)
            {
                await service.SpeakAsync(model, options.KokoroFormat); // warm-up: loads the variant, sizes the buffers
                foreach (var concurrency in options.Concurrency)
                {
                    serviceResults[(model.Name, concurrency)] = await Measured.RunAsync(concurrency, options.Runs, () => service.SpeakAsync(model, options.KokoroFormat));
                    Console.Error.WriteLine($"  {model.Label} x{concurrency}: {serviceResults[(model.Name, concurrency)]}");
                }
            }
            memory.Add((config.Label, idle, service.RssMb("VmHWM")));
        }

        var peerThreads = config.Threads ?? Environment.ProcessorCount;
        foreach (var model in models)
        {
            foreach (var concurrency in options.Concurrency)
            {
                Measured? peer = null;
                if (peers is not null && !model.IsDialog && !peerCache.TryGetValue((model.Name, peerThreads, concurrency), out peer))
                {
                    Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] peer, {model.Label}, {peerThreads} threads x{concurrency}");
                    peer = model.IsZipVoice
                        ? await peers.SherpaAsync(RealModelAssets.SherpaPack(layout, model.Name, work), promptPath, model.Steps, peerThreads, concurrency, options.Runs)
                        : await peers.KokoroAsync(layout.KokoroModel!, Path.Combine(work, "af_heart.bin"), kokoroTokens!, peerThreads, concurrency, options.Runs);
                    peerCache[(model.Name, peerThreads, concurrency)] = peer;
                    Console.Error.WriteLine($"  {peer}");
                }
                rows.Add(new Row(model, config.Threads is { } t ? t.ToString(CultureInfo.InvariantCulture) : $"{(config.Args.Length == 0 ? "default" : config.Label)} (peer {peerThreads})", concurrency,
                    serviceResults[(model.Name, concurrency)], peer));
            }
        }
    }

    Console.WriteLine("| model/steps | threads | concurrency | service RTF | peer RTF | service/peer | service first audio p50 / p95 s | peer first audio p50 / p95 s | audio s per wall s, service | audio s per wall s, peer |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var row in rows.OrderBy(r => models.IndexOf(r.Model)))
    {
        var s = row.Service;
        var p = row.Peer;
        Console.WriteLine($"| {row.Model.Label} | {row.Threads} | {row.Concurrency} | {s.Rtf:F3} | {F(p?.Rtf)} | {F(p is null ? null : s.Rtf / p.Rtf)} | " +
                          $"{s.FirstAudio:F2} / {s.FirstAudioP95:F2} | {F(p?.FirstAudio, "F2")} / {F(p?.FirstAudioP95, "F2")} | {s.Throughput:F2} | {F(p?.Throughput, "F2")} |");
    }
    Console.WriteLine();
    Console.WriteLine("| service configuration | idle RSS after loading, MB | peak RSS (VmHWM), MB |");
    Console.WriteLine("|---|---|---|");
    foreach (var (config, idle, peak) in memory) Console.WriteLine($"| {config} | {idle:F0} | {peak:F0} |");
    Console.WriteLine();
    Console.WriteLine($"RTF = wall / audio seconds (median over requests; lower is faster); service/peer < 1 means the service is faster. " +
                      $"First audio: time to the first response body bytes (the peers do not stream: their whole time). " +
                      $"Audio s per wall s: all audio over all wall time at that concurrency (peers: that many processes at once). " +
                      $"Peers: {peers?.Versions ?? "skipped"}. Service Kokoro responses are {options.KokoroFormat} (encoding included); peers return samples.");
    return 0;
}
finally
{
    if (options.Keep) Console.Error.WriteLine($"kept {work}");
    else Directory.Delete(work, recursive: true);
}

static string F(double? value, string format = "F3") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "TtsService.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static class Texts
{
    /// <summary>165 characters, ~10 s of speech; one sentence, so neither side splits it.</summary>
    public const string Text = "After the long winter the people of the small northern town gathered by the river every evening to talk about the harvest, the weather, and the plans they had for the summer";
}

sealed record ServiceConfig(string Label, int? Threads, string[] Args);

sealed record Row(BenchModel Model, string Threads, int Concurrency, Measured Service, Measured? Peer);

/// <summary>One model as measured: its key for <c>--only</c>, the service's model id and the flow-matching steps.</summary>
sealed record BenchModel(string Key, string Name, int Steps)
{
    public bool IsZipVoice => Name != "kokoro";
    /// <summary>ZipVoice-Dialog (tools/export's graphs): no peer runs it; spoken as two turns of the same text.</summary>
    public bool IsDialog => Name.StartsWith("zipvoice_dialog", StringComparison.Ordinal);
    public string Label => Name switch
    {
        "kokoro" => "Kokoro",
        "zipvoice" => $"ZipVoice ({Steps} steps)",
        "zipvoice_distill" => $"Distill ({Steps} steps)",
        "zipvoice_dialog" => $"Dialog ({Steps} steps)",
        _ => $"Dialog stereo ({Steps} steps)",
    };
    public bool IsIn(RealModelAssets.Layout layout) => IsZipVoice ? layout.Variants.Contains(Name) : layout.KokoroModel is not null;

    public static IEnumerable<BenchModel> All(int? steps) =>
        [new("kokoro", "kokoro", 0), new("zipvoice", "zipvoice", steps ?? 16), new("distill", "zipvoice_distill", steps ?? 8),
         new("dialog", "zipvoice_dialog", steps ?? 16), new("dialog_stereo", "zipvoice_dialog_stereo", steps ?? 16)];
}

/// <summary>Per-request wall, first-audio and audio seconds, and each round's wall time (a round = that many requests at once).</summary>
sealed record Measured(IReadOnlyList<Request> Requests, IReadOnlyList<double> RoundWalls)
{
    public double Rtf => Median(Requests.Select(r => r.Wall / r.Audio));
    public double FirstAudio => Median(Requests.Select(r => r.FirstAudio));
    /// <summary>95th percentile of first audio across the requests (nearest rank): the newcomer who waited longest.</summary>
    public double FirstAudioP95 => Percentile(Requests.Select(r => r.FirstAudio), 0.95);
    public double Throughput => Requests.Sum(r => r.Audio) / RoundWalls.Sum();

    public static async Task<Measured> RunAsync(int concurrency, int runs, Func<Task<Request>> request)
    {
        var requests = new List<Request>();
        var walls = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            requests.AddRange(await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(request))));
            walls.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return new Measured(requests, walls);
    }

    public override string ToString() =>
        FormattableString.Invariant($"RTF {Rtf:F3}, first audio {FirstAudio:F2} s, {Throughput:F2} audio s/s ({string.Join(", ", Requests.Select(r => $"{r.Wall:F1} s for {r.Audio:F1} s"))})");

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

sealed record Request(double Wall, double FirstAudio, double Audio);

static class Tools
{
    public static void Run(string tool, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool, arguments) { WorkingDirectory = workingDirectory };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode})");
    }
}

sealed record Options(string Models, string? SharedKokoro, HashSet<string>? Only, int[] Threads, int[] Concurrency, int Runs, int? Steps,
    bool NoDefault, bool NoPeers, string? NodeModules, string KokoroFormat, string? Dll, bool Keep, IReadOnlyList<(string Label, string[] Args)> Configs,
    int Soak, int Agent)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        int[] Ints(string name, string fallback) => (Get(name) ?? fallback).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var models = Get("models") ?? throw new ArgumentException(
            "usage: RealModelBench --models DIR [--shared-kokoro DIR] [--only kokoro,zipvoice,distill,dialog,dialog_stereo] [--threads 1,2] [--concurrency 1,2] " +
            "[--runs 2] [--steps N] [--no-default] [--no-peers] [--node-modules DIR] [--kokoro-format mp3|pcm] [--dll PATH] [--keep] " +
            "[--config \"LABEL=--setting value ...\"]... (--threads none: only the default and --config rows) [--soak N: memory over N requests, first configuration] [--agent N: text streamed in at 30 tokens/s over the WebSocket, N runs per cell]");
        var only = Get("only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(k => k == "zipvoice_distill" ? "distill" : k).ToHashSet();
        if (only?.Except(["kokoro", "zipvoice", "distill", "dialog", "dialog_stereo"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--only: unknown model '{unknown}' (kokoro, zipvoice, distill, dialog, dialog_stereo)");
        var threads = Get("threads") == "none" ? [] : Ints("threads", "1,2");
        var concurrency = Ints("concurrency", "1,2");
        var runs = int.Parse(Get("runs") ?? "2", CultureInfo.InvariantCulture);
        int? steps = Get("steps") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
        if (threads.Any(t => t < 1) || concurrency.Any(c => c is < 1 or > 16) || runs < 1 || steps is < 1 or > 32)
            throw new ArgumentException("--threads >= 1, --concurrency 1..16, --runs >= 1, --steps 1..32");
        var format = Get("kokoro-format") ?? "mp3";
        if (format is not ("mp3" or "pcm")) throw new ArgumentException("--kokoro-format is mp3 or pcm");
        var configs = args.Select((a, i) => (a, i)).Where(x => x.a == "--config" && x.i + 1 < args.Length)
            .Select(x => args[x.i + 1].Split('=', 2))
            .Select(p => p.Length == 2 ? (p[0], p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)) : throw new ArgumentException("--config is LABEL=--setting value ..."))
            .ToList();
        var threadsGiven = Get("threads");
        return new Options(models, Get("shared-kokoro"), only, threadsGiven == "none" ? [] : threads, concurrency, runs, steps,
            args.Contains("--no-default"), args.Contains("--no-peers"), Get("node-modules"), format, Get("dll"), args.Contains("--keep"), configs,
            int.Parse(Get("soak") ?? "0", CultureInfo.InvariantCulture), int.Parse(Get("agent") ?? "0", CultureInfo.InvariantCulture));
    }
}
