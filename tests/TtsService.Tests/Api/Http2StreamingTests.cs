using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Streaming over real sockets, HTTP/1.1 (chunked) and HTTP/2 (h2c with prior knowledge, as behind a
/// proxy that speaks HTTP/2 to the service): the first audio arrives before the whole text is spoken.
/// </summary>
public sealed class Http2StreamingTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    [Theory]
    [InlineData(HttpProtocols.Http1, "1.1")]
    [InlineData(HttpProtocols.Http2, "2.0")]
    public async Task Audio_streams_in_pieces_over_each_protocol(HttpProtocols protocols, string version)
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("max_input_chars", "100000"));
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var http = new HttpClient { BaseAddress = address, DefaultRequestVersion = Version.Parse(version), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var text = string.Join(' ', Enumerable.Repeat("Each sentence is spoken and sent on its own.", 300));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech")
        {
            Content = JsonContent.Create(new { input = text, voice = "af_standin_low", response_format = "pcm", stream = true }),
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Null(response.Content.Headers.ContentLength);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = await stream.ReadAsync(buffer);
        Assert.True(total > 0);

        // The body (~16 MB) is far larger than what socket buffers and HTTP/2 flow control let through
        // unread, so while we hold back, synthesis must wait for us: audio went out before the text was done.
        var limiter = factory.Services.GetRequiredService<TtsService.Inference.InferenceLimiter>();
        await Task.Delay(500);
        var callsWhileWaiting = limiter.Completed;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) total += n;
        Assert.True(limiter.Completed > callsWhileWaiting, $"all {limiter.Completed} model calls had run before the client read the rest");
        Assert.True(total > 300 * KokoroStandin.SampleCount(2, 1f) * 2, $"{total} bytes");
    }
}
