using Microsoft.Win32.SafeHandles;

namespace TtsService.Audio.Native;

/// <summary>
/// Owns one LAME state (lame_init … lame_close). The runtime closes it exactly once: on Dispose, or in
/// the handle's critical finalizer when nobody disposed it; a call in flight keeps it open until it returns.
/// </summary>
internal sealed class LameHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static int _live;

    // For the LibraryImport marshaller, which sets the pointer lame_init returned.
    public LameHandle() : base(ownsHandle: true) { }

    /// <summary>LAME states allocated and not yet closed, process-wide (leak checks).</summary>
    internal static int Live => Volatile.Read(ref _live);

    public static LameHandle Create()
    {
        var gfp = LameNative.lame_init();
        if (gfp.IsInvalid)
        {
            gfp.Dispose();
            throw new OutOfMemoryException("lame_init failed.");
        }
        Interlocked.Increment(ref _live);
        return gfp;
    }

    protected override bool ReleaseHandle()
    {
        Interlocked.Decrement(ref _live);
        return LameNative.lame_close(handle) == 0;
    }
}
