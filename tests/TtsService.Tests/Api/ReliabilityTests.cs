using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>Concurrency limits, metrics and cancellation on the Kokoro stand-in.</summary>
public sealed class ReliabilityTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    private const string Sentence = "Many clients are asking for speech at the same time, and the service must hold.";

    [Fact]
    public async Task Two_hundred_requests_32_at_a_time_get_only_200_or_429_and_the_service_stays_healthy()
    {
        using var factory = ServiceFactory.WithModels(models.Dir, ("max_concurrent_inferences", "2"), ("max_queued_requests", "1"));
        using var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        var retryAfter = new List<string>();
        using var gate = new SemaphoreSlim(32);
        var text = string.Join(' ', Enumerable.Repeat(Sentence, 4));
        var tasks = Enumerable.Range(0, 200).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { input = text, voice = "af_standin_low", response_format = "pcm", stream = false });
                var body = await response.Content.ReadAsByteArrayAsync();
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        retryAfter.Add(response.Headers.RetryAfter?.ToString() ?? "");
                        Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
                    }
                    else Assert.True(body.Length > 0);
                }
            }
            finally { gate.Release(); }
        });
        await Task.WhenAll(tasks);

        Assert.Equal(200, statuses.Count);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses); // 32 callers, 2 slots + 1 queued: some must be refused
        Assert.All(retryAfter, r => Assert.False(string.IsNullOrEmpty(r)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/audio/speech", new { input = "Still here.", voice = "af_standin_low", response_format = "wav" })).StatusCode);
    }

    [Fact]
    public async Task Metrics_are_exposed_in_prometheus_text_and_count_synthesis()
    {
        using var factory = ServiceFactory.WithModels(models.Dir);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/audio/speech", new { input = Sentence, voice = "af_standin_low", response_format = "wav" })).StatusCode);
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var name in new[] { "tts_synthesis_seconds_count", "tts_audio_seconds_total", "tts_real_time_factor_bucket",
                     "tts_time_to_first_audio_seconds_bucket", "tts_inference_queue_length", "tts_inferences_in_flight", "http_requests_received_total" })
            Assert.Contains(name, text);
        var audioSeconds = text.Split('\n').First(l => l.StartsWith("tts_audio_seconds_total{backend=\"kokoro\"}"));
        Assert.True(double.Parse(audioSeconds.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_frees_its_slot()
    {
        using var factory = ServiceFactory.WithModels(models.Dir, ("max_concurrent_inferences", "1"), ("max_queued_requests", "0"));
        using var client = factory.CreateClient();
        var text = string.Join(' ', Enumerable.Repeat(Sentence, 200));
        using (var cts = new CancellationTokenSource())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech")
            {
                Content = JsonContent.Create(new { input = text, voice = "af_standin_low", response_format = "pcm", stream = true }),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[4096];
            Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0);
            cts.Cancel(); // hang up after the first bytes
        }
        // The text has ~200 sentences (dozens of model calls); after the hang-up the calls must stop within one chunk.
        // Wait (generously, for a loaded CI machine) until no call runs and the count has held still for a while.
        var limiter = factory.Services.GetRequiredService<TtsService.Inference.InferenceLimiter>();
        var callsAtStop = await WaitUntilQuiet(limiter, TimeSpan.FromSeconds(60));
        Assert.True(callsAtStop < 20, $"{callsAtStop} model calls ran after the client left");

        // With one slot and no queue, a new request succeeds: the slot was freed.
        HttpStatusCode status = 0;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
        {
            status = (await client.PostAsJsonAsync("/v1/audio/speech", new { input = "Next.", voice = "af_standin_low", response_format = "wav" })).StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, status);
    }

    /// <summary>
    /// The completed-call count once nothing runs and it has not moved for a second; fails if the
    /// model keeps being called for <paramref name="bound"/> (then the hang-up did not stop the work).
    /// </summary>
    private static async Task<long> WaitUntilQuiet(TtsService.Inference.InferenceLimiter limiter, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        var last = limiter.Completed;
        var stillSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            var now = limiter.Completed;
            if (now != last || limiter.Running > 0) { last = now; stillSince = DateTime.UtcNow; }
            else if (DateTime.UtcNow - stillSince >= TimeSpan.FromSeconds(1)) return now;
        }
        Assert.Fail($"model calls kept running for {bound.TotalSeconds} s after the client hung up ({limiter.Completed} completed)");
        return -1;
    }
}
