using System.Runtime.InteropServices;

namespace TtsService.Audio.Native;

/// <summary>
/// P/Invoke surface of libFLAC 1.4 (FLAC/stream_encoder.h and stream_decoder.h of libflac12).
/// FLAC__bool is a C int; every callback is an unmanaged function pointer with client data.
/// </summary>
internal static unsafe partial class FlacNative
{
    public const string Library = "libFLAC.so.12";

    // ---- encoder ----
    [LibraryImport(Library)] public static partial FlacEncoderHandle FLAC__stream_encoder_new();

    // Takes the raw pointer: it runs inside FlacEncoderHandle.ReleaseHandle, when the handle is already closed.
    [LibraryImport(Library)] public static partial void FLAC__stream_encoder_delete(nint encoder);

    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_channels(FlacEncoderHandle encoder, uint channels);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_bits_per_sample(FlacEncoderHandle encoder, uint bits);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_sample_rate(FlacEncoderHandle encoder, uint rate);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_compression_level(FlacEncoderHandle encoder, uint level);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_blocksize(FlacEncoderHandle encoder, uint blocksize);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_total_samples_estimate(FlacEncoderHandle encoder, ulong samples);

    /// <summary>Returns FLAC__StreamEncoderInitStatus; 0 is OK.</summary>
    [LibraryImport(Library)]
    public static partial int FLAC__stream_encoder_init_stream(FlacEncoderHandle encoder,
        delegate* unmanaged<nint, byte*, nuint, uint, uint, nint, int> write,
        nint seek, nint tell, nint metadata, nint clientData);

    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_process_interleaved(FlacEncoderHandle encoder, int* buffer, uint samplesPerChannel);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_finish(FlacEncoderHandle encoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_get_state(FlacEncoderHandle encoder);

    // ---- decoder ----
    public const int ReadContinue = 0, ReadEndOfStream = 1, ReadAbort = 2;
    public const int WriteContinue = 0, WriteAbort = 1;

    [LibraryImport(Library)] public static partial FlacDecoderHandle FLAC__stream_decoder_new();

    // Takes the raw pointer: it runs inside FlacDecoderHandle.ReleaseHandle, when the handle is already closed.
    [LibraryImport(Library)] public static partial void FLAC__stream_decoder_delete(nint decoder);

    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_set_md5_checking(FlacDecoderHandle decoder, int check);

    /// <summary>Returns FLAC__StreamDecoderInitStatus; 0 is OK. Seek/tell/length/eof/metadata may be null.</summary>
    [LibraryImport(Library)]
    public static partial int FLAC__stream_decoder_init_stream(FlacDecoderHandle decoder,
        delegate* unmanaged<nint, byte*, nuint*, nint, int> read,
        nint seek, nint tell, nint length, nint eof,
        delegate* unmanaged<nint, FrameHeader*, int**, nint, int> write,
        nint metadata,
        delegate* unmanaged<nint, int, nint, void> error,
        nint clientData);

    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_process_until_end_of_stream(FlacDecoderHandle decoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_get_state(FlacDecoderHandle decoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_finish(FlacDecoderHandle decoder);

    /// <summary>The leading fields of FLAC__FrameHeader (format.h); we never read past bits_per_sample.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameHeader
    {
        public uint Blocksize;
        public uint SampleRate;
        public uint Channels;
        public int ChannelAssignment;
        public uint BitsPerSample;
    }
}
