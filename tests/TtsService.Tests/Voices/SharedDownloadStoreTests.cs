using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Downloads;
using TtsService.Errors;

namespace TtsService.Tests.Voices;

/// <summary>Two replicas' <see cref="DownloadStore"/>s on one <c>download_dir</c>: links and expiry work across them.</summary>
public sealed class SharedDownloadStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tts-shared-downloads").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DownloadStore Replica() => new(new TtsSettings { DownloadDir = _dir, DownloadTtlMinutes = 5 },
        new HostingEnvironment { ContentRootPath = _dir }, NullLogger<DownloadStore>.Instance);

    private static async Task<string> SaveAsync(DownloadStore store, byte[] bytes)
    {
        using var pending = store.Begin(AudioFormat.Wav);
        await pending.Stream.WriteAsync(bytes);
        await pending.CommitAsync(default);
        return pending.Name;
    }

    [Fact]
    public async Task A_link_made_on_one_replica_downloads_from_the_other_until_it_expires_there()
    {
        var a = Replica();
        var b = Replica();
        var name = await SaveAsync(a, [1, 2, 3, 4]);
        var (path, contentType) = b.Open(name);
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(path));
        Assert.Equal("audio/wav", contentType);

        // Six minutes old: past the 5-minute TTL, whichever replica is asked.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-6));
        Assert.Equal(404, Assert.Throws<NotFoundException>(() => b.Open(name)).Status);
        Assert.Equal(404, Assert.Throws<NotFoundException>(() => a.Open(name)).Status);
        // The next copy made on B sweeps A's expired file away.
        await SaveAsync(b, [5]);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Another_replicas_copy_still_being_written_is_not_swept_before_its_request_could_end()
    {
        var a = Replica();
        using var pending = a.Begin(AudioFormat.Wav);
        await pending.Stream.WriteAsync(new byte[] { 1 });
        await pending.Stream.FlushAsync();
        var partial = Path.Combine(_dir, pending.Name + ".partial");
        // Older than the TTL but younger than request_timeout_seconds (600) + a minute.
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddMinutes(-6));
        await SaveAsync(Replica(), [2]);
        Assert.True(File.Exists(partial));
        Assert.Throws<NotFoundException>(() => Replica().Open(pending.Name));
    }
}
