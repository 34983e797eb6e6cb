using TtsService.Inference;

namespace TtsService.Api;

/// <summary>
/// Admission by expected wait at the door of every route that synthesizes speech: before the body is read, a
/// request whose expected wait is above <c>max_queue_wait_seconds</c> gets 429 with <c>Retry-After</c>
/// (<see cref="QueueWaitEstimator"/>). Admitted requests are tracked until they end, so their remaining work counts
/// against the next newcomer. Nothing has been sent when it refuses, so a load balancer may retry elsewhere.
/// </summary>
public sealed class AdmissionMiddleware(RequestDelegate next, QueueWaitEstimator estimator)
{
    private static readonly string[] SynthesisRoutes =
        ["/v1/audio/speech", "/v1/audio/speech/captioned", "/v1/zipvoice/audio/speech", "/dev/captioned_speech", "/dev/generate_from_phonemes"];

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !SynthesisRoutes.Contains(http.Request.Path.Value?.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }
        using var work = estimator.Admit();
        await next(http);
    }
}
