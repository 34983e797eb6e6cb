using Microsoft.AspNetCore.Http.HttpResults;
using TtsService.Inference;

namespace TtsService.Api;

/// <summary><c>/health</c> (the process answers) and <c>/ready</c> (which backends can synthesize).</summary>
public static class HealthEndpoints
{
    public sealed record HealthResponse(string Status);
    /// <param name="Device">Where the backend's models run when ready: "cuda" or "cpu".</param>
    public sealed record ReadyBackend(string Name, string State, string? Reason, IReadOnlyList<string> Models, string? Device);
    /// <param name="Requested">"cpu", "cuda" (use_gpu=true: preferred, CPU if it cannot load) or "cuda-required" (device_type=cuda).</param>
    /// <param name="CudaError">Why CUDA could not be used (the missing library when that is the cause), when it was asked for.</param>
    public sealed record ReadyDevice(string Requested, string? CudaError);
    public sealed record ReadyResponse(bool Ready, IReadOnlyList<ReadyBackend> Backends, ReadyDevice Device);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("healthy")))
            .WithTags("Health").WithName("Health").WithSummary("The process answers (liveness)");
        app.MapGet("/ready", Results<Ok<ReadyResponse>, ServiceUnavailable<ReadyResponse>> (BackendManager manager, OnnxSessions sessions) =>
        {
            var backends = manager.Statuses
                .Select(s => new ReadyBackend(s.Name, s.State.ToString().ToLowerInvariant(), s.Reason, s.Models, s.Device))
                .ToList();
            var device = new ReadyDevice(sessions.RequiresCuda ? "cuda-required" : sessions.WantsCuda ? "cuda" : "cpu", sessions.CudaError);
            var ready = backends.Any(b => b.State == "ready");
            // 503 when nothing can speak, so orchestrators hold traffic; the body still says why.
            return ready ? TypedResults.Ok(new ReadyResponse(true, backends, device)) : new ServiceUnavailable<ReadyResponse>(new ReadyResponse(false, backends, device));
        })
            .WithTags("Health").WithName("Ready").WithSummary("Which backends can speak (readiness): 503 when none can");
        return app;
    }
}
