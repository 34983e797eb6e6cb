using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;

// Load tool: N concurrent streaming clients for T seconds against a running TtsService.
//   dotnet run -c Release --project bench/LoadTest -- --url http://127.0.0.1:8880 --clients 64 --seconds 60
// Bounded on purpose (at most 1,024 clients, one hour) and meant for loopback or your own servers.
var options = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = new Uri(options.Url),
    Timeout = TimeSpan.FromSeconds(options.Seconds + 120),
};
if (options.ApiKey is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);

Console.WriteLine($"{options.Clients} clients for {options.Seconds} s against {options.Url}, model {options.Model}, voice {options.Voice}, {options.Format}, streaming");
var results = new List<Result>();
var deadline = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async client =>
{
    var buffer = new byte[16 * 1024];
    while (Stopwatch.GetTimestamp() < deadline)
    {
        var start = Stopwatch.GetTimestamp();
        double? firstByte = null;
        long bytes = 0;
        var status = "error";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech")
            {
                Content = JsonContent.Create(new { model = options.Model, input = options.Text, voice = options.Voice, response_format = options.Format, stream = true }),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            status = ((int)response.StatusCode).ToString();
            await using var body = await response.Content.ReadAsStreamAsync();
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                firstByte ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
                bytes += n;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            status = e.GetType().Name;
        }
        var result = new Result(status, firstByte, Stopwatch.GetElapsedTime(start).TotalSeconds, bytes);
        lock (results) results.Add(result);
        if (status == "429") await Task.Delay(100); // back off as Retry-After asks, briefly
    }
}));
clock.Stop();

var ok = results.Where(r => r.Status == "200").ToList();
Console.WriteLine();
Console.WriteLine($"| requests | wall s | req/s | status counts | TTFB p50 / p95 / p99 (s) | total p50 / p95 / p99 (s) | MB received |");
Console.WriteLine($"|---|---|---|---|---|---|---|");
Console.WriteLine($"| {results.Count} | {clock.Elapsed.TotalSeconds:F1} | {results.Count / clock.Elapsed.TotalSeconds:F1} | " +
                  $"{string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))} | " +
                  $"{P(ok.Select(r => r.FirstByte ?? double.NaN), 50):F3} / {P(ok.Select(r => r.FirstByte ?? double.NaN), 95):F3} / {P(ok.Select(r => r.FirstByte ?? double.NaN), 99):F3} | " +
                  $"{P(ok.Select(r => r.Total), 50):F3} / {P(ok.Select(r => r.Total), 95):F3} / {P(ok.Select(r => r.Total), 99):F3} | " +
                  $"{results.Sum(r => r.Bytes) / 1e6:F1} |");
return results.Any(r => r.Status.StartsWith('5') || r.Status == "error") ? 1 : 0;

static double P(IEnumerable<double> values, double percentile)
{
    var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
    if (sorted.Length == 0) return double.NaN;
    var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
}

sealed record Result(string Status, double? FirstByte, double Total, long Bytes);

sealed record Options(string Url, int Clients, double Seconds, string Model, string Voice, string Format, string Text, string? ApiKey)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var clients = int.Parse(Get("clients", "64"));
        var seconds = double.Parse(Get("seconds", "60"), System.Globalization.CultureInfo.InvariantCulture);
        if (clients is < 1 or > 1024) throw new ArgumentException("--clients must be 1..1024");
        if (seconds is <= 0 or > 3600) throw new ArgumentException("--seconds must be in (0, 3600]");
        return new Options(Get("url", "http://127.0.0.1:8880"), clients, seconds, Get("model", "tts-1"), Get("voice", "af_heart"),
            Get("format", "mp3"), Get("text", "The quick brown fox jumps over the lazy dog. It was a bright cold day in April, and the clocks were striking thirteen."),
            Environment.GetEnvironmentVariable("TTS_API_KEY"));
    }
}
