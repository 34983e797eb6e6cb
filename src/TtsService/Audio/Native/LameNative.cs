using System.Runtime.InteropServices;

namespace TtsService.Audio.Native;

/// <summary>P/Invoke surface of LAME (lame.h of libmp3lame0), only what the MP3 encoder uses.</summary>
internal static unsafe partial class LameNative
{
    public const string Library = "libmp3lame.so.0";

    /// <summary>MPEG_mode from lame.h.</summary>
    public const int ModeJointStereo = 1, ModeMono = 3;

    /// <summary>A null state comes back as an invalid handle; <see cref="LameHandle.Create"/> checks it.</summary>
    [LibraryImport(Library)] public static partial LameHandle lame_init();

    // Takes the raw pointer: it runs inside LameHandle.ReleaseHandle, when the handle is already closed.
    [LibraryImport(Library)] public static partial int lame_close(nint gfp);

    [LibraryImport(Library)] public static partial int lame_set_in_samplerate(LameHandle gfp, int rate);
    [LibraryImport(Library)] public static partial int lame_set_out_samplerate(LameHandle gfp, int rate);
    [LibraryImport(Library)] public static partial int lame_set_num_channels(LameHandle gfp, int channels);
    [LibraryImport(Library)] public static partial int lame_set_mode(LameHandle gfp, int mode);
    [LibraryImport(Library)] public static partial int lame_set_brate(LameHandle gfp, int kbps);
    [LibraryImport(Library)] public static partial int lame_set_quality(LameHandle gfp, int quality);
    [LibraryImport(Library)] public static partial int lame_set_bWriteVbrTag(LameHandle gfp, int write);
    [LibraryImport(Library)] public static partial int lame_init_params(LameHandle gfp);

    /// <summary>Mono or planar input in [-1, 1]; returns bytes written or a negative error.</summary>
    [LibraryImport(Library)]
    public static partial int lame_encode_buffer_ieee_float(LameHandle gfp, float* left, float* right, int samples, byte* mp3, int mp3Size);

    [LibraryImport(Library)]
    public static partial int lame_encode_buffer_interleaved_ieee_float(LameHandle gfp, float* pcm, int samplesPerChannel, byte* mp3, int mp3Size);

    [LibraryImport(Library)] public static partial int lame_encode_flush(LameHandle gfp, byte* mp3, int mp3Size);

    /// <summary>The Xing/LAME "Info" frame with the final counts (delay, padding, frames), for the file start.</summary>
    [LibraryImport(Library)] public static partial nuint lame_get_lametag_frame(LameHandle gfp, byte* buffer, nuint size);
}
