using TtsService.Inference;

namespace TtsService.Api;

/// <summary>
/// Admission by expected wait at the door of every route that synthesizes speech (those marked with
/// <see cref="AdmissionExtensions.AdmittedByExpectedWait{TBuilder}"/>): before the body is read, a request whose
/// expected wait is above <c>max_queue_wait_seconds</c> gets 429 with <c>Retry-After</c> (<see cref="QueueWaitEstimator"/>).
/// Admitted requests are tracked until they end, so their remaining work counts against the next newcomer. Nothing
/// has been sent when it refuses, so a load balancer may retry elsewhere.
/// </summary>
public sealed class AdmissionMiddleware(RequestDelegate next, QueueWaitEstimator estimator)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<SynthesisRoute>() is null)
        {
            await next(http);
            return;
        }
        using var work = estimator.Admit();
        await next(http);
    }
}

/// <summary>Marks a route that synthesizes speech: it is admitted by expected wait.</summary>
public sealed class SynthesisRoute
{
    public static readonly SynthesisRoute Instance = new();
}

public static class AdmissionExtensions
{
    /// <summary>Admitted by expected wait, so the route can answer 429 (declared here, with the mark).</summary>
    public static TBuilder AdmittedByExpectedWait<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(SynthesisRoute.Instance).ProducesErrors(StatusCodes.Status429TooManyRequests);
}
