using System.Buffers;
using TtsService.Audio.Native;

namespace TtsService.Audio.Encoders;

/// <summary>
/// <c>mp3</c>: CBR MPEG Layer III through LAME (libmp3lame0). Frames go out as LAME completes them.
/// Streaming output carries no Xing/Info frame (nothing can be patched once sent, as in OpenAI's stream);
/// a non-streamed response is held back until <see cref="Complete"/> so its first frame can be the
/// LAME "Info" tag, which lets decoders trim the encoder delay and padding exactly.
/// </summary>
internal sealed unsafe class Mp3Encoder : IAudioEncoder
{
    /// <summary>Speech at 24 kHz: 64 kbit/s mono is transparent enough and what common TTS services send.</summary>
    public const int DefaultMonoKbps = 64;

    /// <summary>LAME's algorithm quality (0 best … 9 fastest); 5 is its "good, fast" preset (lame.h).</summary>
    private const int LameQuality = 5;

    private readonly int _channels;
    private readonly bool _writeInfoTag;
    private readonly ArrayBufferWriter<byte>? _held;
    // Closed by Dispose or, when nobody calls it, by the handle's own finalizer.
    private readonly LameHandle _lame;
    private byte[] _mp3Buffer = [];

    public Mp3Encoder(EncoderOptions options)
    {
        if (options.Channels is < 1 or > 2)
            throw new Errors.InvalidRequestException($"mp3 supports 1 or 2 channels, not {options.Channels}.", "response_format");
        NativeCodecLibrary.Lame.EnsureAvailable();
        _channels = options.Channels;
        _writeInfoTag = !options.Streaming;
        if (_writeInfoTag) _held = new ArrayBufferWriter<byte>();
        _lame = LameHandle.Create();
        LameNative.lame_set_in_samplerate(_lame, options.SampleRate);
        LameNative.lame_set_out_samplerate(_lame, options.SampleRate);
        LameNative.lame_set_num_channels(_lame, _channels);
        LameNative.lame_set_mode(_lame, _channels == 1 ? LameNative.ModeMono : LameNative.ModeJointStereo);
        LameNative.lame_set_brate(_lame, DefaultMonoKbps * _channels);
        LameNative.lame_set_quality(_lame, LameQuality);
        LameNative.lame_set_bWriteVbrTag(_lame, _writeInfoTag ? 1 : 0);
        if (LameNative.lame_init_params(_lame) < 0)
        {
            Dispose();
            throw new Errors.InvalidRequestException(
                $"mp3 cannot encode {options.SampleRate} Hz with {options.Channels} channel(s).", "response_format");
        }
    }

    public AudioFormat Format => AudioFormat.Mp3;

    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_lame.IsClosed, this);
        var target = _held ?? output;
        // LAME accepts at most ~int.MaxValue; chunks keep its worst-case output bound small.
        const int chunk = 8192;
        for (var offset = 0; offset < samples.Length; offset += chunk * _channels)
        {
            var piece = samples.Slice(offset, Math.Min(chunk * _channels, samples.Length - offset));
            var perChannel = piece.Length / _channels;
            var bound = perChannel * 5 / 4 + 7200; // worst case from lame.h
            EnsureBuffer(bound);
            int written;
            fixed (float* pcm = piece)
            fixed (byte* mp3 = _mp3Buffer)
            {
                written = _channels == 1
                    ? LameNative.lame_encode_buffer_ieee_float(_lame, pcm, pcm, perChannel, mp3, _mp3Buffer.Length)
                    : LameNative.lame_encode_buffer_interleaved_ieee_float(_lame, pcm, perChannel, mp3, _mp3Buffer.Length);
            }
            if (written < 0) throw new InvalidOperationException($"LAME failed to encode (error {written}).");
            target.Write(_mp3Buffer.AsSpan(0, written));
        }
    }

    public void Complete(IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_lame.IsClosed, this);
        EnsureBuffer(7200);
        int written;
        fixed (byte* mp3 = _mp3Buffer) written = LameNative.lame_encode_flush(_lame, mp3, _mp3Buffer.Length);
        if (written < 0) throw new InvalidOperationException($"LAME failed to flush (error {written}).");
        if (_held is null)
        {
            output.Write(_mp3Buffer.AsSpan(0, written));
            return;
        }
        _held.Write(_mp3Buffer.AsSpan(0, written));
        // The first frame LAME emitted is a placeholder of exactly the tag's size: replace it.
        var held = _held.WrittenSpan;
        nuint tagSize;
        fixed (byte* tag = _mp3Buffer) tagSize = LameNative.lame_get_lametag_frame(_lame, tag, (nuint)_mp3Buffer.Length);
        if (tagSize > 0 && (int)tagSize <= held.Length)
        {
            output.Write(_mp3Buffer.AsSpan(0, (int)tagSize));
            output.Write(held[(int)tagSize..]);
        }
        else output.Write(held);
        _held.Clear();
    }

    private void EnsureBuffer(int size)
    {
        if (_mp3Buffer.Length < size) _mp3Buffer = new byte[Math.Max(size, 16384)];
    }

    /// <summary>LAME states allocated and not yet closed, process-wide (leak checks).</summary>
    internal static int LiveNativeStates => LameHandle.Live;

    public void Dispose() => _lame.Dispose(); // idempotent: the handle closes LAME's state once
}
