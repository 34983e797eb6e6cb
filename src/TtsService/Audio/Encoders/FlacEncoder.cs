using System.Buffers;
using System.Runtime.InteropServices;
using TtsService.Audio.Native;

namespace TtsService.Audio.Encoders;

/// <summary>
/// <c>flac</c>: 16-bit FLAC through libFLAC (libflac12). libFLAC calls back with the stream header at
/// init and with each frame as soon as a block is complete; we forward them to the current output.
/// Without a seek callback the STREAMINFO cannot be patched, so a streamed file says "total samples
/// unknown" (as the format allows); a non-streamed one gets the exact count up front.
/// </summary>
internal sealed unsafe class FlacEncoder : IAudioEncoder
{
    /// <summary>libFLAC's default level (5): the usual size/speed balance.</summary>
    private const uint CompressionLevel = 5;

    /// <summary>Smaller than the level's 4096 so a streamed frame leaves after ~85 ms at 24 kHz.</summary>
    private const uint BlockSize = 2048;

    private readonly EncoderOptions _options;
    // Deleted by Dispose or, when nobody calls it, by the handle's own finalizer.
    private readonly FlacEncoderHandle _encoder;
    private readonly nint _self;
    private bool _initialised;
    private IBufferWriter<byte>? _output;
    private int[] _pcm = [];
    private Exception? _callbackError;

    public FlacEncoder(EncoderOptions options)
    {
        if (options.Channels is < 1 or > 8)
            throw new Errors.InvalidRequestException($"flac supports 1 to 8 channels, not {options.Channels}.", "response_format");
        NativeCodecLibrary.Flac.EnsureAvailable();
        _options = options;
        _encoder = FlacEncoderHandle.Create();
        FlacNative.FLAC__stream_encoder_set_channels(_encoder, (uint)options.Channels);
        FlacNative.FLAC__stream_encoder_set_bits_per_sample(_encoder, 16);
        FlacNative.FLAC__stream_encoder_set_sample_rate(_encoder, (uint)options.SampleRate);
        FlacNative.FLAC__stream_encoder_set_compression_level(_encoder, CompressionLevel);
        FlacNative.FLAC__stream_encoder_set_blocksize(_encoder, BlockSize);
        if (!options.Streaming && options.TotalSamples is { } total)
            FlacNative.FLAC__stream_encoder_set_total_samples_estimate(_encoder, (ulong)total);
        // Weak: the handle must not keep an undisposed encoder alive, or neither would ever be finalized.
        _self = _encoder.AllocClient(this, GCHandleType.Weak);
    }

    public AudioFormat Format => AudioFormat.Flac;

    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        EnsureInitialised(output);
        if (_pcm.Length < samples.Length) _pcm = new int[Math.Max(samples.Length, 4096)];
        for (var i = 0; i < samples.Length; i++) _pcm[i] = Pcm16.FromFloat(samples[i]);
        var perChannel = (uint)(samples.Length / _options.Channels);
        int ok;
        fixed (int* pcm = _pcm) ok = FlacNative.FLAC__stream_encoder_process_interleaved(_encoder, pcm, perChannel);
        Check(ok, "process");
    }

    public void Complete(IBufferWriter<byte> output)
    {
        EnsureInitialised(output);
        var ok = FlacNative.FLAC__stream_encoder_finish(_encoder);
        _output = null;
        Check(ok, "finish");
    }

    private void EnsureInitialised(IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_encoder.IsClosed, this);
        _output = output;
        if (_initialised) return;
        _initialised = true;
        var status = FlacNative.FLAC__stream_encoder_init_stream(_encoder, &OnWrite, 0, 0, 0, _self);
        if (status != 0) throw new InvalidOperationException($"FLAC encoder init failed (status {status}).");
    }

    private void Check(int ok, string step)
    {
        if (_callbackError is { } e) { _callbackError = null; throw e; }
        if (ok == 0)
            throw new InvalidOperationException(
                $"FLAC encoder {step} failed (state {FlacNative.FLAC__stream_encoder_get_state(_encoder)}).");
    }

    [UnmanagedCallersOnly]
    private static int OnWrite(nint encoder, byte* buffer, nuint bytes, uint samples, uint frame, nint client)
    {
        if (GCHandle.FromIntPtr(client).Target is not FlacEncoder { _output: not null } self)
            return 1; // disposing: nobody to write to
        try
        {
            self._output!.Write(new ReadOnlySpan<byte>(buffer, checked((int)bytes)));
            return 0; // FLAC__STREAM_ENCODER_WRITE_STATUS_OK
        }
        catch (Exception e)
        {
            // Exceptions must not unwind through native frames: keep it and rethrow on our side.
            self._callbackError = e;
            return 1; // FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR
        }
    }

    /// <summary>libFLAC encoders allocated and not yet deleted, process-wide (leak checks).</summary>
    internal static int LiveNativeStates => FlacEncoderHandle.Live;

    public void Dispose()
    {
        _output = null; // delete() finishes an unfinished stream; its frames go nowhere
        _encoder.Dispose(); // idempotent: the handle deletes the encoder, then frees _self, once
    }
}
