using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using TtsService.Downloads;

namespace TtsService.Api;

/// <summary><c>GET /v1/download/{file}</c>: a copy of audio generated with <c>return_download_link: true</c>.</summary>
public static partial class DownloadEndpoints
{
    public static RouteGroupBuilder MapDownloads(this RouteGroupBuilder v1)
    {
        v1.MapGet("/download/{file}", Download)
            .WithTags("Speech")
            .WithName("DownloadSpeech")
            .WithSummary("Download a file produced with return_download_link (?name= sets the save-as name)")
            .ProducesFile(OpenApiConventions.AudioContentTypes[..^1])
            .ProducesErrors(400, 404);
        // Kokoro-FastAPI's X-Download-Path is "/download/x" and its clients (its web player among them) fetch
        // "/v1" + that; ours already starts with /v1, so such clients ask for /v1/v1/download/x.
        v1.MapGet("/v1/download/{file}", Download).ExcludeFromDescription();
        return v1;
    }

    private static PhysicalFileHttpResult Download(string file, string? name, DownloadStore downloads)
    {
        var (path, contentType) = downloads.Open(file);
        return TypedResults.PhysicalFile(path, contentType, SaveAsName(name, file));
    }

    /// <summary>As Kokoro-FastAPI: the requested name reduced to safe characters, always with the stored file's extension.</summary>
    private static string SaveAsName(string? requested, string stored)
    {
        if (string.IsNullOrWhiteSpace(requested)) return stored;
        var stem = UnsafeChars().Replace(requested, "_");
        stem = Extension().Replace(stem, "").Trim('.', '_', '-');
        if (stem.Length > 100) stem = stem[..100].Trim('.', '_', '-');
        return stem.Length == 0 ? stored : stem + Path.GetExtension(stored);
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeChars();

    [GeneratedRegex(@"\.[A-Za-z0-9]{1,5}$")]
    private static partial Regex Extension();
}
