using System.Diagnostics;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// ffmpeg/ffprobe as the independent decoder: whatever bytes the service sends must decode with it.
/// </summary>
public static class Ffmpeg
{
    /// <summary>Decodes any audio file to mono float samples at <paramref name="sampleRate"/> (ffmpeg's resampler when needed).</summary>
    public static float[] DecodeToFloat(byte[] encoded, int sampleRate = 24000, string? inputFormat = null) =>
        Decode(encoded, channels: 1, sampleRate, inputFormat);

    /// <summary>Decodes to interleaved float samples keeping <paramref name="channels"/> channels (raw pcm input: s16le at 24 kHz).</summary>
    public static float[] DecodeInterleaved(byte[] encoded, int channels, string? inputFormat = null) =>
        Decode(encoded, channels, 24000, inputFormat);

    /// <summary>Interleaved float samples with <paramref name="channels"/> channels at <paramref name="sampleRate"/>; raw input is read as that too.</summary>
    private static float[] Decode(byte[] encoded, int channels, int sampleRate, string? inputFormat)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var format = inputFormat is null ? "" : $"-f {inputFormat} -ar {sampleRate} -ac {channels} ";
            var bytes = Run("ffmpeg", $"-v error -nostdin {format}-i {input} -f f32le -ac {channels} -ar {sampleRate} -");
            var samples = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
            return samples;
        }
        finally { File.Delete(input); }
    }

    /// <summary>ffprobe's codec_name and sample_rate of the first audio stream.</summary>
    public static (string Codec, int SampleRate, int Channels, string Format) Probe(byte[] encoded, string? inputFormat = null)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var format = inputFormat is null ? "" : $"-f {inputFormat} -sample_rate 24000 -ch_layout mono ";
            var text = System.Text.Encoding.UTF8.GetString(Run("ffprobe",
                $"-v error {format}-select_streams a:0 -show_entries stream=codec_name,sample_rate,channels:format=format_name -of default=nw=1 {input}"));
            var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
            return (values["codec_name"], int.Parse(values["sample_rate"]), int.Parse(values["channels"]), values["format_name"]);
        }
        finally { File.Delete(input); }
    }

    /// <summary>What <c>ffmpeg -v LEVEL -i file -f null -</c> says (empty when the file decodes cleanly).</summary>
    public static string DecodeMessages(byte[] encoded, string? inputFormat = null, string level = "error")
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var format = inputFormat is null ? "" : $"-f {inputFormat} -ar 24000 -ac 1 ";
            return RunTool("ffmpeg", $"-v {level} -nostdin {format}-i {input} -f null -").Errors.Trim();
        }
        finally { File.Delete(input); }
    }

    /// <summary>ffprobe's stream/format durations in seconds (NaN when ffprobe reports none).</summary>
    public static (double Stream, double Format) ProbeDuration(byte[] encoded)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var text = System.Text.Encoding.UTF8.GetString(Run("ffprobe",
                $"-v error -select_streams a:0 -show_entries stream=duration:format=duration -of default=nw=1 {input}"));
            var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
                .Select(p => double.TryParse(p[1], System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToArray();
            return (values.Length > 0 ? values[0] : double.NaN, values.Length > 1 ? values[1] : double.NaN);
        }
        finally { File.Delete(input); }
    }

    /// <summary>
    /// Runs <paramref name="tool"/> (ffmpeg, sox, espeak-ng, opusenc...) with <c>{out}</c> in its arguments
    /// replaced by a temporary file of extension <paramref name="extension"/>, and returns that file's bytes.
    /// </summary>
    public static byte[] Make(string tool, string arguments, string extension)
    {
        var output = Path.Combine(Path.GetTempPath(), $"tts-test-{Guid.NewGuid():N}.{extension}");
        try
        {
            RunTool(tool, arguments.Replace("{out}", output));
            return File.ReadAllBytes(output);
        }
        finally { File.Delete(output); }
    }

    /// <summary>Whether <paramref name="tool"/> is on the PATH.</summary>
    public static bool HasTool(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>opus-tools' <c>opusinfo</c> on the bytes: its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) OpusInfo(byte[] encoded)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var (code, stdout, stderr) = RunRaw("opusinfo", input);
            return (code, System.Text.Encoding.UTF8.GetString(stdout) + stderr);
        }
        finally { File.Delete(input); }
    }

    private static (byte[] Output, string Errors) RunTool(string tool, string arguments)
    {
        var (code, stdout, stderr) = RunRaw(tool, arguments);
        if (code != 0) throw new InvalidDataException($"{tool} failed ({code}): {stderr}");
        return (stdout, stderr);
    }

    private static (int ExitCode, byte[] Output, string Errors) RunRaw(string tool, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{tool} did not start");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) { process.Kill(); throw new TimeoutException($"{tool} {arguments}"); }
        copy.Wait();
        return (process.ExitCode, output.ToArray(), errors.Result);
    }

    private static byte[] Run(string tool, string arguments) => RunTool(tool, arguments).Output;

    /// <summary>Frequency of a steady tone from its zero crossings (rising), in Hz.</summary>
    public static double ToneFrequency(ReadOnlySpan<float> samples, int sampleRate)
    {
        int first = -1, last = -1, crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                if (first < 0) first = i; else crossings++;
                last = i;
            }
        }
        return crossings == 0 ? 0 : crossings * (double)sampleRate / (last - first);
    }
}
