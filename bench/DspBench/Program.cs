using System.Diagnostics;
using TtsService.Audio.Dsp;

// Times the ZipVoice signal-processing units on one core:
//   dotnet run -c Release --project bench/DspBench [-- <iterations>]
// MelSpectrogram: 10 s of 24 kHz audio (prompt features). InverseStft: 1000 vocos frames (~10.7 s of audio).
var iterations = args.Length > 0 ? int.Parse(args[0]) : 20;
const int rate = 24000;

var random = new Random(1);
var audio = new float[10 * rate];
for (var i = 0; i < audio.Length; i++) audio[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 220 * i / rate) + 0.05 * (random.NextDouble() * 2 - 1));

var mel = new MelSpectrogram(rate, 1024, 256, 1024, 100);
Report("MelSpectrogram 10 s", audio.Length, () => mel.Compute(audio, out _));

const int frames = 1000;
var settings = new StftSettings(1024, 256, 1024);
var istft = new InverseStft(settings);
var real = new float[settings.Bins * frames];
var imag = new float[settings.Bins * frames];
for (var i = 0; i < real.Length; i++) { real[i] = (float)(random.NextDouble() * 2 - 1); imag[i] = (float)(random.NextDouble() * 2 - 1); }
Report($"InverseStft {frames} frames", istft.OutputLength(frames), () => istft.Compute(real, imag, frames));

var fft = new Fft(1024);
var frame = new float[1024];
var re = new float[fft.Bins];
var im = new float[fft.Bins];
Report("Fft 1024 forward ×1000", 0, () => { for (var i = 0; i < 1000; i++) fft.Forward(frame, re, im); });

void Report(string name, int samples, Action action)
{
    for (var i = 0; i < 3; i++) action();  // JIT and tiering
    var times = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    var median = times[iterations / 2];
    var realTime = samples > 0 ? $", {samples * 1000.0 / rate / median:F0}x real time" : "";
    Console.WriteLine($"{name,-28} median {median,8:F3} ms (min {times[0]:F3}){realTime}");
}
