using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TtsService.Audio;
using TtsService.Audio.Dsp;

// Audio codec bench (issue 3). A plain timed loop, single-threaded; every ratio is against a baseline
// measured in this same run on this same machine:
//   1. each encoder on 60 s of speech-like audio: ×real-time (wall and CPU per core), vs our WAV encoder
//      and vs ffmpeg (one thread) doing the same job;
//   2. each prompt decoder on a 60 s file: ×real-time, vs ffmpeg decoding the same file to 24 kHz mono;
//   3. 1,000 create/encode/dispose cycles per encoder: process RSS (after GC) before and after;
//   4. the resampler candidates: SNR of a tone after 44.1k→24k, alias rejection, speed (vs the default).
// Usage: dotnet run -c Release --project bench/AudioBench [-- --cycles N]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var cycles = args.Length >= 2 && args[0] == "--cycles" ? int.Parse(args[1]) : 1000;
const int Rate = 24000;
const double Seconds = 60;
var speech = Signals.SpeechLike(Seconds, Rate);
var tmp = Directory.CreateTempSubdirectory("audiobench").FullName;
var raw = Path.Combine(tmp, "speech.f32");
File.WriteAllBytes(raw, MemoryMarshal.AsBytes(speech.AsSpan()).ToArray());
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine();

// ---- 1. encoders ----
Console.WriteLine($"1. Encode {Seconds:F0} s of speech-like 24 kHz mono, 100 ms chunks, streaming (best of 3)");
Console.WriteLine($"{"format",-6} {"wall ms",9} {"×RT wall",9} {"×RT/core",9} {"CPU vs wav",11} {"ffmpeg CPU ms",14} {"ffmpeg net ms",14} {"ours/ffmpeg CPU",16} {"bytes",9}");
var ffmpegArgs = new Dictionary<AudioFormat, string>
{
    [AudioFormat.Mp3] = "-c:a libmp3lame -b:a 64k -f mp3",
    [AudioFormat.Opus] = "-c:a libopus -b:a 32k -application audio -f ogg",
    [AudioFormat.Aac] = "-c:a aac -b:a 64k -f adts",
    [AudioFormat.Flac] = "-c:a flac -f flac",
    [AudioFormat.Wav] = "-c:a pcm_s16le -f wav",
    [AudioFormat.Pcm] = "-c:a pcm_s16le -f s16le",
};
// ffmpeg's fixed cost (start, read the input, write nothing) is measured once; "net" takes it off.
var ffmpegStart = Measure.Ffmpeg($"-f f32le -ar {Rate} -ac 1 -i {raw} -f null -");
double? wavCpu = null;
foreach (var format in new[] { AudioFormat.Wav, AudioFormat.Pcm, AudioFormat.Mp3, AudioFormat.Opus, AudioFormat.Aac, AudioFormat.Flac })
{
    var best = Enumerable.Range(0, 3).Select(_ => Measure.Encode(format, speech, Rate)).MinBy(r => r.Wall)!;
    // The AAC encoder's work happens in its ffmpeg child: count the children's CPU too.
    wavCpu ??= best.Cpu;
    var ff = Enumerable.Range(0, 3).Select(_ => Measure.Ffmpeg($"-threads 1 -f f32le -ar {Rate} -ac 1 -i {raw} {ffmpegArgs[format]} -y /dev/null")).MinBy(r => r.Cpu)!;
    Console.WriteLine($"{format.FileExtension(),-6} {best.Wall * 1e3,9:F1} {Seconds / best.Wall,9:F0} {Seconds / best.Cpu,9:F0} {best.Cpu / wavCpu,11:F2} " +
        $"{ff.Cpu * 1e3,14:F1} {Math.Max(0, ff.Cpu - ffmpegStart.Cpu) * 1e3,14:F1} {best.Cpu / ff.Cpu,16:F2} {best.Bytes,9}");
}
Console.WriteLine($"(CPU = user + system of this process and its reaped children. ffmpeg runs with -threads 1 from a raw file;");
Console.WriteLine($" its start-up and input read alone cost {ffmpegStart.Cpu * 1e3:F0} ms CPU, which dominates the cheap formats: \"net\" subtracts it)");
Console.WriteLine();

// ---- 2. prompt decoders ----
Console.WriteLine($"2. Decode a {Seconds:F0} s prompt to 24 kHz mono (best of 3)");
Console.WriteLine($"{"source",-24} {"ours ms",9} {"×RT/core",9} {"ffmpeg CPU ms",14} {"ffmpeg net ms",14} {"ours/ffmpeg CPU",16}");
var prompts = new (string Name, string Args, string Ext)[]
{
    ("wav 16-bit 44.1k stereo", "-ar 44100 -ac 2 -c:a pcm_s16le", "wav"),
    ("mp3 128k 44.1k stereo", "-ar 44100 -ac 2 -c:a libmp3lame -b:a 128k", "mp3"),
    ("flac 48k stereo", "-ar 48000 -ac 2 -c:a flac", "flac"),
    ("ogg opus 48k stereo", "-ar 48000 -ac 2 -c:a libopus -b:a 64k", "opus"),
};
var decoder = new PromptAudioDecoder();
var limits = new AudioDecodeLimits(MaxInputBytes: 1L << 30, MaxDurationSeconds: 3600);
foreach (var (name, encodeArgs, ext) in prompts)
{
    var file = Path.Combine(tmp, "prompt." + ext);
    Measure.Ffmpeg($"-f f32le -ar {Rate} -ac 1 -i {raw} {encodeArgs} -y {file}");
    var bytes = File.ReadAllBytes(file);
    decoder.Decode(bytes, limits); // warm-up
    var ours = Enumerable.Range(0, 3).Select(_ => Measure.Cpu(() => decoder.Decode(bytes, limits))).MinBy(r => r.Cpu)!;
    var ff = Enumerable.Range(0, 3).Select(_ => Measure.Ffmpeg($"-threads 1 -i {file} -ar {Rate} -ac 1 -f f32le -y /dev/null")).MinBy(r => r.Cpu)!;
    Console.WriteLine($"{name,-24} {ours.Wall * 1e3,9:F1} {Seconds / ours.Cpu,9:F0} {ff.Cpu * 1e3,14:F1} {Math.Max(0, ff.Cpu - ffmpegStart.Cpu) * 1e3,14:F1} {ours.Cpu / ff.Cpu,16:F2}");
}
Console.WriteLine();

// ---- 3. native leaks ----
Console.WriteLine($"3. {cycles} × (create, encode 0.5 s, complete, dispose) per encoder: process RSS after GC");
Console.WriteLine($"{"format",-6} {"RSS before MB",14} {"RSS after MB",13} {"growth MB",10} {"ms/cycle",9}");
var half = speech.AsSpan(0, Rate / 2).ToArray();
foreach (var format in new[] { AudioFormat.Wav, AudioFormat.Mp3, AudioFormat.Opus, AudioFormat.Flac, AudioFormat.Aac })
{
    var output = new ArrayBufferWriter<byte>();
    for (var i = 0; i < 50; i++) Measure.EncodeOnce(format, half, Rate, output); // warm-up and JIT tier-up
    Thread.Sleep(500);
    var before = Measure.Rss();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < cycles; i++) Measure.EncodeOnce(format, half, Rate, output);
    watch.Stop();
    var after = Measure.Rss();
    Console.WriteLine($"{format.FileExtension(),-6} {before / 1e6,14:F1} {after / 1e6,13:F1} {(after - before) / 1e6,10:F1} {watch.Elapsed.TotalMilliseconds / cycles,9:F2}");
}
Console.WriteLine();

// ---- 4. resamplers ----
Console.WriteLine("4. Resamplers, 44.1 kHz → 24 kHz: 1 kHz tone SNR, 15 kHz alias rejection, speed on 60 s (best of 3)");
Console.WriteLine($"{"resampler",-26} {"SNR dB",8} {"alias dB",9} {"ms",8} {"×RT/core",9} {"speed vs default",17}");
var tone = Signals.Tone(1000, 10, 44100);
var alias = Signals.Tone(15000, 10, 44100);
var long44 = Signals.SpeechLike(Seconds, 44100);
double? defaultCpu = null;
var results = new List<(string Name, double Snr, double Alias, double Cpu)>();
foreach (var resampler in new[] { Resamplers.Default }.Concat(Resamplers.Candidates.Where(c => c.Name != Resamplers.Default.Name)))
{
    var snr = Signals.ToneSnr(resampler.Resample(tone, 44100, 24000), 1000, 24000);
    var leaked = Signals.Rms(Signals.Middle(resampler.Resample(alias, 44100, 24000))) / Signals.Rms(alias);
    resampler.Resample(long44, 44100, 24000); // warm-up
    var speed = Enumerable.Range(0, 3).Select(_ => Measure.Cpu(() => resampler.Resample(long44, 44100, 24000))).MinBy(r => r.Cpu)!;
    defaultCpu ??= speed.Cpu;
    results.Add((resampler.Name, snr, 20 * Math.Log10(Math.Max(leaked, 1e-9)), speed.Cpu));
    Console.WriteLine($"{resampler.Name,-26} {snr,8:F1} {20 * Math.Log10(Math.Max(leaked, 1e-9)),9:F1} {speed.Wall * 1e3,8:F1} {Seconds / speed.Cpu,9:F0} {defaultCpu / speed.Cpu,17:F2}");
}
var bestQuality = results.MaxBy(r => Math.Min(r.Snr, -r.Alias));
var fastest = results.MinBy(r => r.Cpu);
Console.WriteLine($"best quality (worse of SNR and alias rejection): {bestQuality.Name}; fastest: {fastest.Name}; default: {Resamplers.Default.Name}");
Directory.Delete(tmp, recursive: true);

internal sealed record Timing(double Wall, double Cpu, long Bytes = 0);

internal static class Measure
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        private unsafe fixed long _rest[14];
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    /// <summary>CPU seconds of this process (who = 0) plus its reaped children (who = -1).</summary>
    private static double CpuSeconds()
    {
        double total = 0;
        foreach (var who in new[] { 0, -1 })
        {
            getrusage(who, out var u);
            total += u.UserSeconds + u.UserMicros / 1e6 + u.SystemSeconds + u.SystemMicros / 1e6;
        }
        return total;
    }

    public static Timing Cpu(Action action)
    {
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        action();
        return new Timing(watch.Elapsed.TotalSeconds, CpuSeconds() - cpu);
    }

    public static Timing Encode(AudioFormat format, float[] samples, int rate)
    {
        var output = new ArrayBufferWriter<byte>(1 << 20);
        long bytes = 0;
        var timing = Cpu(() =>
        {
            using var encoder = new AudioEncoderFactory().Create(format, new EncoderOptions(rate, 1, Streaming: true));
            for (var offset = 0; offset < samples.Length; offset += rate / 10)
            {
                encoder.Write(samples.AsSpan(offset, Math.Min(rate / 10, samples.Length - offset)), output);
                bytes += output.WrittenCount;
                output.ResetWrittenCount();
            }
            encoder.Complete(output);
            bytes += output.WrittenCount;
        });
        return timing with { Bytes = bytes };
    }

    public static void EncodeOnce(AudioFormat format, float[] samples, int rate, ArrayBufferWriter<byte> output)
    {
        using var encoder = new AudioEncoderFactory().Create(format, new EncoderOptions(rate, 1, Streaming: true));
        encoder.Write(samples, output);
        encoder.Complete(output);
        output.ResetWrittenCount();
    }

    public static Timing Ffmpeg(string arguments) => Cpu(() =>
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-v error -nostdin " + arguments) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments}: {errors}");
    });

    public static long Rss()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}

internal static class Signals
{
    /// <summary>
    /// Deterministic voice-like audio: a glottal-ish harmonic series whose pitch glides 90–240 Hz, shaped
    /// by two moving formants, in syllables of ~200 ms with pauses, plus breath noise.
    /// </summary>
    public static float[] SpeechLike(double seconds, int rate)
    {
        var random = new Random(1234);
        var samples = new float[(int)(seconds * rate)];
        double phase = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / rate;
            var pitch = 165 + 75 * Math.Sin(2 * Math.PI * 0.7 * t) * Math.Sin(2 * Math.PI * 0.13 * t);
            phase += 2 * Math.PI * pitch / rate;
            var f1 = 500 + 300 * Math.Sin(2 * Math.PI * 3.1 * t);
            var f2 = 1500 + 700 * Math.Sin(2 * Math.PI * 2.3 * t + 1);
            double voiced = 0;
            for (var h = 1; h * pitch < Math.Min(rate / 2.0, 8000); h++)
            {
                var f = h * pitch;
                var gain = 1.0 / h * (1 / (1 + Math.Pow((f - f1) / 150, 2)) + 0.5 / (1 + Math.Pow((f - f2) / 250, 2)) + 0.05);
                voiced += gain * Math.Sin(h * phase);
            }
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 2.5 * t)) * (Math.Sin(2 * Math.PI * 0.2 * t) > -0.8 ? 1 : 0);
            samples[i] = (float)(0.3 * syllable * voiced + 0.01 * (random.NextDouble() - 0.5));
        }
        return samples;
    }

    public static float[] Tone(double hz, double seconds, int rate)
    {
        var samples = new float[(int)(seconds * rate)];
        for (var i = 0; i < samples.Length; i++) samples[i] = 0.5f * (float)Math.Sin(2 * Math.PI * hz * i / rate);
        return samples;
    }

    public static float[] Middle(float[] samples) => samples[(samples.Length / 10)..(samples.Length * 9 / 10)];

    public static double Rms(float[] samples) => Math.Sqrt(samples.Sum(s => (double)s * s) / samples.Length);

    /// <summary>Tone power over everything else, after a least-squares fit of the tone (any phase) to the middle 80%.</summary>
    public static double ToneSnr(float[] samples, double hz, int rate)
    {
        var middle = Middle(samples);
        var start = samples.Length / 10;
        double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
        for (var i = 0; i < middle.Length; i++)
        {
            var w = 2 * Math.PI * hz * (start + i) / rate;
            double s = Math.Sin(w), c = Math.Cos(w);
            ss += s * s; sc += s * c; cc += c * c; ys += middle[i] * s; yc += middle[i] * c;
        }
        var det = ss * cc - sc * sc;
        var a = (ys * cc - yc * sc) / det;
        var b = (yc * ss - ys * sc) / det;
        double signal = 0, noise = 0;
        for (var i = 0; i < middle.Length; i++)
        {
            var w = 2 * Math.PI * hz * (start + i) / rate;
            var fit = a * Math.Sin(w) + b * Math.Cos(w);
            signal += fit * fit;
            noise += (middle[i] - fit) * (middle[i] - fit);
        }
        return 10 * Math.Log10(signal / Math.Max(noise, 1e-30));
    }
}
