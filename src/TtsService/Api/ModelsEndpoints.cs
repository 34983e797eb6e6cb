using TtsService.Errors;
using TtsService.Inference;

namespace TtsService.Api;

/// <summary><c>GET /v1/models</c> in OpenAI's list shape: only models whose backend is ready.</summary>
public static class ModelsEndpoints
{
    public sealed record ModelInfo(string Id, string Object, long Created, string OwnedBy);
    public sealed record ModelList(string Object, IReadOnlyList<ModelInfo> Data);

    // A fixed creation time keeps responses stable (OpenAI reports when a model was published).
    private const long Created = 1735689600; // 2025-01-01

    public static RouteGroupBuilder MapModels(this RouteGroupBuilder v1)
    {
        v1.MapGet("/models", (BackendManager manager) => TypedResults.Ok(new ModelList("list", ReadyModels(manager))))
            .WithTags("Models").WithName("ListModels").WithSummary("Models whose backend is ready (OpenAI's list shape)")
            ;
        v1.MapGet("/models/{id}", (string id, BackendManager manager) =>
            {
                var model = ReadyModels(manager).FirstOrDefault(m => m.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
                    ?? throw new NotFoundException($"Model '{id}' does not exist or its backend is not loaded.", "model", "model_not_found");
                return TypedResults.Ok(model);
            })
            .WithTags("Models").WithName("GetModel").WithSummary("One ready model")
            .ProducesErrors(404);
        return v1;
    }

    private static List<ModelInfo> ReadyModels(BackendManager manager) =>
        manager.Statuses.Where(s => s.State == BackendState.Ready)
            .SelectMany(s => s.Models.Select(m => new ModelInfo(m, "model", Created, s.Name)))
            .ToList();
}
