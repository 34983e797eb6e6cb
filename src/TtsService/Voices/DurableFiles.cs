using System.Runtime.InteropServices;

namespace TtsService.Voices;

/// <summary>
/// Crash-safe file writes: data goes to a temp file in the target's directory, is flushed to disk,
/// then renamed over the target (rename is atomic within one file system), and the directory entry
/// itself is flushed so the rename survives a power cut.
/// </summary>
internal static partial class DurableFiles
{
    public const string TempPrefix = ".tmp-";

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically (replacing it when present).</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> data)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(data);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        FlushDirectory(directory);
    }

    /// <summary>fsync on the directory, so renames and new entries in it are durable (no-op on Windows).</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the data files themselves are already flushed
        try { _ = Fsync(fd); }
        finally { _ = Close(fd); }
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
