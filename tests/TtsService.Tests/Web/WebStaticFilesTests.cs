using System.Net;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Web;

/// <summary>/web over HTTP, no browser: where the page lives, what it may load, and that keys do not lock it.</summary>
public sealed class WebStaticFilesTests : IDisposable
{
    private readonly ServiceFactory _factory = ServiceFactory.WithModels(Path.GetTempPath(), ("api_keys", "key-one"));

    [Fact]
    public async Task Web_redirects_to_the_folder_and_serves_the_page_and_its_files_without_a_key()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        var redirect = await client.GetAsync("/web");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.EndsWith("/web/", redirect.Headers.Location!.ToString());

        var page = await client.GetAsync("/web/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\"", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "")); // nothing from elsewhere
        Assert.DoesNotContain("https://", html);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);

        foreach (var (file, type) in new[] { ("app.js", "text/javascript"), ("style.css", "text/css") })
        {
            var response = await client.GetAsync("/web/" + file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/web/missing.js")).StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
