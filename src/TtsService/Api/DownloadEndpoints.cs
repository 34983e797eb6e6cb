using TtsService.Downloads;

namespace TtsService.Api;

/// <summary><c>GET /v1/download/{file}</c>: a copy of audio generated with <c>return_download_link: true</c>.</summary>
public static class DownloadEndpoints
{
    public static RouteGroupBuilder MapDownloads(this RouteGroupBuilder v1)
    {
        v1.MapGet("/download/{file}", (string file, DownloadStore downloads) =>
            {
                var (path, contentType) = downloads.Open(file);
                return TypedResults.PhysicalFile(path, contentType, file);
            })
            .WithTags("Speech")
            .WithSummary("Download a file produced with return_download_link");
        return v1;
    }
}
