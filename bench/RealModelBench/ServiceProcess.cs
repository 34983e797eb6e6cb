using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace RealModelBench;

/// <summary>
/// The service as users run it (<c>dotnet TtsService.dll</c>, repository root as content root) on a free
/// loopback port, spoken to over HTTP; its memory read from /proc/PID/status.
/// </summary>
sealed class ServiceProcess : IAsyncDisposable
{
    public const string PromptVoice = "realmodelbench";
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly string _log;

    private ServiceProcess(Process process, HttpClient http, string log) => (_process, _http, _log) = (process, http, log);

    /// <summary>Where the service listens (http://127.0.0.1:PORT/).</summary>
    public Uri Address => _http.BaseAddress!;

    public static async Task<ServiceProcess> StartAsync(string dll, string repoRoot, string modelsDir, string dataDir, IEnumerable<string> settings)
    {
        var port = FreePort();
        var id = Guid.NewGuid().ToString("N")[..8];
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])[dll, "--contentRoot", repoRoot, "--models_dir", modelsDir, "--urls", $"http://127.0.0.1:{port}",
                     "--zipvoice_cache_dir", Path.Combine(dataDir, id, "prompts"), "--download_dir", Path.Combine(dataDir, id, "downloads")])
            start.ArgumentList.Add(a);
        foreach (var a in settings) start.ArgumentList.Add(a);
        var log = Path.Combine(dataDir, $"service-{id}.log");
        Directory.CreateDirectory(dataDir);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
        var service = new ServiceProcess(process, http, log);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the service exited ({process.ExitCode}); log: {service.Tail()}");
            try
            {
                using var ready = await http.GetAsync("/ready");
                // /ready is 200 once one backend can speak; the bench waits for every backend to finish loading.
                if (ready.StatusCode == HttpStatusCode.OK && !(await ready.Content.ReadAsStringAsync()).Contains("\"loading\"", StringComparison.Ordinal))
                    return service;
                if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                    throw new InvalidOperationException($"/ready is {(int)ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromMinutes(5)) { }
            await Task.Delay(200);
        }
    }

    /// <summary>A line of /proc/PID/status (VmRSS: now, VmHWM: peak) in MB.</summary>
    public double RssMb(string key)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Registers the prompt once, so every ZipVoice request names it (its features are cached as users' are).</summary>
    public async Task RegisterPromptAsync(byte[] promptWav)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(PromptVoice), "name" },
            { new StringContent(RealModelAssets.PromptText), "transcription" },
            { new StringContent("true"), "overwrite" },
            { new ByteArrayContent(promptWav), "audio_file", "prompt.wav" },
        };
        using var response = await _http.PostAsync("/v1/zipvoice/voices/register", form);
        await EnsureOk(response);
        // The same recording as a merged two-speaker prompt for zipvoice_dialog: its transcription in two turns.
        using var dialogForm = new MultipartFormDataContent
        {
            { new StringContent(DialogVoice), "name" },
            { new StringContent(AsTurns(RealModelAssets.PromptText)), "transcription" },
            { new StringContent("true"), "overwrite" },
            { new ByteArrayContent(promptWav), "audio_file", "prompt.wav" },
        };
        using var dialogResponse = await _http.PostAsync("/v1/zipvoice/voices/register", dialogForm);
        await EnsureOk(dialogResponse);
    }

    private const string DialogVoice = PromptVoice + "_dialog";

    /// <summary>The text as two dialogue turns, split at the middle word: "[S1] first half [S2] second half".</summary>
    public static string AsTurns(string text)
    {
        var words = text.Split(' ');
        return $"[S1] {string.Join(' ', words[..(words.Length / 2)])} [S2] {string.Join(' ', words[(words.Length / 2)..])}";
    }

    /// <summary>The Kokoro token ids the service gives the model for <paramref name="text"/> (without the two pads).</summary>
    public async Task<int[]> PhonemizeAsync(string text)
    {
        using var response = await _http.PostAsJsonAsync("/dev/phonemize", new Dictionary<string, string> { ["text"] = text, ["language"] = "a" });
        await EnsureOk(response);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
    }

    /// <summary>The voice's style table as the service holds it (float32 [510,1,256]), whatever the voices' file layout.</summary>
    public async Task<byte[]> VoiceTableAsync(string voice)
    {
        using var response = await _http.PostAsJsonAsync("/v1/audio/voices/combine", voice);
        await EnsureOk(response);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>One streamed request: whole wall time, time to the first body bytes, audio seconds in the body.</summary>
    public async Task<Request> SpeakAsync(BenchModel model, string kokoroFormat, string? text = null)
    {
        var format = model.IsZipVoice ? "pcm" : kokoroFormat;
        var body = new Dictionary<string, object>
        {
            ["model"] = model.Name,
            ["input"] = model.IsDialog ? AsTurns(text ?? Texts.Text) : text ?? Texts.Text,
            ["voice"] = !model.IsZipVoice ? "af_heart" : model.Name == "zipvoice_dialog_stereo" ? $"{PromptVoice}+{PromptVoice}" : model.IsDialog ? DialogVoice : PromptVoice,
            ["response_format"] = format,
            ["stream"] = true,
        };
        if (model.IsZipVoice)
        {
            body["num_steps"] = model.Steps;
            body["seed"] = 42;
        }
        var path = model.IsZipVoice ? "/v1/zipvoice/audio/speech" : "/v1/audio/speech";
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await EnsureOk(response);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var bytes = new MemoryStream();
        var buffer = new byte[64 * 1024];
        double? first = null;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            first ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
            bytes.Write(buffer, 0, n);
        }
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // zipvoice_dialog_stereo's pcm is interleaved L/R: two samples per 1/24000 s.
        var channels = model.Name == "zipvoice_dialog_stereo" ? 2 : 1;
        var audio = format == "pcm" ? bytes.Length / 2 / 24000.0 / channels : Mp3.Seconds(bytes.ToArray());
        if (audio <= 0) throw new InvalidDataException($"{model.Label}: no audio in the response");
        return new Request(wall, first ?? wall, audio);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(); // SIGKILL of this one process (the service), which we started
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task EnsureOk(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\nservice log: {Tail()}");
    }

    private string Tail()
    {
        try
        {
            using var reader = new StreamReader(new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(15));
        }
        catch (IOException) { return _log; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Duration of an MP3 stream from its frame headers (MPEG 1/2/2.5 Layer III; a Xing/Info frame is not audio).</summary>
static class Mp3
{
    private static readonly int[] Mpeg1Kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    public static double Seconds(byte[] data)
    {
        var pos = 0;
        if (data.Length > 10 && data[0] == 'I' && data[1] == 'D' && data[2] == '3')
            pos = 10 + (data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]);
        double seconds = 0;
        var firstFrame = true;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF || (data[pos + 1] & 0xE0) != 0xE0) { pos++; continue; }
            var version = (data[pos + 1] >> 3) & 3;          // 3: MPEG 1, 2: MPEG 2, 0: MPEG 2.5
            var layer = (data[pos + 1] >> 1) & 3;            // 1: Layer III
            var bitrateIndex = data[pos + 2] >> 4;
            var rateIndex = (data[pos + 2] >> 2) & 3;
            if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3) { pos++; continue; }
            int[] rates = version == 3 ? [44100, 48000, 32000] : version == 2 ? [22050, 24000, 16000] : [11025, 12000, 8000];
            var rate = rates[rateIndex];
            var kbps = (version == 3 ? Mpeg1Kbps : Mpeg2Kbps)[bitrateIndex];
            var samples = version == 3 ? 1152 : 576;
            var length = samples / 8 * kbps * 1000 / rate + ((data[pos + 2] >> 1) & 1);
            var header = System.Text.Encoding.ASCII.GetString(data, pos, Math.Min(64, data.Length - pos));
            if (!(firstFrame && (header.Contains("Xing") || header.Contains("Info")))) seconds += samples / (double)rate;
            firstFrame = false;
            pos += Math.Max(length, 1);
        }
        return seconds;
    }
}
