using Microsoft.Extensions.FileProviders;

namespace TtsService.Api;

/// <summary>
/// The try-it page at <c>/web</c>: plain files from <c>wwwroot/web</c> (no build step, nothing from a CDN).
/// <c>/web</c> redirects to <c>/web/</c> so the page's relative links resolve, and <c>/web/</c> serves index.html.
/// </summary>
public static class WebEndpoints
{
    public const string RequestPath = "/web";

    // The page talks only to this origin; blob: carries the audio it builds in the browser.
    private const string ContentSecurityPolicy =
        "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseWebPage(this WebApplication app)
    {
        var root = FindRoot(app.Environment);
        if (root is null)
        {
            app.Logger.LogWarning("The /web page is not served: wwwroot/web/index.html was found neither under {ContentRoot} nor under {AppBase}",
                app.Environment.ContentRootPath, AppContext.BaseDirectory);
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = RequestPath, FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = RequestPath,
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Small files that change with the service: always revalidate (ETag makes that cheap).
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            },
        });
        return app;
    }

    /// <summary>
    /// The web root: under the content root (tests, <c>dotnet publish</c> output run from its folder) or next to
    /// the binary (<c>dotnet run</c> from the repository root, <c>dotnet TtsService.dll</c> from elsewhere).
    /// </summary>
    private static string? FindRoot(IWebHostEnvironment environment) =>
        new[] { environment.WebRootPath, Path.Combine(environment.ContentRootPath, "wwwroot"), Path.Combine(AppContext.BaseDirectory, "wwwroot") }
            .Where(dir => !string.IsNullOrEmpty(dir))
            .Select(dir => Path.Combine(dir!, "web"))
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "index.html")));
}
