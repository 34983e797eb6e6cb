using System.Diagnostics;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// ffmpeg/ffprobe as the independent decoder: whatever bytes the service sends must decode with it.
/// </summary>
public static class Ffmpeg
{
    /// <summary>Decodes any audio file to mono float samples at <paramref name="sampleRate"/> (ffmpeg's resampler when needed).</summary>
    public static float[] DecodeToFloat(byte[] encoded, int sampleRate = 24000, string? inputFormat = null)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var format = inputFormat is null ? "" : $"-f {inputFormat} -ar {sampleRate} -ac 1 ";
            var bytes = Run("ffmpeg", $"-v error -nostdin {format}-i {input} -f f32le -ac 1 -ar {sampleRate} -");
            var samples = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
            return samples;
        }
        finally { File.Delete(input); }
    }

    /// <summary>ffprobe's codec_name and sample_rate of the first audio stream.</summary>
    public static (string Codec, int SampleRate, int Channels, string Format) Probe(byte[] encoded)
    {
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, encoded);
            var text = System.Text.Encoding.UTF8.GetString(Run("ffprobe",
                $"-v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels:format=format_name -of default=nw=1 {input}"));
            var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
            return (values["codec_name"], int.Parse(values["sample_rate"]), int.Parse(values["channels"]), values["format_name"]);
        }
        finally { File.Delete(input); }
    }

    private static byte[] Run(string tool, string arguments)
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
        if (process.ExitCode != 0) throw new InvalidDataException($"{tool} failed ({process.ExitCode}): {errors.Result}");
        return output.ToArray();
    }

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
