using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Metrics per host from IMeterFactory instruments (issue 20): the names, types and labels that the README, the
/// Kubernetes HPA and the tests read stay as they were; two hosts in one process keep their own numbers; the
/// request's work record reaches the limiter explicitly.
/// </summary>
public sealed partial class ObservabilityTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    private static readonly object Speech = new { input = "Hello there. How are you?", voice = "af_standin_low", response_format = "wav" };

    /// <summary>Every family /metrics had before the move to IMeterFactory that something reads, with its type and labels.</summary>
    private static readonly (string Name, string Type, string Labels)[] Kept =
    [
        ("tts_synthesis_seconds", "histogram", "backend"),
        ("tts_audio_seconds_total", "counter", "backend"),
        ("tts_real_time_factor", "histogram", "backend"),
        ("tts_time_to_first_audio_seconds", "histogram", "backend"),
        ("tts_inference_queue_length", "gauge", ""),
        ("tts_inferences_in_flight", "gauge", ""),
        ("tts_inference_rejected_total", "counter", ""),
        ("tts_expected_queue_wait_seconds", "gauge", ""),
        ("tts_request_inference_seconds_mean", "gauge", "backend"),
        ("tts_admission_rejected_total", "counter", ""),
        ("http_requests_received_total", "counter", "code,controller,action,endpoint,method"),
        ("http_request_duration_seconds", "histogram", "code,controller,action,endpoint,method"),
    ];

    [Fact]
    public async Task Metrics_keep_their_names_types_and_labels()
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("max_queue_wait_seconds", "30"));
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/audio/speech", Speech)).StatusCode);
        var text = await client.GetStringAsync("/metrics");
        foreach (var (name, type, labels) in Kept)
        {
            Assert.Contains($"# TYPE {name} {type}\n", text);
            var sample = text.Split('\n').First(l => l.StartsWith(name + (type == "histogram" ? "_count" : "")) && !l.StartsWith('#'));
            var names = LabelName().Matches(sample).Select(m => m.Groups[1].Value).Order();
            Assert.Equal(labels.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), names);
        }
    }

    [Fact]
    public async Task Two_hosts_in_one_process_keep_their_own_metrics()
    {
        await using var speaking = ServiceFactory.WithModels(models.Dir);
        await using var idle = ServiceFactory.WithModels(models.Dir);
        using var a = speaking.CreateClient();
        using var b = idle.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync("/v1/audio/speech", Speech)).StatusCode);
        Assert.True(Sample(await a.GetStringAsync("/metrics"), "tts_audio_seconds_total{backend=\"kokoro\"}") > 0);
        // Before, the instruments were static: the idle host reported the other's audio as its own.
        Assert.Null(Sample(await b.GetStringAsync("/metrics"), "tts_audio_seconds_total{backend=\"kokoro\"}"));
    }

    [Fact]
    public async Task The_work_record_is_charged_where_it_is_passed_not_by_the_async_flow()
    {
        var settings = new TtsSettings { MaxConcurrentInferences = 1, MaxQueuedRequests = 4 };
        var limiter = new InferenceLimiter(settings);
        var estimator = new QueueWaitEstimator(settings);
        using var mine = estimator.Admit();
        using var other = estimator.Admit();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // No execution context flows to these calls: only the argument can tell the limiter whose work it is.
        Task<int> busy, queued;
        using (ExecutionContext.SuppressFlow())
            busy = Task.Run(() => limiter.RunAsync(() => release.Task.Result, mine, CancellationToken.None));
        while (limiter.Running == 0) await Task.Delay(5);
        using (ExecutionContext.SuppressFlow())
            queued = Task.Run(() => limiter.RunAsync(() => 2, mine, CancellationToken.None));
        while (limiter.Waiting == 0) await Task.Delay(5);
        await Task.Delay(50);
        release.SetResult(1);
        var results = await Task.WhenAll(busy, queued);
        Assert.Equal(new[] { 1, 2 }, results);
        Assert.True(mine.InferenceSeconds >= 0.05, $"inference {mine.InferenceSeconds}");
        Assert.True(mine.QueueWaitSeconds >= 0.04, $"queue wait {mine.QueueWaitSeconds}");
        Assert.Equal(0, other.InferenceSeconds);
        Assert.Equal(0, other.QueueWaitSeconds);
    }

    private static double? Sample(string metrics, string series) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ")) is { } line
            ? double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"([a-z_]+)=""")]
    private static partial Regex LabelName();
}
