using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TtsService.Audio.Native;

/// <summary>
/// Owns one libFLAC stream encoder or decoder (…_new … _delete) and the GCHandle its callbacks receive as client
/// data. The runtime deletes it exactly once: on Dispose, or in the handle's critical finalizer when nobody
/// disposed it; a call in flight keeps it open until it returns.
/// </summary>
internal abstract class FlacStreamHandle<TSelf> : SafeHandleZeroOrMinusOneIsInvalid where TSelf : FlacStreamHandle<TSelf>
{
    private static int _live;
    private GCHandle _client;

    protected FlacStreamHandle() : base(ownsHandle: true) { }

    /// <summary>Objects of this kind allocated and not yet deleted, process-wide (leak checks).</summary>
    internal static int Live => Volatile.Read(ref _live);

    /// <summary>The handle a <c>…_new</c> call returned, or OutOfMemoryException when it returned null.</summary>
    protected static TSelf Checked(TSelf created, string function)
    {
        if (created.IsInvalid)
        {
            created.Dispose();
            throw new OutOfMemoryException($"{function} failed.");
        }
        Interlocked.Increment(ref _live);
        return created;
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

    /// <summary>The native delete; it takes the raw pointer, as the handle is already closed when it runs.</summary>
    protected abstract void Delete(nint pointer);

    protected override bool ReleaseHandle()
    {
        Delete(handle);
        if (_client.IsAllocated) _client.Free();
        Interlocked.Decrement(ref _live);
        return true;
    }
}

internal sealed class FlacEncoderHandle : FlacStreamHandle<FlacEncoderHandle>
{
    // For the LibraryImport marshaller, which sets the pointer FLAC__stream_encoder_new returned.
    public FlacEncoderHandle() { }

    public static FlacEncoderHandle Create() => Checked(FlacNative.FLAC__stream_encoder_new(), "FLAC__stream_encoder_new");

    protected override void Delete(nint pointer) => FlacNative.FLAC__stream_encoder_delete(pointer);
}

internal sealed class FlacDecoderHandle : FlacStreamHandle<FlacDecoderHandle>
{
    // For the LibraryImport marshaller, which sets the pointer FLAC__stream_decoder_new returned.
    public FlacDecoderHandle() { }

    public static FlacDecoderHandle Create() => Checked(FlacNative.FLAC__stream_decoder_new(), "FLAC__stream_decoder_new");

    protected override void Delete(nint pointer) => FlacNative.FLAC__stream_decoder_delete(pointer);
}
