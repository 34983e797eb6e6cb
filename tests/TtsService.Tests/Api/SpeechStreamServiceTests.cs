using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using TtsService.Inference;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The streaming route as a real service: a closed socket stops synthesis, a client that stops reading stops it
/// running ahead, limits close with their codes, admission and API keys at the upgrade, and the metrics.
/// </summary>
public sealed class SpeechStreamServiceTests
{
    private const string Voice = "af_standin_low";

    private static string Sentences(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"Sentence number {i} is spoken on its own line."));

    [Fact]
    public async Task A_closed_socket_stops_its_synthesis_at_once()
    {
        // One inference slot, held by the test: the session's model calls wait in the queue where the test can see them.
        using var service = StreamingService.With(("max_concurrent_inferences", "1"));
        var limiter = service.Service<InferenceLimiter>();
        using var release = new ManualResetEventSlim();
        var holder = limiter.RunAsync(() => release.Wait(TimeSpan.FromSeconds(60)), CancellationToken.None);
        for (var i = 0; i < 200 && limiter.Running == 0; i++) await Task.Delay(10);
        var before = limiter.Completed;

        var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice });
        await client.NextEventAsync();
        await client.SendAsync(new { type = "text", text = Sentences(50) + " " });
        for (var i = 0; i < 500 && limiter.Waiting == 0; i++) await Task.Delay(10);
        Assert.True(limiter.Waiting > 0, "the session's first call is not in the queue");

        client.Socket.Abort();
        await client.DisposeAsync();
        // The queue shows it: the session's calls leave it without running.
        for (var i = 0; i < 500 && limiter.Waiting > 0; i++) await Task.Delay(10);
        Assert.Equal(0, limiter.Waiting);
        release.Set();
        await holder;
        await Task.Delay(300);
        Assert.Equal((0, 0), (limiter.Running, limiter.Waiting));
        Assert.Equal(before + 1, limiter.Completed); // only the test's own call ran
    }

    [Fact]
    public async Task A_client_that_stops_reading_stops_synthesis_running_ahead_until_it_reads_again()
    {
        using var service = StreamingService.With(("max_concurrent_inferences", "1"));
        var limiter = service.Service<InferenceLimiter>();
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice });
        await client.NextEventAsync();
        // About 13 minutes of PCM (38 MB): far more than socket buffers hold unread.
        await client.SendAsync(new { type = "text", text = Sentences(600) });
        await client.SendAsync(new { type = "end" });
        await client.NextEventAsync();
        // Not reading: synthesis must come to rest well before the end of the text.
        long previous;
        var resting = 0;
        do
        {
            previous = limiter.Completed;
            await Task.Delay(300);
            resting = limiter.Completed == previous && limiter.Running == 0 ? resting + 1 : 0;
        } while (resting < 3);
        var callsWhileNotReading = limiter.Completed;
        var transcript = await client.ReadToEndAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, transcript.CloseStatus);
        Assert.True(limiter.Completed > callsWhileNotReading, $"all {limiter.Completed} calls ran while the client did not read");
        // Every sentence was spoken in the end: eight words and its number each.
        Assert.True(transcript.Words.Count > 600 * 9, $"{transcript.Words.Count} words");
        Assert.Equal("line", transcript.Words[^1]);
    }

    [Fact]
    public async Task Idle_message_size_text_and_session_limits_close_with_their_codes()
    {
        using var service = StreamingService.With(("stream_idle_timeout_seconds", "1"), ("stream_max_message_bytes", "1024"),
            ("stream_max_text_chars", "300"), ("stream_max_session_seconds", "3"));

        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice });
            var transcript = await client.ReadToEndAsync(TimeSpan.FromSeconds(30));
            Assert.Equal((WebSocketCloseStatus)4408, transcript.CloseStatus);
            Assert.Equal("idle timeout", transcript.CloseReason);
            Assert.Equal("idle_timeout", Code(transcript));
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice });
            await client.SendAsync(new { type = "text", text = new string('a', 2000) });
            var transcript = await client.ReadToEndAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, transcript.CloseStatus);
            Assert.Equal("message_too_big", Code(transcript));
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice });
            await client.SendAsync(new { type = "text", text = Sentences(4) });
            await client.SendAsync(new { type = "text", text = Sentences(4) });
            var transcript = await client.ReadToEndAsync(TimeSpan.FromSeconds(30));
            Assert.Equal((WebSocketCloseStatus)4413, transcript.CloseStatus);
            Assert.Equal("text_limit", Code(transcript));
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice });
            // Never idle (a message every 300 ms, text pending), yet the session ends at its time limit.
            var reading = client.ReadToEndAsync(TimeSpan.FromSeconds(30));
            while (!reading.IsCompleted)
            {
                try { await client.SendAsync(new { type = "text", text = "a" }); }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException) { break; }
                await Task.WhenAny(reading, Task.Delay(300));
            }
            var transcript = await reading;
            Assert.Equal((WebSocketCloseStatus)4408, transcript.CloseStatus);
            Assert.Equal("session time limit", transcript.CloseReason);
            Assert.Equal("session_time_limit", Code(transcript));
        }
    }

    private static string? Code(StreamTranscript transcript) =>
        Assert.Single(transcript.OfType("error")).GetProperty("error").GetProperty("code").GetString();

    [Fact]
    public async Task When_the_expected_wait_is_too_long_the_upgrade_gets_429_with_retry_after()
    {
        using var service = StreamingService.With(("max_queue_wait_seconds", "0.0001"), ("max_concurrent_inferences", "1"));
        // One request measured: the service now knows what a Kokoro request costs.
        using (var speech = await service.Http.PostAsync("/v1/audio/speech",
                   JsonContent(new { input = "A request to measure the cost of one.", voice = Voice, response_format = "pcm" })))
            speech.EnsureSuccessStatusCode();
        await using var first = await service.ConnectAsync();   // admitted: nothing ahead of it
        await first.SendAsync(new { type = "start", voice = Voice });
        await first.NextEventAsync();

        var refused = new ClientWebSocket();
        refused.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(service.WebSocketUri("/v1/audio/speech/stream"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.HttpStatusCode);
        Assert.True(int.Parse(refused.HttpResponseHeaders!["Retry-After"].Single()) >= 1);
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Api_keys_are_enforced_at_the_upgrade_and_accepted_in_the_header_query_or_a_subprotocol()
    {
        using var service = StreamingService.With(("api_keys", "key-one"));
        foreach (var (name, connect) in new (string, Func<Task<StreamClient>>)[]
                 {
                     ("header", () => service.ConnectAsync(options: o => o.SetRequestHeader("Authorization", "Bearer key-one"))),
                     ("query", () => service.ConnectAsync("/v1/audio/speech/stream?api_key=key-one")),
                     ("subprotocol", () => service.ConnectAsync(options: o => { o.AddSubProtocol("tts-stream.v1"); o.AddSubProtocol("bearer.key-one"); })),
                 })
        {
            await using var client = await connect();
            if (name == "subprotocol") Assert.Equal("tts-stream.v1", client.Socket.SubProtocol); // the key is never echoed
            await client.SendAsync(new { type = "start", voice = Voice, input = "Allowed." });
            await client.SendAsync(new { type = "end" });
            var transcript = await client.ReadToEndAsync();
            Assert.Equal(["Allowed"], transcript.Words);
        }
        foreach (var path in new[] { "/v1/audio/speech/stream", "/v1/audio/speech/stream?api_key=wrong" })
        {
            var refused = new ClientWebSocket();
            refused.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(service.WebSocketUri(path), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        }
    }

    [Fact]
    public async Task When_the_service_stops_a_session_speaks_the_text_it_has_then_closes_with_1001()
    {
        var service = StreamingService.With();
        try
        {
            await using var client = await service.ConnectAsync();
            await client.SendAsync(new { type = "start", voice = Voice });
            await client.NextEventAsync();
            await client.SendAsync(new { type = "text", text = "This was said before the stop. And this is still" });
            Assert.Equal("chunk", (await client.NextEventAsync()).GetProperty("type").GetString());
            var stopping = Task.Run(() => service.Service<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication());
            var transcript = await client.ReadToEndAsync(TimeSpan.FromSeconds(30));
            await stopping;
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, transcript.CloseStatus);
            Assert.Equal("server shutting down", transcript.CloseReason);
            Assert.Single(transcript.OfType("done"));
            Assert.EndsWith("And this is still", string.Join(' ', transcript.Words));
        }
        finally { service.Dispose(); }
    }

    [Fact]
    public async Task Sessions_and_text_to_first_audio_are_in_the_metrics()
    {
        using var service = StreamingService.With();
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice, input = "Measured once." });
            await client.SendAsync(new { type = "end" });
            await client.ReadToEndAsync();
        }
        var metrics = await service.Http.GetStringAsync("/metrics");
        // Label order is the exporter's (alphabetical); Prometheus gives it no meaning.
        Assert.Matches(@"tts_stream_sessions_total\{outcome=""done"",route=""speech_stream""\} [1-9]", metrics);
        Assert.Matches(@"tts_stream_text_to_first_audio_seconds_count\{backend=""kokoro""\} [1-9]", metrics);
        Assert.Matches(@"tts_stream_underruns_total\{backend=""kokoro""\} 0", metrics);
        Assert.Contains("tts_stream_sessions_active", metrics);
    }
}
