using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TtsService.Audio.Native;

/// <summary>
/// Owns one libFLAC stream decoder (FLAC__stream_decoder_new … _delete) and the GCHandle its callbacks
/// receive as client data. The runtime deletes it exactly once: on Dispose, or in the handle's critical
/// finalizer when nobody disposed it; a call in flight keeps it open until it returns.
/// </summary>
internal sealed class FlacDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static int _live;
    private GCHandle _client;

    // For the LibraryImport marshaller, which sets the pointer FLAC__stream_decoder_new returned.
    public FlacDecoderHandle() : base(ownsHandle: true) { }

    /// <summary>libFLAC decoders allocated and not yet deleted, process-wide (leak checks).</summary>
    internal static int Live => Volatile.Read(ref _live);

    public static FlacDecoderHandle Create()
    {
        var decoder = FlacNative.FLAC__stream_decoder_new();
        if (decoder.IsInvalid)
        {
            decoder.Dispose();
            throw new OutOfMemoryException("FLAC__stream_decoder_new failed.");
        }
        Interlocked.Increment(ref _live);
        return decoder;
    }

    /// <summary>
    /// Client data for init_stream: a GCHandle to <paramref name="target"/>, freed only after delete
    /// (which may still call back), so the callbacks never see a freed GCHandle.
    /// </summary>
    public nint AllocClient(object target, GCHandleType type)
    {
        if (!_client.IsAllocated) _client = GCHandle.Alloc(target, type);
        return GCHandle.ToIntPtr(_client);
    }

    protected override bool ReleaseHandle()
    {
        FlacNative.FLAC__stream_decoder_delete(handle);
        if (_client.IsAllocated) _client.Free();
        Interlocked.Decrement(ref _live);
        return true;
    }
}
