using TtsService.Inference;
using TtsService.Observability;

namespace TtsService.Api;

/// <summary>
/// Admission by expected wait at the door of every route that synthesizes speech (those marked with
/// <see cref="AdmissionExtensions.AdmittedByExpectedWait{TBuilder}"/>): before the body is read, a request whose
/// expected wait is above <c>max_queue_wait_seconds</c> gets 429 with <c>Retry-After</c> (<see cref="QueueWaitEstimator"/>).
/// Admitted requests are tracked until they end, so their remaining work counts against the next newcomer; the record
/// is the request's <see cref="ISpeechWorkFeature"/>. Nothing
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
        SpeechWork work;
        using (var span = SpeechTracing.Source.StartActivity(SpeechTracing.Admission))
        {
            try { work = estimator.Admit(); }
            catch (Exception e)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                throw;
            }
            span?.SetTag("tts.expected_wait_seconds", estimator.ExpectedWaitSeconds);
        }
        // The request's work record travels with it: the endpoint hands it to the backend, which charges its model calls.
        http.Features.Set<ISpeechWorkFeature>(new SpeechWorkFeature(work));
        using (work) await next(http);
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
