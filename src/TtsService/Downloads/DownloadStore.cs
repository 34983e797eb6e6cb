using System.Text.RegularExpressions;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Downloads;

/// <summary>
/// Copies of generated audio kept for <c>return_download_link</c> (Kokoro-FastAPI's feature): the
/// response carries <c>X-Download-Path</c> and <c>GET /v1/download/{file}</c> serves the file for
/// <c>download_ttl_minutes</c>. Names are generated here (never taken from the caller), written under
/// a temporary name and renamed when complete, so a half-written file is never served.
/// </summary>
public sealed partial class DownloadStore
{
    private readonly string _dir;
    private readonly TimeSpan _ttl;
    private readonly ILogger<DownloadStore> _logger;

    public DownloadStore(TtsSettings settings, IHostEnvironment environment, ILogger<DownloadStore> logger)
    {
        _dir = settings.ResolvePath(environment.ContentRootPath, settings.DownloadDir);
        _ttl = TimeSpan.FromMinutes(Math.Max(1, settings.DownloadTtlMinutes));
        _logger = logger;
    }

    /// <summary>Starts a copy; the caller writes to <see cref="PendingDownload.Stream"/> and commits when the audio is complete.</summary>
    public PendingDownload Begin(AudioFormat format)
    {
        Directory.CreateDirectory(_dir);
        Sweep();
        var name = $"speech-{Guid.NewGuid():N}.{format.FileExtension()}";
        return new PendingDownload(name, Path.Combine(_dir, name));
    }

    /// <summary>The stored file for <paramref name="name"/>: 400 for a name we could not have made, 404 when gone.</summary>
    public (string Path, string ContentType) Open(string name)
    {
        var match = FileName().Match(name);
        if (!match.Success)
            throw new InvalidRequestException("Not a download file name (expected speech-<32 hex>.<format>).", "file", "invalid_file_name");
        var path = Path.Combine(_dir, name);
        if (!File.Exists(path)) throw new NotFoundException($"Download '{name}' does not exist or has expired.", "file", "download_not_found");
        return (path, AudioFormats.Parse(match.Groups[1].Value).ContentType());
    }

    /// <summary>Deletes expired downloads and temporary files left by a crash.</summary>
    private void Sweep()
    {
        var cutoff = DateTime.UtcNow - _ttl;
        foreach (var file in Directory.EnumerateFiles(_dir))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff) File.Delete(file);
            }
            catch (IOException e) { _logger.LogDebug("Could not delete expired download {File}: {Reason}", Path.GetFileName(file), e.Message); }
        }
    }

    [GeneratedRegex("^speech-[0-9a-f]{32}\\.(mp3|opus|aac|flac|wav|pcm)$")]
    private static partial Regex FileName();
}

/// <summary>A download being written; deleted on dispose unless committed.</summary>
public sealed class PendingDownload : IDisposable
{
    private readonly string _finalPath;
    private readonly string _tempPath;
    private bool _committed;

    public string Name { get; }
    public FileStream Stream { get; }

    internal PendingDownload(string name, string finalPath)
    {
        Name = name;
        _finalPath = finalPath;
        _tempPath = finalPath + ".partial";
        Stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken);
        await Stream.DisposeAsync();
        File.Move(_tempPath, _finalPath);
        _committed = true;
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed) File.Delete(_tempPath);
    }
}
