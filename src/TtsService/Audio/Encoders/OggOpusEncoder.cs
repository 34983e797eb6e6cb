using System.Buffers;
using System.Buffers.Binary;
using Concentus;
using Concentus.Enums;
using TtsService.Audio.Ogg;

namespace TtsService.Audio.Encoders;

/// <summary>
/// <c>opus</c>: Opus packets from Concentus in an Ogg container as RFC 7845 lays it out: an OpusHead
/// page, an OpusTags page, then audio pages whose granule positions count 48 kHz samples including
/// the pre-skip; the last page is flagged end-of-stream and its granule trims the final frame's padding.
/// A page is written at the end of every <see cref="Write"/> (and whenever one fills), so a streamed
/// response gets audio as soon as the backend gives it.
/// </summary>
internal sealed class OggOpusEncoder : IAudioEncoder
{
    /// <summary>32 kbit/s per channel: full-band speech well above Opus' transparency knee for voice.</summary>
    public const int BitratePerChannel = 32000;

    /// <summary>Mid complexity keeps Concentus (managed) far above real time with no audible loss for speech.</summary>
    private const int Complexity = 5;

    private const int FrameMilliseconds = 20;
    private const int MaxPacketsPerPage = 50; // one second of audio per page at most
    private const int GranuleRate = 48000;    // RFC 7845 §4: granule positions always count 48 kHz samples

    private readonly IOpusEncoder _encoder;
    private readonly OggPageWriter _ogg = new((uint)Random.Shared.Next());
    private readonly int _channels;
    private readonly int _sampleRate;
    private readonly int _frameSize;       // per channel at the input rate
    private readonly int _granulePerFrame; // 48 kHz samples per frame
    private readonly int _preSkip;         // 48 kHz samples
    private readonly float[] _frame;
    private readonly byte[] _packet = new byte[4000]; // RFC 6716's recommended max packet size
    private int _frameFill;
    private long _inputSamples;   // per channel
    private long _encodedGranule; // 48 kHz samples produced by the frames encoded so far
    private bool _headersWritten;
    private bool _completed;

    public OggOpusEncoder(EncoderOptions options)
    {
        if (options.Channels is < 1 or > 2)
            throw new Errors.InvalidRequestException($"opus supports 1 or 2 channels, not {options.Channels}.", "response_format");
        if (options.SampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
            throw new Errors.InvalidRequestException($"opus cannot encode {options.SampleRate} Hz audio.", "response_format");
        _channels = options.Channels;
        _sampleRate = options.SampleRate;
        _encoder = OpusCodecFactory.CreateEncoder(_sampleRate, _channels, OpusApplication.OPUS_APPLICATION_AUDIO);
        _encoder.Bitrate = BitratePerChannel * _channels;
        _encoder.Complexity = Complexity;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        _frameSize = _sampleRate * FrameMilliseconds / 1000;
        _granulePerFrame = GranuleRate * FrameMilliseconds / 1000;
        _preSkip = _encoder.Lookahead * (GranuleRate / _sampleRate);
        _frame = new float[_frameSize * _channels];
    }

    public AudioFormat Format => AudioFormat.Opus;

    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        EnsureHeaders(output);
        _inputSamples += samples.Length / _channels;
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, _frame.Length - _frameFill);
            samples[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            samples = samples[take..];
            if (_frameFill == _frame.Length) EncodeFrame(output);
        }
        _ogg.Flush(output, endOfStream: false);
    }

    public void Complete(IBufferWriter<byte> output)
    {
        if (_completed) return;
        _completed = true;
        EnsureHeaders(output);
        // Pad with silence until the decoder, after dropping the pre-skip, has every input sample.
        var needed = _preSkip + _inputSamples * (GranuleRate / _sampleRate);
        while (_encodedGranule < needed || _frameFill > 0)
        {
            _frame.AsSpan(_frameFill).Clear();
            _frameFill = _frame.Length;
            EncodeFrame(output);
        }
        _ogg.SetGranule(needed); // end trimming (RFC 7845 §4.4)
        _ogg.Flush(output, endOfStream: true);
    }

    private void EncodeFrame(IBufferWriter<byte> output)
    {
        var length = _encoder.Encode(_frame, _frameSize, _packet, _packet.Length);
        if (length < 0) throw new InvalidOperationException($"Opus encoding failed (error {length}).");
        _frameFill = 0;
        _encodedGranule += _granulePerFrame;
        if (_ogg.PendingPackets >= MaxPacketsPerPage) _ogg.Flush(output, endOfStream: false);
        _ogg.AddPacket(_packet.AsSpan(0, length), _encodedGranule, output);
    }

    private void EnsureHeaders(IBufferWriter<byte> output)
    {
        if (_headersWritten) return;
        _headersWritten = true;
        Span<byte> head = stackalloc byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = (byte)_channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head[10..], (ushort)_preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)_sampleRate); // original input rate
        BinaryPrimitives.WriteInt16LittleEndian(head[16..], 0); // output gain
        head[18] = 0; // channel mapping family 0: mono or stereo, no table
        _ogg.AddPacket(head, 0, output);
        _ogg.Flush(output, endOfStream: false); // RFC 7845 §3: OpusHead alone on the first page

        var vendor = "TtsService (Concentus)"u8;
        Span<byte> tags = stackalloc byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags[8..], (uint)vendor.Length);
        vendor.CopyTo(tags[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(tags[(12 + vendor.Length)..], 0); // no user comments
        _ogg.AddPacket(tags, 0, output);
        _ogg.Flush(output, endOfStream: false); // OpusTags ends its own page; audio starts on a fresh one
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
