using System.Buffers.Binary;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Audio;

/// <summary>Prompt files: WAVs laid out byte by byte here, and files written by ffmpeg, sox, espeak-ng and opusenc.</summary>
internal static class PromptFiles
{
    public const ushort Pcm = 1, Float = 3;

    /// <summary>A RIFF/WAVE file; <paramref name="extensible"/> writes WAVE_FORMAT_EXTENSIBLE with the sub-format GUID.</summary>
    public static byte[] Wav(ushort format, int channels, int rate, int bits, byte[] data, bool extensible = false,
        uint? dataSize = null, bool junkChunk = false)
    {
        var fmtSize = extensible ? 40 : 16;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(0u); // patched below
        w.Write("WAVE"u8);
        if (junkChunk)
        {
            w.Write("LIST"u8);
            w.Write(5u);
            w.Write("INFOx"u8);
            w.Write((byte)0); // odd-sized chunks are padded to a word
        }
        w.Write("fmt "u8);
        w.Write((uint)fmtSize);
        w.Write(extensible ? (ushort)0xFFFE : format);
        w.Write((ushort)channels);
        w.Write((uint)rate);
        w.Write((uint)(rate * channels * bits / 8));
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22);             // cbSize
            w.Write((ushort)bits);           // valid bits
            w.Write(channels == 1 ? 4u : 3u); // channel mask: FC, or FL|FR
            // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00AA00389B71}
            w.Write((uint)format);
            w.Write([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]);
        }
        w.Write("data"u8);
        w.Write(dataSize ?? (uint)data.Length);
        w.Write(data);
        w.Flush();
        var bytes = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    /// <summary>Interleaved float samples as little-endian PCM/float of <paramref name="bits"/>.</summary>
    public static byte[] Encode(float[] samples, int bits, bool isFloat)
    {
        var bytesPer = bits / 8;
        var data = new byte[samples.Length * bytesPer];
        for (var i = 0; i < samples.Length; i++)
        {
            var s = data.AsSpan(i * bytesPer);
            var x = (double)samples[i];
            switch (bits, isFloat)
            {
                case (32, true): BinaryPrimitives.WriteSingleLittleEndian(s, samples[i]); break;
                case (64, true): BinaryPrimitives.WriteDoubleLittleEndian(s, x); break;
                case (8, false): s[0] = (byte)Math.Clamp(Math.Round(x * 127) + 128, 0, 255); break;
                case (16, false): BinaryPrimitives.WriteInt16LittleEndian(s, (short)Math.Round(x * 32767)); break;
                case (24, false):
                    var v = (int)Math.Round(x * 8388607);
                    s[0] = (byte)v; s[1] = (byte)(v >> 8); s[2] = (byte)(v >> 16);
                    break;
                case (32, false): BinaryPrimitives.WriteInt32LittleEndian(s, (int)Math.Round(x * 2147483647.0)); break;
                default: throw new ArgumentOutOfRangeException(nameof(bits));
            }
        }
        return data;
    }

    public static byte[] ToneWav(int rate = 24000, int channels = 1, double seconds = 1, int bits = 16, double hz = 440) =>
        Wav(Pcm, channels, rate, bits, Encode(AudioSignals.Tone(hz, seconds, rate, channels: channels), bits, false));

    /// <summary>ffmpeg encoding a sine from its lavfi source: <c>-f lavfi -i sine=...</c> then <paramref name="output"/> options.</summary>
    /// <remarks>Every channel carries the same tone of amplitude 0.375 (copied with <c>pan</c>, not ffmpeg's -3 dB up-mix),
    /// so the down-mix to mono must give back amplitude 0.375 whatever the channel count.</remarks>
    public static byte[] FfmpegTone(string output, string extension, int rate = 44100, int channels = 1, double seconds = 1, double hz = 440)
    {
        var layout = channels switch { 1 => "mono", 2 => "stereo", 6 => "5.1", _ => throw new ArgumentOutOfRangeException(nameof(channels)) };
        var pan = $"pan={layout}|" + string.Join("|", Enumerable.Range(0, channels).Select(c => $"c{c}=c0"));
        return Ffmpeg.Make("ffmpeg", $"-v error -nostdin -f lavfi -i sine=frequency={hz}:sample_rate={rate}:duration={seconds} " +
            $"-af volume=3,{pan} {output} -y {{out}}", extension);
    }

    /// <summary>RMS of the tones <see cref="FfmpegTone"/> writes.</summary>
    public static readonly double FfmpegToneRms = 0.375 / Math.Sqrt(2);

    private static readonly Dictionary<string, byte[]> Cache = new();

    /// <summary>One valid, about one-second file per prompt format (made once per test run).</summary>
    public static byte[] Sample(string kind)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(kind, out var bytes))
            {
                bytes = kind switch
                {
                    "wav" => ToneWav(),
                    "wav24ext" => Wav(Pcm, 2, 48000, 24, Encode(AudioSignals.Tone(440, 1, 48000, channels: 2), 24, false), extensible: true),
                    "mp3" => FfmpegTone("-c:a libmp3lame -b:a 64k", "mp3"),
                    "flac" => FfmpegTone("-c:a flac", "flac", 48000, 2),
                    "opus" => FfmpegTone("-c:a libopus -b:a 48k", "opus", 48000, 2),
                    _ => throw new ArgumentOutOfRangeException(nameof(kind)),
                };
                Cache[kind] = bytes;
            }
            return bytes;
        }
    }

    public static readonly string[] SampleKinds = ["wav", "wav24ext", "mp3", "flac", "opus"];
}
