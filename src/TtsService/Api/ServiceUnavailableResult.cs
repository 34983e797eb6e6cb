using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace TtsService.Api;

/// <summary>
/// A typed 503 with a JSON body, for <c>Results&lt;Ok&lt;T&gt;, ServiceUnavailable&lt;T&gt;&gt;</c>: the status and the body's
/// type come from the handler's return type, as they do for <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/>.
/// </summary>
public sealed class ServiceUnavailable<TValue>(TValue value) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IEndpointMetadataProvider
{
    public TValue Value { get; } = value;
    object? IValueHttpResult.Value => Value;
    public int StatusCode => StatusCodes.Status503ServiceUnavailable;
    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Json(Value, statusCode: StatusCode).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(TValue), ["application/json"]));
}
