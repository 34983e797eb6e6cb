namespace TtsService.Downloads;

public static class DownloadsServiceCollectionExtensions
{
    /// <summary>The store of <c>return_download_link</c> copies.</summary>
    public static IServiceCollection AddDownloads(this IServiceCollection services) => services.AddSingleton<DownloadStore>();
}
