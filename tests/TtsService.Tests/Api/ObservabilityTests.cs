using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Metrics per host from IMeterFactory instruments (issue 20): the names, types and labels that the README, the
/// Kubernetes HPA and the tests read stay as they were; two hosts in one process keep their own numbers; the
/// request's work record reaches the limiter explicitly; a request's stages are spans, exported with OpenTelemetry when
/// an OTLP endpoint is set.
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

    /// <summary>
    /// One streamed request, traced: ASP.NET Core's request span, and under it one span per stage. The request carries
    /// its own trace id (traceparent), so spans of other tests running meanwhile are left out.
    /// </summary>
    [Fact]
    public async Task A_streamed_request_yields_a_span_per_stage_under_the_request_span()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        var traceId = ActivityTraceId.CreateRandom();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SpeechTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.TraceId == traceId) spans.Enqueue(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        await using var factory = ServiceFactory.WithModels(models.Dir, ("max_queue_wait_seconds", "30"));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech")
        {
            Content = JsonContent.Create(new { input = "Hello there. How are you today? Fine, thanks.", voice = "af_standin_low", response_format = "mp3", stream = true }),
        };
        var remoteParent = ActivitySpanId.CreateRandom();
        request.Headers.Add("traceparent", $"00-{traceId}-{remoteParent}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();

        // The request span ends after the response; wait for it.
        for (var i = 0; i < 200 && !spans.Any(s => s.Source.Name == "Microsoft.AspNetCore"); i++) await Task.Delay(10);
        var root = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(remoteParent, root.ParentSpanId);
        var stages = spans.Where(s => s.Source.Name == SpeechTracing.SourceName).ToList();
        // Every stage hangs directly under the request span: the tree is one level deep.
        Assert.All(stages, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        var count = stages.GroupBy(s => s.OperationName).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, count.GetValueOrDefault(SpeechTracing.Admission));
        // Streamed: a short first call, then the rest; each call waits for a slot (queue) and runs (model).
        var calls = count.GetValueOrDefault(SpeechTracing.Model);
        Assert.True(calls >= 2, $"model calls: {calls}");
        Assert.Equal(calls, count.GetValueOrDefault(SpeechTracing.Queue));
        Assert.All(stages.Where(s => s.OperationName == SpeechTracing.Model), s => Assert.Equal("kokoro", s.GetTagItem("tts.model")));
        // The front end phonemizes piece by piece: one span per piece, and one for finding there is no more.
        Assert.Equal(calls + 1, count.GetValueOrDefault(SpeechTracing.TextFrontEnd));
        // Each piece is encoded and written as it comes, then the encoder's tail.
        Assert.True(count.GetValueOrDefault(SpeechTracing.Encode) >= calls + 1, $"encode spans: {count.GetValueOrDefault(SpeechTracing.Encode)}");
        Assert.True(count.GetValueOrDefault(SpeechTracing.Write) >= calls, $"write spans: {count.GetValueOrDefault(SpeechTracing.Write)}");
        Assert.Equal(["tts.admission", "tts.encode", "tts.model", "tts.queue", "tts.text", "tts.write"], count.Keys.Order());
        // Stages in order: admission first, the first model call before the first write.
        Assert.True(stages.Single(s => s.OperationName == SpeechTracing.Admission).StartTimeUtc <= stages.Min(s => s.StartTimeUtc));
        Assert.True(stages.Where(s => s.OperationName == SpeechTracing.Model).Min(s => s.StartTimeUtc)
                    < stages.Where(s => s.OperationName == SpeechTracing.Write).Min(s => s.StartTimeUtc));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://127.0.0.1:4317", true)]
    public async Task Traces_are_exported_with_opentelemetry_only_when_an_otlp_endpoint_is_set(string? endpoint, bool exported)
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, (TracingExtensions.OtlpEndpointKey, endpoint));
        Assert.Equal(exported, factory.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider)) is not null);
    }

    private static double? Sample(string metrics, string series) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ")) is { } line
            ? double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"([a-z_]+)=""")]
    private static partial Regex LabelName();
}
