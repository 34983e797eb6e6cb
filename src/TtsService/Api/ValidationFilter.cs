using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Speech;

namespace TtsService.Api;

/// <summary>
/// Validates the request body of type <typeparamref name="T"/> before the handler runs: its declared annotations
/// (<see cref="RequestRules{T}"/>, the ones the OpenAPI document shows), then any rule that depends on the settings.
/// </summary>
public sealed class ValidationFilter<T>(TtsSettings settings) : IEndpointFilter where T : class
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<T>().FirstOrDefault()
            ?? throw new InvalidRequestException("Request body is required (JSON).", null, "missing_body");
        RequestRules<T>.Check(request);
        (request as IValidatedRequest)?.Validate(settings);
        return next(context);
    }
}
