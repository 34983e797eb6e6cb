using System.Security.Cryptography;
using System.Text;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Api;

/// <summary>
/// When <c>api_keys</c> is set, every route under a group mapped with <see cref="OpenApiConventions.MapGroupRequiringApiKey"/> (<c>/v1</c> and
/// <c>/dev</c>) needs <c>Authorization: Bearer &lt;key&gt;</c>; <c>/health</c>, <c>/ready</c>, <c>/docs</c> and <c>/web</c> stay open. Runs as middleware, before body
/// binding, so an unauthenticated caller learns nothing about the body's validity. Keys are compared in
/// constant time (over their SHA-256, so the length is not leaked either) and never logged.
/// <para>
/// A WebSocket upgrade may carry the key where a browser can put it: the <c>api_key</c> query parameter or a
/// <c>bearer.&lt;key&gt;</c> subprotocol; ElevenLabs clients send <c>xi-api-key</c> (header) or <c>xi_api_key</c>
/// (query). A route marked <see cref="ApiKeyInFirstMessage"/> may also get it in its first message: the upgrade is
/// then let through and the route checks the key before it speaks.
/// </para>
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyVerifier keys, ApiKeyScope scope)
{
    /// <summary><see cref="HttpContext.Items"/> key set when a key-in-first-message route was let through without a key.</summary>
    public const string KeyNotYetPresented = "tts.api_key_not_yet_presented";

    public const string SubProtocolPrefix = "bearer.";

    public Task InvokeAsync(HttpContext context)
    {
        if (!keys.Required || !scope.Covers(context.Request.Path)) return next(context);
        var presented = Presented(context);
        if (presented is null)
        {
            if (context.WebSockets.IsWebSocketRequest && context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyInFirstMessage>() is not null)
            {
                context.Items[KeyNotYetPresented] = true;
                return next(context);
            }
            throw new UnauthorizedException(context.WebSockets.IsWebSocketRequest
                ? "Missing API key: send 'Authorization: Bearer <key>', the api_key query parameter or the subprotocol 'bearer.<key>'."
                : "Missing API key: send 'Authorization: Bearer <key>'.");
        }
        if (!keys.IsValid(presented)) throw new UnauthorizedException("Incorrect API key provided.");
        return next(context);
    }

    private static string? Presented(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return header[prefix.Length..].Trim();
        if (!context.WebSockets.IsWebSocketRequest) return null;
        // Browsers cannot set headers on a WebSocket: the query or a subprotocol. ElevenLabs clients: their header or query.
        if (context.Request.Headers["xi-api-key"].ToString() is { Length: > 0 } xi) return xi.Trim();
        foreach (var name in new[] { "api_key", "xi_api_key" })
            if (context.Request.Query[name].ToString() is { Length: > 0 } fromQuery) return fromQuery.Trim();
        return context.WebSockets.WebSocketRequestedProtocols
            .FirstOrDefault(p => p.StartsWith(SubProtocolPrefix, StringComparison.OrdinalIgnoreCase))?[SubProtocolPrefix.Length..];
    }
}

/// <summary>The path prefixes of the groups mapped with <see cref="OpenApiConventions.MapGroupRequiringApiKey"/>: what the key guards.</summary>
public sealed class ApiKeyScope
{
    private readonly List<PathString> _prefixes = [];

    public void Add(PathString prefix) => _prefixes.Add(prefix);

    public bool Covers(PathString path) => _prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The configured API keys, compared in constant time over their SHA-256.</summary>
public sealed class ApiKeyVerifier(TtsSettings settings)
{
    private readonly byte[][] _keyHashes = settings.ApiKeyList.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    /// <summary>Keys are configured: calls must present one.</summary>
    public bool Required => _keyHashes.Length > 0;

    public bool IsValid(string? key)
    {
        if (key is null) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
        var match = false;
        foreach (var hash in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        return match;
    }
}

/// <summary>Marks a WebSocket route whose protocol carries the API key in its first message (ElevenLabs' <c>xi_api_key</c>).</summary>
public sealed class ApiKeyInFirstMessage
{
    public static readonly ApiKeyInFirstMessage Instance = new();
}
