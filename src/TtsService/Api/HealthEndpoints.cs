using Microsoft.AspNetCore.Http.HttpResults;
using TtsService.Inference;

namespace TtsService.Api;

/// <summary><c>/health</c> (the process answers) and <c>/ready</c> (which backends can synthesize).</summary>
public static class HealthEndpoints
{
    public sealed record HealthResponse(string Status);
    public sealed record ReadyBackend(string Name, string State, string? Reason, IReadOnlyList<string> Models);
    public sealed record ReadyResponse(bool Ready, IReadOnlyList<ReadyBackend> Backends);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("healthy")))
            .WithTags("Health").WithName("Health").WithSummary("The process answers (liveness)");
        app.MapGet("/ready", Results<Ok<ReadyResponse>, ServiceUnavailable<ReadyResponse>> (BackendManager manager) =>
        {
            var backends = manager.Statuses
                .Select(s => new ReadyBackend(s.Name, s.State.ToString().ToLowerInvariant(), s.Reason, s.Models))
                .ToList();
            var ready = backends.Any(b => b.State == "ready");
            // 503 when nothing can speak, so orchestrators hold traffic; the body still says why.
            return ready ? TypedResults.Ok(new ReadyResponse(true, backends)) : new ServiceUnavailable<ReadyResponse>(new ReadyResponse(false, backends));
        })
            .WithTags("Health").WithName("Ready").WithSummary("Which backends can speak (readiness): 503 when none can");
        return app;
    }
}
