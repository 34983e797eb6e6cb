using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The real service as a process: SIGTERM stops new connections while a request already streaming
/// finishes with every byte, then the process exits cleanly.
/// </summary>
public sealed class GracefulShutdownTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    [Fact]
    public async Task Sigterm_finishes_the_in_flight_stream_then_exits_zero()
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("tts-shutdown").FullName;
        var dll = Path.Combine(AppContext.BaseDirectory, "TtsService.dll");
        using var service = Process.Start(new ProcessStartInfo("dotnet",
            $"\"{dll}\" --urls http://127.0.0.1:{port} --models_dir \"{models.Dir}\" --zipvoice_cache_dir \"{data}/voices\" --download_dir \"{data}/dl\" --shutdown_timeout_seconds 60 --max_input_chars 100000")
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = new System.Text.StringBuilder();
        service.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        service.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await WaitHealthy(http);

            var text = string.Join(' ', Enumerable.Repeat("A long answer keeps streaming while the service is asked to stop.", 600));
            var body = new { input = text, voice = "af_standin_low", response_format = "pcm" };
            var whole = await http.PostAsJsonAsync("/v1/audio/speech", body with { });
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            var expected = (await whole.Content.ReadAsByteArrayAsync()).Length;

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = JsonContent.Create(new { body.input, body.voice, body.response_format, stream = true }) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long received = await stream.ReadAsync(buffer);
            Assert.True(received > 0);

            // Not reading for a moment keeps the server blocked mid-response while SIGTERM arrives (the
            // response, ~40 MB, is far larger than what the socket buffers can absorb).
            Process.Start("kill", $"-TERM {service.Id}")!.WaitForExit();
            // Once the host has taken the signal it refuses new connections; wait for that (not a fixed time).
            await WaitRefusing(http.BaseAddress!, TimeSpan.FromSeconds(60));
            Assert.False(service.HasExited, "the host must wait for the in-flight request");

            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0) received += n;
            Assert.Equal(expected, received);
            Assert.True(service.WaitForExit(30_000), "the host must exit once the request is done");
            Assert.Equal(0, service.ExitCode);
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task WaitHealthy(HttpClient http)
    {
        for (var i = 0; i < 150; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the service did not start");
    }

    /// <summary>Polls fresh connections until one is refused; fails after <paramref name="bound"/>.</summary>
    private static async Task WaitRefusing(Uri address, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            using var fresh = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
            try { await fresh.GetAsync("/health"); }
            catch (HttpRequestException) { return; }
            await Task.Delay(100);
        }
        Assert.Fail($"the host still accepted new connections {bound.TotalSeconds} s after SIGTERM");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
