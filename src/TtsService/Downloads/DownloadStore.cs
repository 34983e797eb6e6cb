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
/// <para>
/// <c>download_dir</c> may be shared by replicas: the file on disk is the only state, so a link made by one
/// replica downloads from any other, and expiry is decided from the file's own time by whichever replica is
/// asked (an expired file is 404 at once, and removed by the next sweep).
/// </para>
/// </summary>
public sealed partial class DownloadStore
{
    private readonly string _dir;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _partialTtl;
    private readonly ILogger<DownloadStore> _logger;

    public DownloadStore(TtsSettings settings, IHostEnvironment environment, ILogger<DownloadStore> logger)
    {
        _dir = settings.ResolvePath(environment.ContentRootPath, settings.DownloadDir);
        _ttl = TimeSpan.FromMinutes(Math.Max(1, settings.DownloadTtlMinutes));
        // A copy still being written (possibly by another replica) lives as long as its request may: never swept before that.
        _partialTtl = TimeSpan.FromSeconds(Math.Max(_ttl.TotalSeconds, settings.RequestTimeoutSeconds + 60));
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
        var written = File.GetLastWriteTimeUtc(path); // 1601-01-01 when the file does not exist
        if (!File.Exists(path) || IsExpired(written, _ttl))
            throw new NotFoundException($"Download '{name}' does not exist or has expired.", "file", "download_not_found");
        return (path, AudioFormats.Parse(match.Groups[1].Value).ContentType());
    }

    /// <summary>Deletes expired downloads and temporary files left by a crash.</summary>
    private void Sweep()
    {
        foreach (var file in Directory.EnumerateFiles(_dir))
        {
            try
            {
                var ttl = file.EndsWith(PendingDownload.PartialSuffix, StringComparison.Ordinal) ? _partialTtl : _ttl;
                if (IsExpired(File.GetLastWriteTimeUtc(file), ttl)) File.Delete(file);
            }
            catch (IOException e) { _logger.LogDebug("Could not delete expired download {File}: {Reason}", Path.GetFileName(file), e.Message); }
        }
    }

    private static bool IsExpired(DateTime writtenUtc, TimeSpan ttl) => writtenUtc < DateTime.UtcNow - ttl;

    [GeneratedRegex("^speech-[0-9a-f]{32}\\.(mp3|opus|aac|flac|wav|pcm)$")]
    private static partial Regex FileName();
}

/// <summary>A download being written; deleted on dispose unless committed.</summary>
public sealed class PendingDownload : IDisposable
{
    private readonly string _finalPath;
    private readonly string _tempPath;
    private bool _committed;

    internal const string PartialSuffix = ".partial";

    public string Name { get; }
    public FileStream Stream { get; }

    internal PendingDownload(string name, string finalPath)
    {
        Name = name;
        _finalPath = finalPath;
        _tempPath = finalPath + PartialSuffix;
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
