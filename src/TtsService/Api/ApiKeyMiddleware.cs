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
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, TtsSettings settings, ApiKeyScope scope)
{
    private readonly byte[][] _keyHashes = settings.ApiKeyList.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        if (_keyHashes.Length == 0 || !scope.Covers(context.Request.Path)) return next(context);
        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            throw new UnauthorizedException("Missing API key: send 'Authorization: Bearer <key>'.");
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()));
        var match = false;
        foreach (var hash in _keyHashes) match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        if (!match) throw new UnauthorizedException("Incorrect API key provided.");
        return next(context);
    }
}

/// <summary>The path prefixes of the groups mapped with <see cref="OpenApiConventions.MapGroupRequiringApiKey"/>: what the key guards.</summary>
public sealed class ApiKeyScope
{
    private readonly List<PathString> _prefixes = [];

    public void Add(PathString prefix) => _prefixes.Add(prefix);

    public bool Covers(PathString path) => _prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}
