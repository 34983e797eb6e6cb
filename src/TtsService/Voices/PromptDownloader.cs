using System.Buffers;
using System.Net;
using System.Net.Sockets;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>Limits of one prompt download.</summary>
/// <param name="IsAllowed">Which resolved addresses may be connected to.</param>
public sealed record PromptDownloadOptions(long MaxBytes, TimeSpan Timeout, Func<IPAddress, bool> IsAllowed, int MaxRedirects = 3)
{
    public static PromptDownloadOptions From(TtsSettings settings) => new(
        (long)(settings.ZipvoiceMaxDownloadSizeMb * 1024 * 1024),
        TimeSpan.FromSeconds(settings.ZipvoiceDownloadTimeoutSeconds),
        settings.ZipvoiceAllowPrivateUrls ? _ => true : AddressPolicy.IsPublic);
}

/// <summary>
/// Fetches <c>url+</c> prompt audio without becoming a proxy into the private network (SSRF):
/// http/https only; the host is resolved here and every resolved address is checked before a socket
/// is opened, and the connection goes to the checked address (no second DNS lookup, so DNS rebinding
/// gains nothing); no proxy; redirects are followed by hand, each one re-checked, at most
/// <see cref="PromptDownloadOptions.MaxRedirects"/>; one overall timeout; the size cap is enforced
/// while the body streams in.
/// </summary>
public sealed class PromptDownloader : IDisposable
{
    public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

    private readonly PromptDownloadOptions _options;
    private readonly HostResolver _resolve;
    private readonly ILogger _logger;
    private readonly HttpClient _client;

    public PromptDownloader(TtsSettings settings, ILogger<PromptDownloader> logger)
        : this(PromptDownloadOptions.From(settings), Dns.GetHostAddressesAsync, logger) { }

    public PromptDownloader(PromptDownloadOptions options, HostResolver resolve, ILogger logger)
    {
        _options = options;
        _resolve = resolve;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false, // a proxy would make the connection, and its target, someone else's choice
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None, // the cap counts the bytes that arrive
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("TtsService-PromptDownloader/1.0");
    }

    public async Task<byte[]> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var current = CheckUrl(url);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (IsRedirect(response.StatusCode))
                {
                    current = NextHop(current, response.Headers.Location, redirects, _options.MaxRedirects);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw Failed(current, $"the server answered HTTP {(int)response.StatusCode}");
                if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxBytes)
                    throw TooLarge();
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                var bytes = await ReadCappedAsync(body, _options.MaxBytes, timeout.Token);
                _logger.LogInformation("Downloaded prompt audio from {Host}: {Bytes} bytes after {Redirects} redirects", current.Host, bytes.Length, redirects);
                return bytes;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(current, $"no complete answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e) when (e.InnerException is ServiceException refusal)
        {
            throw refusal; // the connect step's typed refusal, wrapped by HttpClient
        }
        catch (HttpRequestException e)
        {
            throw Failed(current, e.Message);
        }
    }

    /// <summary>
    /// The URL a redirect leads to, checked like the first one (relative locations resolve against
    /// <paramref name="current"/>); 422 past <paramref name="maxRedirects"/> or without a Location.
    /// </summary>
    public static Uri NextHop(Uri current, Uri? location, int redirectsSoFar, int maxRedirects)
    {
        if (redirectsSoFar >= maxRedirects)
            throw new UnprocessableException($"The prompt URL redirected more than {maxRedirects} times.", "voice", "too_many_redirects");
        if (location is null)
            throw new UnprocessableException("The prompt URL answered with a redirect without a Location.", "voice", "prompt_download_failed");
        return CheckUrl(location.IsAbsoluteUri ? location : new Uri(current, location));
    }

    /// <summary>http/https with a host. Addresses are checked when connecting, for IP literals and names alike.</summary>
    public static Uri CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new InvalidRequestException("Prompt URLs must be http:// or https://.", "voice", "url_not_allowed");
        if (string.IsNullOrEmpty(url.IdnHost))
            throw new InvalidRequestException("The prompt URL has no host.", "voice", "invalid_url");
        return url;
    }

    /// <summary>Resolves the host once, keeps only allowed addresses, and connects to one of those.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(_options.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            _logger.LogWarning("Refused prompt URL host {Host}: it resolves to {Addresses}, none of them public", host, string.Join(", ", addresses.Select(a => a.ToString())));
            throw new InvalidRequestException(
                $"Prompt URL host '{host}' is a private, loopback, link-local or otherwise non-public address; such URLs are refused (zipvoice_allow_private_urls=false).",
                "voice", "url_not_allowed");
        }
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new HttpRequestException($"Could not connect to {host}: {last?.Message}", last);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try { return await _resolve(host, cancellationToken); }
        catch (SocketException e)
        {
            throw new UnprocessableException($"Prompt URL host '{host}' could not be resolved: {e.Message}", "voice", "prompt_download_failed");
        }
    }

    private static async Task<byte[]> ReadCappedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var collected = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (collected.Length + read > maxBytes) throw TooLarge(maxBytes);
                collected.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return collected.ToArray();
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private PayloadTooLargeException TooLarge() => TooLarge(_options.MaxBytes);

    private static PayloadTooLargeException TooLarge(long maxBytes) => new(
        $"The prompt download is larger than zipvoice_max_download_size_mb ({maxBytes / (1024.0 * 1024.0):0.##} MB).", "voice", "prompt_too_large");

    private static UnprocessableException Failed(Uri url, string why) =>
        new($"The prompt audio could not be downloaded from {url.Host}: {why}.", "voice", "prompt_download_failed");

    public void Dispose() => _client.Dispose();
}
