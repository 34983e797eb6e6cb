using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Scaling;

/// <summary>
/// Two service processes (the built TtsService.dll) on loopback ports sharing one data directory (voices and
/// downloads), on stand-in models, with Debian's nginx round-robin in front of them. Everything lives in a temp
/// folder, nginx's config, logs and temp paths included. <see cref="SkipReason"/> is set when nginx is missing.
/// </summary>
public sealed partial class ReplicaPair : IAsyncLifetime
{
    /// <summary>Replica A waits a minute between writing this voice's audio and committing it, so a test can SIGKILL it mid-register.</summary>
    public const string SlowCommitVoice = "interrupted";

    /// <summary>
    /// Both replicas: a newcomer whose expected wait is above this gets 429 (see the admission scenario). Far below what
    /// the scenario's request costs on the stand-ins (0.08–0.2 s, by the machine), so its precondition holds with room.
    /// </summary>
    public const double MaxQueueWaitSeconds = 0.005;

    private readonly string _root = Directory.CreateTempSubdirectory("tts-replicas").FullName;
    private readonly Replica[] _replicas = new Replica[2];
    private Process? _nginx;
    private readonly StringBuilder _nginxLog = new();

    public string? SkipReason { get; private set; }
    public string VoicesDir => Path.Combine(_root, "shared", "voices");
    public string DownloadsDir => Path.Combine(_root, "shared", "downloads");
    public HttpClient Nginx { get; private set; } = null!;
    public Replica A => _replicas[0];
    public Replica B => _replicas[1];
    public TimeSpan StartupTime { get; private set; }

    public static string? FindNginx() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    public async Task InitializeAsync()
    {
        var nginx = FindNginx();
        if (nginx is null)
        {
            SkipReason = "nginx is not installed (scripts/install-deps.sh test installs Debian's nginx); the two-replica load-balancer test is skipped.";
            return;
        }
        var clock = Stopwatch.StartNew();
        var models = Path.Combine(_root, "models");
        KokoroStandin.Write(models, SharedAssets.KokoroDir);
        ZipVoiceStandin.Write(models, "zipvoice");
        Directory.CreateDirectory(VoicesDir);
        Directory.CreateDirectory(DownloadsDir);
        _replicas[0] = new Replica("A", FreePort(), models, _root, slowCommitVoice: SlowCommitVoice);
        _replicas[1] = new Replica("B", FreePort(), models, _root, slowCommitVoice: null);
        foreach (var replica in _replicas) replica.Start();

        var port = FreePort();
        var dir = Path.Combine(_root, "nginx");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), NginxConfig(dir, port, A.Port, B.Port));
        _nginx = Process.Start(new ProcessStartInfo(nginx, ["-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _nginx.OutputDataReceived += (_, e) => { lock (_nginxLog) _nginxLog.AppendLine(e.Data); };
        _nginx.ErrorDataReceived += (_, e) => { lock (_nginxLog) _nginxLog.AppendLine(e.Data); };
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        Nginx = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };

        await Task.WhenAll(_replicas.Select(r => r.WaitReadyAsync()));
        await WaitAsync(async () => (await Nginx.GetAsync("/health")).StatusCode == HttpStatusCode.OK, "nginx to answer", () => NginxLog);
        StartupTime = clock.Elapsed;
    }

    public string NginxLog
    {
        get
        {
            lock (_nginxLog)
            {
                var error = Path.Combine(_root, "nginx", "error.log");
                return _nginxLog + (File.Exists(error) ? File.ReadAllText(error) : "");
            }
        }
    }

    /// <summary>
    /// Round robin over both replicas. Synthesis routes may be passed to the other replica when refused with 429
    /// (nothing has been sent to the client then); the rest is retried only on a connection error, and a POST never.
    /// max_fails=0: a 429 or a killed replica must not take a replica out of rotation for the next scenario.
    /// As root (CI), workers would run as nobody and could not enter the private temp folder: they stay root.
    /// </summary>
    private static string NginxConfig(string dir, int port, int a, int b) => $$"""
        {{(Environment.UserName == "root" ? "user root;" : "")}}
        daemon off;
        worker_processes 1;
        pid {{dir}}/nginx.pid;
        error_log {{dir}}/error.log warn;
        events { worker_connections 256; }
        http {
            access_log {{dir}}/access.log;
            client_body_temp_path {{dir}}/client_body;
            proxy_temp_path {{dir}}/proxy;
            fastcgi_temp_path {{dir}}/fastcgi;
            uwsgi_temp_path {{dir}}/uwsgi;
            scgi_temp_path {{dir}}/scgi;
            client_max_body_size 64m;
            upstream tts {
                server 127.0.0.1:{{a}} max_fails=0;
                server 127.0.0.1:{{b}} max_fails=0;
            }
            # The same pair, A always asked first: makes "A refuses with 429, nginx passes it to B" deterministic.
            upstream tts_a_first {
                server 127.0.0.1:{{a}} max_fails=0;
                server 127.0.0.1:{{b}} backup;
            }
            server {
                listen 127.0.0.1:{{port}};
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_buffering off;
                proxy_read_timeout 120s;
                location ~ ^/v1/(audio/speech|zipvoice/audio/speech)$ {
                    proxy_pass http://tts;
                    proxy_next_upstream error timeout http_429 non_idempotent;
                }
                location /a-first/ {
                    proxy_pass http://tts_a_first/;
                    proxy_next_upstream error timeout http_429 non_idempotent;
                }
                location / {
                    proxy_pass http://tts;
                    proxy_next_upstream error timeout;
                }
            }
        }
        """;

    public async Task DisposeAsync()
    {
        Nginx?.Dispose();
        // The whole tree: a worker left behind would keep the output pipes open and the wait below would never end.
        if (_nginx is { HasExited: false }) { _nginx.Kill(entireProcessTree: true); await _nginx.WaitForExitAsync(); }
        foreach (var replica in _replicas) replica?.Stop();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitAsync(Func<Task<bool>> condition, string what, Func<string> log)
    {
        for (var i = 0; i < 1200; i++)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(25);
        }
        throw new TimeoutException($"Timed out waiting for {what}.\n{log()}");
    }

    /// <summary>One service process.</summary>
    public sealed partial class Replica(string name, int port, string models, string root, string? slowCommitVoice)
    {
        private readonly StringBuilder _log = new();
        private Process? _process;

        public string Name => name;
        public int Port => port;
        public HttpClient Http { get; } = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
        public string Log { get { lock (_log) return _log.ToString(); } }
        public bool IsRunning => _process is { HasExited: false };

        public void Start()
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "TtsService.dll");
            var work = Path.Combine(root, "work-" + name);
            Directory.CreateDirectory(work);
            var info = new ProcessStartInfo("dotnet",
            [
                dll, "--urls", $"http://127.0.0.1:{port}", "--models_dir", models,
                "--zipvoice_cache_dir", Path.Combine(root, "shared", "voices"), "--download_dir", Path.Combine(root, "shared", "downloads"),
                "--max_concurrent_inferences", "1", "--onnx_intra_op_threads", "1",
                "--max_queue_wait_seconds", MaxQueueWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ])
            {
                WorkingDirectory = work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (slowCommitVoice is not null)
            {
                // The stall is injected through the service's DI by a startup hook in this test assembly (StartupHook).
                info.Environment["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
                info.Environment[StartupHook.VoiceVariable] = slowCommitVoice;
            }
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public Task WaitReadyAsync() =>
            WaitAsync(async () => IsRunning && (await Http.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, $"replica {name} to be ready", () => Log);

        /// <summary>SIGKILL: no shutdown, no cleanup.</summary>
        public void Kill()
        {
            _process!.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Stop()
        {
            if (IsRunning) Kill();
        }

        /// <summary>A counter or gauge from this replica's /metrics (summed over the series that match <paramref name="labels"/>).</summary>
        public async Task<double> MetricAsync(string metric, string labels = "")
        {
            var text = await Http.GetStringAsync("/metrics");
            var total = 0.0;
            foreach (Match m in MetricLine().Matches(text))
            {
                if (m.Groups["name"].Value != metric || !m.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal)) continue;
                total += double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return total;
        }

        [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})?\s+(?<value>\S+)$", RegexOptions.Multiline)]
        private static partial Regex MetricLine();
    }
}
