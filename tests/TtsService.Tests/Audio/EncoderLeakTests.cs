using System.Buffers;
using TtsService.Audio;
using TtsService.Audio.Decoders;
using TtsService.Audio.Encoders;
using TtsService.Audio.Native;

namespace TtsService.Tests.Audio;

/// <summary>
/// Encoders free their native state (LAME, libFLAC) on Dispose and, when nobody disposed them, in
/// their SafeHandles' finalizers; AAC leaves no ffmpeg behind. (The 1,000-encode run with the resident
/// size is in bench/AudioBench.) Not parallelised with other classes: it counts process-wide states.
/// </summary>
[Collection(nameof(EncoderLeakTests))]
[CollectionDefinition(nameof(EncoderLeakTests), DisableParallelization = true)]
public sealed class EncoderLeakTests
{
    private static readonly float[] Audio = AudioSignals.Tone(440, 0.2);

    private static IAudioEncoder CreateAndEncode(AudioFormat format, ArrayBufferWriter<byte> output)
    {
        var encoder = new AudioEncoderFactory().Create(format, new EncoderOptions(24000, 1, Streaming: true));
        encoder.Write(Audio, output);
        return encoder;
    }

    /// <summary>
    /// Every native encoder state is freed, by Dispose or (for an encoder nobody disposed) by its
    /// finalizer. Counted exactly, so the check does not depend on what else the process allocates;
    /// the process-memory view of 1,000 cycles is in bench/AudioBench.
    /// </summary>
    [Theory]
    [InlineData(AudioFormat.Mp3, true)]
    [InlineData(AudioFormat.Flac, true)]
    [InlineData(AudioFormat.Mp3, false)]  // never disposed: the finalizer must free LAME's state
    [InlineData(AudioFormat.Flac, false)] // ... and libFLAC's
    public void Every_native_encoder_state_is_freed(AudioFormat format, bool dispose)
    {
        Func<int> live = format == AudioFormat.Mp3 ? () => Mp3Encoder.LiveNativeStates : () => FlacEncoder.LiveNativeStates;
        var output = new ArrayBufferWriter<byte>();
        Collect();
        var before = live();
        var peak = 0;
        for (var i = 0; i < 200; i++)
        {
            var encoder = CreateAndEncode(format, output);
            encoder.Complete(output);
            output.Clear();
            peak = Math.Max(peak, live() - before);
            if (dispose) encoder.Dispose();
        }
        Assert.True(peak >= 1, "the counter sees live encoders");
        Collect();
        // Other tests may hold encoders of their own at this moment, never more than a few.
        Assert.InRange(live() - before, -8, 8);
    }

    [Fact]
    public void Undisposed_encoders_are_all_finalized()
    {
        var output = new ArrayBufferWriter<byte>();
        Collect();
        var before = Mp3Encoder.LiveNativeStates;
        MakeGarbage(output, 100);
        var afterLoop = Mp3Encoder.LiveNativeStates - before;
        Collect();
        Assert.True(Mp3Encoder.LiveNativeStates - before < Math.Max(8, afterLoop / 10),
            $"{Mp3Encoder.LiveNativeStates - before} LAME states of 100 undisposed encoders survived a full collection");
    }

    /// <summary>
    /// The native state is owned by a SafeHandle: a second Dispose frees nothing more (the counter
    /// drops by exactly one), and a disposed encoder refuses audio instead of passing a freed pointer.
    /// </summary>
    [Theory]
    [InlineData(AudioFormat.Mp3)]
    [InlineData(AudioFormat.Flac)]
    public void Disposing_twice_frees_once_and_a_disposed_encoder_throws(AudioFormat format)
    {
        Func<int> live = format == AudioFormat.Mp3 ? () => Mp3Encoder.LiveNativeStates : () => FlacEncoder.LiveNativeStates;
        var output = new ArrayBufferWriter<byte>();
        Collect();
        var encoder = CreateAndEncode(format, output);
        var before = live();
        encoder.Dispose();
        Assert.Equal(before - 1, live());
        encoder.Dispose();
        Assert.Equal(before - 1, live());
        Assert.Throws<ObjectDisposedException>(() => encoder.Write(Audio, output));
        Assert.Throws<ObjectDisposedException>(() => encoder.Complete(output));
    }

    /// <summary>The FLAC decoder deletes its libFLAC state whether the file decodes or is refused as corrupt.</summary>
    [Fact]
    public void Flac_decoding_frees_its_native_decoder()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var encoder = new AudioEncoderFactory().Create(AudioFormat.Flac, new EncoderOptions(24000, 1, Streaming: false, TotalSamples: Audio.Length)))
        {
            encoder.Write(Audio, output);
            encoder.Complete(output);
        }
        var file = output.WrittenSpan.ToArray();
        var budget = new DecodeBudget(new AudioDecodeLimits());
        Collect();
        var before = FlacDecoderHandle.Live;
        Assert.Equal(Audio.Length, FlacDecoder.Decode(file, budget).Frames);
        Assert.Equal(before, FlacDecoderHandle.Live);
        Assert.Throws<Errors.UnprocessableException>(() => FlacDecoder.Decode(file[..(file.Length / 2)], budget));
        Assert.Equal(before, FlacDecoderHandle.Live);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeGarbage(ArrayBufferWriter<byte> output, int count)
    {
        for (var i = 0; i < count; i++) { CreateAndEncode(AudioFormat.Mp3, output); output.Clear(); }
    }

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void Aac_encoders_leave_no_ffmpeg_process_behind()
    {
        var before = ChildFfmpegs();
        var output = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 15; i++)
        {
            using var encoder = CreateAndEncode(AudioFormat.Aac, output);
            if (i % 3 != 0) encoder.Complete(output); // a third are abandoned mid-stream (client went away)
            output.Clear();
        }
        // A killed child takes a moment to be reaped: wait for it (bounded generously), not a fixed time.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ChildFfmpegs() > before && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Equal(before, ChildFfmpegs());
    }

    /// <summary>ffmpeg processes whose parent is this test process (from /proc).</summary>
    private static int ChildFfmpegs()
    {
        var self = Environment.ProcessId.ToString();
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var ppid = stat[(close + 2)..].Split(' ')[1];
                if (name == "ffmpeg" && ppid == self) count++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return count;
    }
}
