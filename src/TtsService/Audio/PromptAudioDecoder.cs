using System.Runtime.InteropServices;
using TtsService.Audio.Decoders;
using TtsService.Audio.Dsp;
using TtsService.Audio.Ogg;
using TtsService.Errors;

namespace TtsService.Audio;

/// <summary>
/// Decodes prompt audio to mono float at 24 kHz. The format is detected from the bytes (never the
/// file name): WAV (PCM 8/16/24/32-bit, float, extensible), MP3, FLAC, Ogg Opus.
/// Unknown formats are 415, corrupt or truncated ones 422, oversized uploads 413; header values are
/// checked before anything sized by them is allocated, and no other exception escapes.
/// </summary>
public sealed class PromptAudioDecoder
{
    public const int TargetSampleRate = 24000;

    private readonly IMonoResampler _resampler;

    public PromptAudioDecoder() : this(Resamplers.Default) { }

    public PromptAudioDecoder(IMonoResampler resampler) => _resampler = resampler;

    /// <summary>What the bytes look like; <c>null</c> when no format we read matches.</summary>
    public static string? DetectFormat(ReadOnlySpan<byte> bytes)
    {
        if (WavDecoder.Sniff(bytes)) return "wav";
        if (FlacDecoder.Sniff(bytes)) return "flac";
        if (OggPageReader.Sniff(bytes)) return OggOpusDecoder.IsOpus(bytes) ? "opus" : "ogg";
        if (Mp3Decoder.Sniff(bytes)) return "mp3";
        return null;
    }

    public DecodedAudio Decode(ReadOnlyMemory<byte> bytes, AudioDecodeLimits limits)
    {
        if (bytes.Length > limits.MaxInputBytes)
            throw new PayloadTooLargeException($"Audio is {bytes.Length} bytes; the limit is {limits.MaxInputBytes}.", "audio");
        var format = DetectFormat(bytes.Span);
        var budget = new DecodeBudget(limits);
        RawAudio raw;
        try
        {
            raw = format switch
            {
                "wav" => WavDecoder.Decode(bytes.Span, budget),
                "flac" => FlacDecoder.Decode(AsArray(bytes), budget),
                "opus" => OggOpusDecoder.Decode(bytes.Span, budget),
                "mp3" => Mp3Decoder.Decode(AsArray(bytes), budget),
                "ogg" => throw new UnsupportedMediaException("Ogg audio other than Opus (Vorbis, FLAC, Speex) is not read; send Ogg Opus, WAV, MP3 or FLAC.", "audio"),
                _ => throw new UnsupportedMediaException("Audio format not recognised from its bytes; send WAV, MP3, FLAC or Ogg Opus.", "audio"),
            };
        }
        catch (ServiceException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Third-party decoders (NLayer, Concentus) signal bad data with assorted exception types;
            // for untrusted input every one of them means "this file is broken", never a server fault.
            throw DecodeBudget.Corrupt(format ?? "audio", $"{e.GetType().Name}: {e.Message}");
        }
        return new DecodedAudio(Finish(raw), TargetSampleRate, raw.Format, raw.SourceSampleRate ?? raw.SampleRate, raw.Channels)
        {
            Stereo = raw.Channels == 2 ? FinishStereo(raw) : null,
        };
    }

    /// <summary>Each channel of a two-channel source resampled to 24 kHz and clamped as <see cref="Finish"/> does, interleaved again.</summary>
    private float[] FinishStereo(RawAudio raw)
    {
        var channels = new float[2][];
        for (var c = 0; c < 2; c++)
        {
            var samples = new float[raw.Frames];
            for (var i = 0; i < raw.Frames; i++) samples[i] = raw.Interleaved[2 * i + c];
            var output = raw.SampleRate == TargetSampleRate ? samples : _resampler.Resample(samples, raw.SampleRate, TargetSampleRate);
            for (var i = 0; i < output.Length; i++)
                output[i] = float.IsFinite(output[i]) ? Math.Clamp(output[i], -1f, 1f) : 0f;
            channels[c] = output;
        }
        var frames = Math.Min(channels[0].Length, channels[1].Length);
        var interleaved = new float[2 * frames];
        for (var i = 0; i < frames; i++)
        {
            interleaved[2 * i] = channels[0][i];
            interleaved[2 * i + 1] = channels[1][i];
        }
        return interleaved;
    }

    /// <summary>Down-mixes to mono (channel average) and resamples to 24 kHz.</summary>
    private float[] Finish(RawAudio raw)
    {
        float[] mono;
        if (raw.Channels == 1)
        {
            mono = raw.Interleaved.Length == raw.Frames ? raw.Interleaved : raw.Interleaved.AsSpan(0, raw.Frames).ToArray();
        }
        else
        {
            mono = new float[raw.Frames];
            var scale = 1f / raw.Channels;
            var data = raw.Interleaved;
            for (var i = 0; i < raw.Frames; i++)
            {
                float sum = 0;
                for (var c = 0; c < raw.Channels; c++) sum += data[i * raw.Channels + c];
                mono[i] = sum * scale;
            }
        }
        var output = raw.SampleRate == TargetSampleRate ? mono : _resampler.Resample(mono, raw.SampleRate, TargetSampleRate);
        // Lossy decoders and the resampler overshoot near full scale, and a corrupt file or an Opus
        // header gain can produce anything: the model gets finite samples in [-1, 1].
        for (var i = 0; i < output.Length; i++)
            output[i] = float.IsFinite(output[i]) ? Math.Clamp(output[i], -1f, 1f) : 0f;
        return output;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
}
