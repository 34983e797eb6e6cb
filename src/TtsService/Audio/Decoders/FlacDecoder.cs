using System.Buffers.Binary;
using System.Runtime.InteropServices;
using TtsService.Audio.Native;

namespace TtsService.Audio.Decoders;

/// <summary>
/// Native FLAC through libFLAC's stream decoder, fed from memory. STREAMINFO is parsed here first
/// so absurd headers are refused before libFLAC allocates anything; any decoder error callback
/// (lost sync, bad header, CRC mismatch) makes the file corrupt.
/// </summary>
internal static unsafe class FlacDecoder
{
    public static bool Sniff(ReadOnlySpan<byte> b) => b.Length >= 4 && b[..4].SequenceEqual("fLaC"u8);

    private sealed class State
    {
        public required byte[] Input;
        public int Position;
        public required SampleSink Sink;
        public required DecodeBudget Budget;
        public required int Channels;
        public required int SampleRate;
        public string? Error;
        public bool TooLong;
    }

    public static RawAudio Decode(byte[] file, DecodeBudget budget)
    {
        // STREAMINFO (FLAC format spec): block header (4 bytes) then 34 bytes; it must come first.
        if (file.Length < 4 + 4 + 34) throw DecodeBudget.Corrupt("FLAC", "the file ends inside STREAMINFO.");
        if ((file[4] & 0x7F) != 0 || (file[5] << 16 | file[6] << 8 | file[7]) != 34)
            throw DecodeBudget.Corrupt("FLAC", "STREAMINFO is missing or malformed.");
        var info = file.AsSpan(8, 34);
        var packed = BinaryPrimitives.ReadUInt64BigEndian(info[10..]);
        var rate = (int)(packed >> 44);
        var channels = (int)((packed >> 41) & 0x7) + 1;
        var bits = (int)((packed >> 36) & 0x1F) + 1;
        var totalFrames = (long)(packed & 0xF_FFFF_FFFF); // 0: unknown
        budget.CheckStream("FLAC", rate, channels);
        if (bits is < 4 or > 32) throw DecodeBudget.Corrupt("FLAC", $"{bits} bits per sample.");
        budget.CheckFrames(totalFrames, rate);
        NativeCodecLibrary.Flac.EnsureAvailable();

        var state = new State
        {
            // Sized from the bytes we hold (about one frame per input byte, generous for 16-bit audio),
            // not from the header's promise; the sink grows if it is wrong, bounded by the budget.
            Input = file, Sink = new SampleSink(channels, (int)Math.Min(totalFrames > 0 ? totalFrames : long.MaxValue, 4096 + 2L * file.Length / channels)),
            Budget = budget, Channels = channels, SampleRate = rate,
        };
        // Disposing deletes the decoder, then frees the client GCHandle (delete may still call back).
        using (var decoder = FlacDecoderHandle.Create())
        {
            var client = decoder.AllocClient(state, GCHandleType.Normal);
            var init = FlacNative.FLAC__stream_decoder_init_stream(decoder, &OnRead, 0, 0, 0, 0, &OnWrite, 0, &OnError, client);
            if (init != 0) throw new InvalidOperationException($"FLAC decoder init failed (status {init}).");
            var ok = FlacNative.FLAC__stream_decoder_process_until_end_of_stream(decoder);
            if (state.TooLong) throw budget.TooLong(double.PositiveInfinity);
            if (state.Error is { } error) throw DecodeBudget.Corrupt("FLAC", error);
            if (ok == 0) throw DecodeBudget.Corrupt("FLAC", $"decoder state {FlacNative.FLAC__stream_decoder_get_state(decoder)}.");
            FlacNative.FLAC__stream_decoder_finish(decoder);
        }
        var frames = state.Sink.Frames;
        if (frames == 0) throw DecodeBudget.Corrupt("FLAC", "no audio frames.");
        if (totalFrames > 0 && frames < totalFrames)
            throw DecodeBudget.Corrupt("FLAC", $"{frames} of the {totalFrames} samples STREAMINFO announces are present.");
        return new RawAudio(state.Sink.Data, frames, rate, channels, "flac");
    }

    [UnmanagedCallersOnly]
    private static int OnRead(nint decoder, byte* buffer, nuint* bytes, nint client)
    {
        var s = (State)GCHandle.FromIntPtr(client).Target!;
        var remaining = s.Input.Length - s.Position;
        if (remaining <= 0) { *bytes = 0; return FlacNative.ReadEndOfStream; }
        var n = (int)Math.Min((ulong)remaining, *bytes);
        s.Input.AsSpan(s.Position, n).CopyTo(new Span<byte>(buffer, n));
        s.Position += n;
        *bytes = (nuint)n;
        return FlacNative.ReadContinue;
    }

    [UnmanagedCallersOnly]
    private static int OnWrite(nint decoder, FlacNative.FrameHeader* header, int** channelData, nint client)
    {
        var s = (State)GCHandle.FromIntPtr(client).Target!;
        try
        {
            // A frame may not change the stream's shape: the sink is laid out for STREAMINFO's channels.
            if (header->Channels != s.Channels || header->SampleRate != s.SampleRate || header->BitsPerSample is < 4 or > 32)
            {
                s.Error = "a frame's channels, rate or bit depth differ from STREAMINFO.";
                return FlacNative.WriteAbort;
            }
            var blocksize = (int)header->Blocksize;
            if (s.Sink.Frames + (long)blocksize > s.Budget.MaxFrames(s.SampleRate)) { s.TooLong = true; return FlacNative.WriteAbort; }
            var scale = 1f / (1L << ((int)header->BitsPerSample - 1));
            var target = s.Sink.Reserve(blocksize);
            for (var c = 0; c < s.Channels; c++)
            {
                var src = channelData[c];
                for (var i = 0; i < blocksize; i++) target[i * s.Channels + c] = src[i] * scale;
            }
            s.Sink.Commit(blocksize);
            return FlacNative.WriteContinue;
        }
        catch (Exception e)
        {
            s.Error = e.Message; // never unwind through libFLAC
            return FlacNative.WriteAbort;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnError(nint decoder, int status, nint client)
    {
        var s = (State)GCHandle.FromIntPtr(client).Target!;
        s.Error ??= status switch
        {
            0 => "lost sync.",
            1 => "a bad frame header.",
            2 => "a frame's CRC does not match.",
            3 => "an unparseable stream.",
            _ => $"libFLAC error {status}.",
        };
    }
}
