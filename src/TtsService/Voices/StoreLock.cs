using System.Runtime.InteropServices;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>
/// The voice store's writer lock, shared by every process that opens the same directory (replicas on one
/// shared volume): an in-process semaphore, then <c>flock</c> on <c>{root}/.lock</c>. The kernel (or the NFS
/// server, through the client's lock emulation) releases a <c>flock</c> when its holder dies, SIGKILL included,
/// so a killed writer never leaves the store locked; whoever takes the lock next sees only committed voices and
/// the leftovers of dead writers, which makes cleaning up under the lock safe.
/// </summary>
internal sealed partial class StoreLock(string root)
{
    private const int LockEx = 2, LockNb = 4, EWouldBlock = 11;
    private const int ORdOnly = 0, OCreat = 0x40, OCloExec = 0x80000; // Linux

    private readonly SemaphoreSlim _local = new(1, 1);
    private readonly string _path = Path.Combine(root, ".lock");

    /// <summary>How long a writer waits for another replica's write before giving up with 503.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!await _local.WaitAsync(Timeout, cancellationToken)) throw Busy();
        try
        {
            var deadline = DateTime.UtcNow + Timeout;
            var delay = 5;
            while (true)
            {
                if (TryLockFile() is { } held) return new Held(held, _local);
                if (DateTime.UtcNow > deadline) throw Busy();
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 100);
            }
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    /// <summary>The lock if nobody (in this process or another) holds it now, else null; never waits.</summary>
    public IDisposable? TryAcquire()
    {
        if (!_local.Wait(0)) return null;
        if (TryLockFile() is { } held) return new Held(held, _local);
        _local.Release();
        return null;
    }

    /// <summary>An open descriptor of the lock file holding an exclusive flock, or null when another holder has it.</summary>
    private IDisposable? TryLockFile()
    {
        // The service runs on Linux; elsewhere the in-process lock is all there is.
        if (!OperatingSystem.IsLinux()) return new Descriptor(-1);
        // open(2) directly: .NET's FileStream takes flocks of its own (shared ones too) that would conflict with ours.
        // Read-only is enough for flock, and works when another replica's uid created the file.
        var fd = Open(_path, ORdOnly | OCreat | OCloExec, 0b110_110_100 /* 0664 */);
        if (fd < 0) throw new IOException($"Cannot open {_path} (errno {Marshal.GetLastPInvokeError()}).");
        if (Flock(fd, LockEx | LockNb) == 0) return new Descriptor(fd);
        var error = Marshal.GetLastPInvokeError();
        _ = Close(fd);
        if (error == EWouldBlock) return null;
        throw new IOException($"flock on {_path} failed (errno {error}); the voice directory needs a file system with locks (local, NFSv4, CephFS).");
    }

    /// <summary>Closing the descriptor releases the flock.</summary>
    private sealed class Descriptor(int fd) : IDisposable
    {
        public void Dispose()
        {
            if (fd >= 0) _ = Close(fd);
        }
    }

    private static BackendUnavailableException Busy() => new(
        "The voice store is busy with another registration (on this or another replica); retry shortly.", "name", "voice_store_busy");

    private sealed class Held(IDisposable file, SemaphoreSlim local) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            file.Dispose();
            local.Release();
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
