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
    [LibraryImport(Library)] public static partial nint FLAC__stream_encoder_new();
    [LibraryImport(Library)] public static partial void FLAC__stream_encoder_delete(nint encoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_channels(nint encoder, uint channels);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_bits_per_sample(nint encoder, uint bits);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_sample_rate(nint encoder, uint rate);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_compression_level(nint encoder, uint level);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_blocksize(nint encoder, uint blocksize);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_set_total_samples_estimate(nint encoder, ulong samples);

    /// <summary>Returns FLAC__StreamEncoderInitStatus; 0 is OK.</summary>
    [LibraryImport(Library)]
    public static partial int FLAC__stream_encoder_init_stream(nint encoder,
        delegate* unmanaged<nint, byte*, nuint, uint, uint, nint, int> write,
        nint seek, nint tell, nint metadata, nint clientData);

    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_process_interleaved(nint encoder, int* buffer, uint samplesPerChannel);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_finish(nint encoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_encoder_get_state(nint encoder);

    // ---- decoder ----
    public const int ReadContinue = 0, ReadEndOfStream = 1, ReadAbort = 2;
    public const int WriteContinue = 0, WriteAbort = 1;

    [LibraryImport(Library)] public static partial nint FLAC__stream_decoder_new();
    [LibraryImport(Library)] public static partial void FLAC__stream_decoder_delete(nint decoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_set_md5_checking(nint decoder, int check);

    /// <summary>Returns FLAC__StreamDecoderInitStatus; 0 is OK. Seek/tell/length/eof/metadata may be null.</summary>
    [LibraryImport(Library)]
    public static partial int FLAC__stream_decoder_init_stream(nint decoder,
        delegate* unmanaged<nint, byte*, nuint*, nint, int> read,
        nint seek, nint tell, nint length, nint eof,
        delegate* unmanaged<nint, FrameHeader*, int**, nint, int> write,
        nint metadata,
        delegate* unmanaged<nint, int, nint, void> error,
        nint clientData);

    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_process_until_end_of_stream(nint decoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_get_state(nint decoder);
    [LibraryImport(Library)] public static partial int FLAC__stream_decoder_finish(nint decoder);

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
