using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Errors;
using TtsService.Voices;

namespace TtsService.Tests.Voices;

/// <summary>
/// URL prompt downloads against a server on 127.0.0.1 only. Refusals of non-loopback addresses are
/// proven without sending anything: the connect step's policy is wrapped so that, whatever the real
/// policy says, nothing but loopback is ever connected to, and the real decision is recorded.
/// </summary>
public sealed class PromptDownloaderTests : IAsyncLifetime // xunit 2 never calls a test class's IAsyncDisposable
{
    private static readonly IPAddress TestPublic = IPAddress.Loopback; // stands in for "a public host" where a test says so
    private readonly LoopbackHttpServer _server;
    private readonly List<(IPAddress Address, bool Allowed)> _decisions = [];

    public PromptDownloaderTests()
    {
        _server = new LoopbackHttpServer(async (path, stream, ct) =>
        {
            switch (path)
            {
                case "/prompt.wav": await LoopbackHttpServer.RespondAsync(stream, 200, TestAudio.SineWav(0.25)); break;
                case "/missing": await LoopbackHttpServer.RespondAsync(stream, 404, "no"u8.ToArray(), "text/plain"); break;
                case "/to-ipv6-loopback": await LoopbackHttpServer.RedirectAsync(stream, $"http://[::1]:{_server!.Port}/prompt.wav"); break;
                case "/to-127-0-0-2": await LoopbackHttpServer.RedirectAsync(stream, $"http://127.0.0.2:{_server!.Port}/prompt.wav"); break;
                case "/to-file": await LoopbackHttpServer.RedirectAsync(stream, "file:///etc/passwd"); break;
                case "/relative": await LoopbackHttpServer.RedirectAsync(stream, "prompt.wav", 301); break;
                case var hop when hop.StartsWith("/hop/", StringComparison.Ordinal):
                    var left = int.Parse(hop["/hop/".Length..]);
                    await LoopbackHttpServer.RedirectAsync(stream, left == 0 ? "/prompt.wav" : $"/hop/{left - 1}", 307);
                    break;
                case "/declared-huge":
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
                    await Task.Delay(Timeout.Infinite, ct);
                    break;
                case "/endless":
                    // Chunked, never ending: only a cap enforced while streaming can stop this download.
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
                    var chunk = new byte[16 * 1024];
                    var frame = System.Text.Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
                    while (!ct.IsCancellationRequested)
                    {
                        await stream.WriteAsync(frame, ct);
                        await stream.WriteAsync(chunk, ct);
                        await stream.WriteAsync("\r\n"u8.ToArray(), ct);
                        Interlocked.Add(ref _server!.BytesSent, chunk.Length);
                    }
                    break;
                case "/silent": await Task.Delay(Timeout.Infinite, ct); break;
                default: await LoopbackHttpServer.RespondAsync(stream, 500, [], "text/plain"); break;
            }
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A downloader whose connect step records <paramref name="decide"/>'s verdict but never connects beyond loopback.</summary>
    private PromptDownloader Downloader(Func<IPAddress, bool> decide, long maxBytes = 1 << 20, double timeoutSeconds = 10,
        PromptDownloader.HostResolver? resolve = null) =>
        new(new PromptDownloadOptions(maxBytes, TimeSpan.FromSeconds(timeoutSeconds), address =>
            {
                var allowed = decide(address);
                lock (_decisions) _decisions.Add((address, allowed));
                return allowed && IPAddress.IsLoopback(address);
            }),
            resolve ?? Dns.GetHostAddressesAsync, NullLogger.Instance);

    private static Func<IPAddress, bool> AllowPrivate => _ => true;
    private static Func<IPAddress, bool> PublicOnly => AddressPolicy.IsPublic;

    [Fact]
    public async Task Downloads_from_loopback_when_private_urls_are_allowed()
    {
        using var downloader = Downloader(AllowPrivate);
        var bytes = await downloader.DownloadAsync(new Uri(_server.Url("/prompt.wav")), default);
        Assert.Equal(TestAudio.SineWav(0.25), bytes);
        Assert.Equal(1, _server.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/prompt.wav")]
    [InlineData("http://[::1]:{port}/prompt.wav")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/prompt.wav")]
    [InlineData("http://localhost:{port}/prompt.wav")]
    [InlineData("http://0.0.0.0:{port}/prompt.wav")]
    [InlineData("http://10.0.0.1/prompt.wav")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://100.100.100.200/latest/meta-data/")]
    [InlineData("http://2130706433:{port}/prompt.wav")] // 127.0.0.1 as one decimal number
    public async Task Non_public_addresses_are_refused_before_any_connection(string template)
    {
        using var downloader = Downloader(PublicOnly);
        var url = new Uri(template.Replace("{port}", _server.Port.ToString()));
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => downloader.DownloadAsync(url, default));
        Assert.Equal("url_not_allowed", error.Code);
        Assert.NotEmpty(_decisions);
        Assert.All(_decisions, d => Assert.False(d.Allowed));
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task A_hostname_resolving_to_loopback_is_refused_and_resolved_only_once()
    {
        var lookups = 0;
        using var downloader = Downloader(PublicOnly, resolve: (host, _) =>
        {
            Interlocked.Increment(ref lookups);
            Assert.Equal("prompts.example.com", host);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() =>
            downloader.DownloadAsync(new Uri($"http://prompts.example.com:{_server.Port}/prompt.wav"), default));
        Assert.Equal("url_not_allowed", error.Code);
        Assert.Equal(1, lookups);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task The_connection_goes_to_the_checked_address_of_a_name()
    {
        // The name resolves to the loopback server; the request still carries the name as Host.
        var lookups = 0;
        using var downloader = Downloader(AllowPrivate, resolve: (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(new[] { IPAddress.Loopback });
        });
        var bytes = await downloader.DownloadAsync(new Uri($"http://voice.test:{_server.Port}/prompt.wav"), default);
        Assert.Equal(TestAudio.SineWav(0.25).Length, bytes.Length);
        Assert.Equal(1, lookups);
    }

    [Theory]
    [InlineData("/to-ipv6-loopback")]
    [InlineData("/to-127-0-0-2")]
    public async Task A_redirect_from_an_allowed_url_to_loopback_is_refused(string path)
    {
        // 127.0.0.1 plays a public host here; every other address is judged by the real policy.
        using var downloader = Downloader(a => a.Equals(TestPublic) || AddressPolicy.IsPublic(a));
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => downloader.DownloadAsync(new Uri(_server.Url(path)), default));
        Assert.Equal("url_not_allowed", error.Code);
        Assert.Equal(1, _server.Requests); // the first hop only
        Assert.Contains(_decisions, d => !d.Address.Equals(TestPublic) && !d.Allowed);
    }

    [Fact]
    public async Task A_redirect_to_another_scheme_is_refused()
    {
        using var downloader = Downloader(AllowPrivate);
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => downloader.DownloadAsync(new Uri(_server.Url("/to-file")), default));
        Assert.Equal("url_not_allowed", error.Code);
    }

    [Fact]
    public async Task Relative_redirects_and_up_to_three_hops_are_followed_but_not_four()
    {
        using var downloader = Downloader(AllowPrivate);
        Assert.NotEmpty(await downloader.DownloadAsync(new Uri(_server.Url("/relative")), default));
        Assert.NotEmpty(await downloader.DownloadAsync(new Uri(_server.Url("/hop/2")), default)); // 3 redirects
        var requestsBefore = _server.Requests;
        var error = await Assert.ThrowsAsync<UnprocessableException>(() => downloader.DownloadAsync(new Uri(_server.Url("/hop/3")), default));
        Assert.Equal("too_many_redirects", error.Code);
        Assert.Equal(4, _server.Requests - requestsBefore); // the original and three redirects, never the fourth target
    }

    [Fact]
    public void Next_hop_resolves_relative_locations_and_counts_redirects()
    {
        var current = new Uri("https://a.example/dir/x.wav?q=1");
        Assert.Equal("https://a.example/dir/y.wav", PromptDownloader.NextHop(current, new Uri("y.wav", UriKind.Relative), 0, 3).AbsoluteUri);
        Assert.Equal("https://a.example/z", PromptDownloader.NextHop(current, new Uri("/z", UriKind.Relative), 2, 3).AbsoluteUri);
        Assert.Equal("http://b.example/", PromptDownloader.NextHop(current, new Uri("http://b.example/"), 0, 3).AbsoluteUri);
        Assert.Equal("too_many_redirects", Assert.Throws<UnprocessableException>(() => PromptDownloader.NextHop(current, new Uri("/z", UriKind.Relative), 3, 3)).Code);
        Assert.Throws<UnprocessableException>(() => PromptDownloader.NextHop(current, null, 0, 3));
        Assert.Throws<InvalidRequestException>(() => PromptDownloader.NextHop(current, new Uri("ftp://a.example/x"), 0, 3));
        Assert.Throws<InvalidRequestException>(() => PromptDownloader.NextHop(current, new Uri("gopher://127.0.0.1:11211/"), 0, 3));
    }

    [Fact]
    public async Task An_endless_download_stops_at_the_size_cap()
    {
        using var downloader = Downloader(AllowPrivate, maxBytes: 256 * 1024, timeoutSeconds: 60);
        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => downloader.DownloadAsync(new Uri(_server.Url("/endless")), default));
        Assert.Equal(413, error.Status);
        Assert.Contains("zipvoice_max_download_size_mb", error.Message);
    }

    [Fact]
    public async Task A_declared_oversized_body_is_refused_without_reading_it()
    {
        using var downloader = Downloader(AllowPrivate, maxBytes: 1024, timeoutSeconds: 60);
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => downloader.DownloadAsync(new Uri(_server.Url("/declared-huge")), default));
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        using var downloader = Downloader(AllowPrivate, timeoutSeconds: 0.5);
        var error = await Assert.ThrowsAsync<UnprocessableException>(() => downloader.DownloadAsync(new Uri(_server.Url("/silent")), default));
        Assert.Equal("prompt_download_failed", error.Code);
    }

    [Fact]
    public async Task An_error_status_is_422()
    {
        using var downloader = Downloader(AllowPrivate);
        var error = await Assert.ThrowsAsync<UnprocessableException>(() => downloader.DownloadAsync(new Uri(_server.Url("/missing")), default));
        Assert.Contains("404", error.Message);
    }
}
