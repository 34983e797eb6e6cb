using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Speech;

namespace TtsService.Api;

/// <summary>Validates the request body of type <typeparamref name="T"/> before the handler runs.</summary>
public sealed class ValidationFilter<T>(TtsSettings settings) : IEndpointFilter where T : class, IValidatedRequest
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<T>().FirstOrDefault()
            ?? throw new InvalidRequestException("Request body is required (JSON).", null, "missing_body");
        request.Validate(settings);
        return next(context);
    }
}
