using System.Buffers;
using System.Runtime.InteropServices;
using TtsService.Audio;

namespace TtsService.Tests.Audio;

/// <summary>
/// Encoders free their native state: a loop of create/encode/dispose must not grow the process by
/// anything like what the same number of live encoders costs. (The 1,000-encode run with the resident size
/// is in bench/AudioBench.) Not parallelised with other classes: it measures the whole process's allocations.
/// </summary>
[Collection(nameof(EncoderLeakTests))]
[CollectionDefinition(nameof(EncoderLeakTests), DisableParallelization = true)]
public sealed class EncoderLeakTests
{
    private static readonly float[] Audio = AudioSignals.Tone(440, 0.2);

    /// <summary>glibc's <c>struct mallinfo2</c> (malloc.h, glibc 2.33+): ten size_t counters.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();

    /// <summary>
    /// Bytes in use: malloc'd by native code (all arenas, mmap'd blocks included) plus the managed heap.
    /// Unlike the resident size this drops when memory is freed, so a leak shows and reuse does not hide one.
    /// </summary>
    private static long InUse()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var info = MallInfo();
        return (long)(info.Uordblks + info.Hblkhd) + GC.GetTotalMemory(forceFullCollection: true);
    }

    private static IAudioEncoder CreateAndEncode(AudioFormat format, ArrayBufferWriter<byte> output)
    {
        var encoder = new AudioEncoderFactory().Create(format, new EncoderOptions(24000, 1, Streaming: true));
        encoder.Write(Audio, output);
        return encoder;
    }

    [Theory]
    [InlineData(AudioFormat.Mp3, true)]
    [InlineData(AudioFormat.Flac, true)]
    [InlineData(AudioFormat.Opus, true)]
    [InlineData(AudioFormat.Mp3, false)]  // never disposed: the finalizer must free LAME's state
    [InlineData(AudioFormat.Flac, false)] // ... and libFLAC's
    public void Encode_loop_does_not_grow_the_process(AudioFormat format, bool dispose)
    {
        const int live = 40, cycles = 200;
        var output = new ArrayBufferWriter<byte>();
        // Warm-up, twice with a pause: the JIT's tier-up of the codec (Concentus is large) mallocs too.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 60; i++) using (CreateAndEncode(format, output)) output.Clear();
            Thread.Sleep(300);
        }

        // What one encoder really costs: hold many at once.
        var baseline = InUse();
        var held = Enumerable.Range(0, live).Select(_ => CreateAndEncode(format, output)).ToList();
        output.Clear();
        var perEncoder = Math.Max(1, (InUse() - baseline) / live);
        foreach (var e in held) e.Dispose();
        held.Clear();

        var before = InUse();
        for (var i = 0; i < cycles; i++)
        {
            var encoder = CreateAndEncode(format, output);
            encoder.Complete(output);
            output.Clear();
            if (dispose) encoder.Dispose();
        }
        var growth = InUse() - before;
        Assert.True(perEncoder > 16 << 10, $"{format}: a live encoder should cost something measurable (measured {perEncoder} B)");
        Assert.True(growth < perEncoder * cycles / 10,
            $"{format}: {cycles} encodes grew the process by {growth / 1e6:F1} MB; one live encoder costs {perEncoder / 1e3:F0} KB");
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
        Thread.Sleep(200);
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
