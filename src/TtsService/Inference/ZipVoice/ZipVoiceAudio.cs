namespace TtsService.Inference.ZipVoice;

/// <summary>
/// Waveform rules of k2-fsa/ZipVoice <c>zipvoice/utils/infer.py</c>: <c>rms_norm</c>,
/// <c>cross_fade_concat</c> and <c>remove_silence</c> (pydub's <c>split_on_silence</c> and
/// <c>detect_leading_silence</c> with the thresholds upstream passes: −50 dBFS, 10 ms steps).
/// </summary>
public static class ZipVoiceAudio
{
    /// <summary>infer_zipvoice_onnx.py <c>--target-rms</c> default.</summary>
    public const float TargetRms = 0.1f;
    /// <summary>infer_zipvoice_onnx.py <c>--feat-scale</c> default.</summary>
    public const float FeatScale = 0.1f;
    /// <summary>generate_sentence: <c>cross_fade_concat(..., fade_duration=0.1)</c>.</summary>
    public const double CrossFadeSeconds = 0.1;
    /// <summary>pydub silence threshold used by remove_silence, in dBFS.</summary>
    public const double SilenceThresholdDb = -50;

    public static float Rms(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty) return 0;
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return (float)Math.Sqrt(sum / samples.Length);
    }

    /// <summary>
    /// <c>rms_norm</c>: raises a quieter prompt to <paramref name="targetRms"/>; returns the new
    /// samples and the original RMS (the output is later scaled by prompt_rms / target_rms).
    /// </summary>
    public static (float[] Samples, float PromptRms) RmsNormalize(ReadOnlySpan<float> samples, float targetRms = TargetRms)
    {
        var rms = Rms(samples);
        var result = samples.ToArray();
        if (rms < targetRms && rms > 0)
        {
            var gain = targetRms / rms;
            for (var i = 0; i < result.Length; i++) result[i] *= gain;
        }
        return (result, rms);
    }

    /// <summary>The vocoder output rules: clamp to [−1, 1], then scale by prompt_rms / target_rms when the prompt was quieter.</summary>
    public static void ClampAndRestoreLevel(Span<float> wav, float promptRms, float targetRms = TargetRms)
    {
        var gain = promptRms < targetRms ? promptRms / targetRms : 1f;
        for (var i = 0; i < wav.Length; i++) wav[i] = Math.Clamp(wav[i], -1f, 1f) * gain;
    }

    private static readonly double SilenceRms = Math.Pow(10, SilenceThresholdDb / 20);

    /// <summary>
    /// <c>remove_silence</c>: unless <paramref name="onlyEdge"/>, inner silences of 1 s or more keep at
    /// most 1 s on each side (split_on_silence, min_silence_len=1000, keep_silence=1000); then leading
    /// and trailing silence beyond 100 ms is cut (remove_silence_edges), and
    /// <paramref name="trailingSilenceMs"/> of silence is appended. All-silent audio is returned as is.
    /// </summary>
    /// <remarks>
    /// pydub slices in whole milliseconds: <c>audio[start:]</c> (remove_silence_edges) and split_on_silence's last
    /// slice end at <c>len(audio)</c>, the length rounded to a whole ms, so the audio is first cut or padded with zeros
    /// to that length (<see cref="PydubWholeMilliseconds"/>) when its end is trimmed. A streamed request's last chunk
    /// is rounded on its own length, not the whole output's (at most half a millisecond apart).
    /// </remarks>
    public static float[] RemoveSilence(float[] audio, int sampleRate, bool onlyEdge, int trailingSilenceMs = 0, bool trimStart = true, bool trimEnd = true)
    {
        var wave = onlyEdge ? audio : RemoveLongSilences(audio, sampleRate);
        if (trimEnd) wave = PydubWholeMilliseconds(wave, 1, sampleRate);
        var step = sampleRate / 100;
        var start = trimStart ? Math.Max(0, LeadingSilence(wave, step, forward: true) - sampleRate / 10) : 0;
        var end = trimEnd ? wave.Length - Math.Max(0, LeadingSilence(wave, step, forward: false) - sampleRate / 10) : wave.Length;
        if (end <= start) return audio;
        var trailing = PydubSilenceSamples(trailingSilenceMs, sampleRate);
        var result = new float[end - start + trailing];
        Array.Copy(wave, start, result, 0, end - start);
        return result;
    }

    /// <summary>
    /// Samples of <c>AudioSegment.silent(duration=ms)</c> once appended to audio at <paramref name="sampleRate"/>:
    /// pydub makes the silence at 11025 Hz (floor(ms·11.025) frames) and audioop.ratecv converts it,
    /// giving floor((n − 1)·rate / 11025) + 1 samples: 4798 for 200 ms at 24 kHz, not 4800.
    /// </summary>
    internal static int PydubSilenceSamples(int ms, int sampleRate)
    {
        var frames = (long)ms * 11025 / 1000;
        return frames <= 0 ? 0 : (int)((frames - 1) * sampleRate / 11025 + 1);
    }

    /// <summary>
    /// <paramref name="audio"/> (<paramref name="channels"/> interleaved) cut or padded with zeros to what pydub's
    /// <c>segment[start:]</c> returns: <c>len(segment)</c> is <c>round(1000 · frames / rate)</c> ms (Python's round,
    /// half to even), and that many ms are <c>int(ms · rate / 1000)</c> frames; missing frames are filled with silence.
    /// </summary>
    internal static float[] PydubWholeMilliseconds(float[] audio, int channels, int sampleRate)
    {
        var frames = audio.Length / channels;
        var ms = Math.Round(1000 * ((double)frames / sampleRate), MidpointRounding.ToEven);
        var target = (int)(ms * sampleRate / 1000.0);
        if (target == frames) return audio;
        var result = new float[target * channels];
        Array.Copy(audio, result, Math.Min(audio.Length, result.Length));
        return result;
    }

    /// <summary>pydub detect_leading_silence: samples of 10 ms chunks below the threshold from one end.</summary>
    internal static int LeadingSilence(float[] audio, int step, bool forward)
    {
        var trimmed = 0;
        while (trimmed < audio.Length)
        {
            var length = Math.Min(step, audio.Length - trimmed);
            var from = forward ? trimmed : audio.Length - trimmed - length;
            if (Rms(audio.AsSpan(from, length)) >= SilenceRms) break;
            trimmed += step;
        }
        return Math.Min(trimmed, audio.Length);
    }

    /// <summary>pydub split_on_silence(min_silence_len=1000, silence_thresh=-50, keep_silence=1000, seek_step=10), joined again.</summary>
    private static float[] RemoveLongSilences(float[] audio, int sampleRate)
    {
        if (KeptRanges(audio, sampleRate) is not { } ranges) return audio;
        var output = new List<float>(audio.Length);
        foreach (var (from, to) in ranges) output.AddRange(audio.AsSpan(from, to - from));
        return output.ToArray();
    }

    /// <summary>The sample ranges split_on_silence keeps (in order), or null when it keeps the audio whole.</summary>
    internal static List<(int From, int To)>? KeptRanges(float[] audio, int sampleRate)
    {
        var window = sampleRate;        // 1000 ms
        var seek = sampleRate / 100;    // 10 ms
        var keep = sampleRate;          // 1000 ms
        if (audio.Length < window) return null;
        var squares = new double[audio.Length + 1];
        for (var i = 0; i < audio.Length; i++) squares[i + 1] = squares[i] + (double)audio[i] * audio[i];
        var threshold = SilenceRms * SilenceRms * window;

        // detect_silence: windows whose RMS is at or under the threshold, merged unless a gap separates them.
        var silent = new List<(int Start, int End)>();
        int? rangeStart = null;
        var previous = -1;
        for (var i = 0; i <= audio.Length - window; i += seek)
        {
            if (squares[i + window] - squares[i] > threshold) continue;
            if (rangeStart is null) rangeStart = i;
            else if (i > previous + window) { silent.Add((rangeStart.Value, previous + window)); rangeStart = i; }
            previous = i;
        }
        if (rangeStart is not null) silent.Add((rangeStart.Value, previous + window));
        if (silent.Count == 0) return null;

        // detect_nonsilent: the gaps between silent ranges.
        var voiced = new List<(int Start, int End)>();
        var cursor = 0;
        foreach (var (s, e) in silent)
        {
            if (s > cursor) voiced.Add((cursor, s));
            cursor = e;
        }
        if (cursor < audio.Length) voiced.Add((cursor, audio.Length));
        if (voiced.Count == 0) return null;

        // keep_silence on both sides; overlapping margins are split in the middle.
        var ranges = voiced.Select(r => new[] { r.Start - keep, r.End + keep }).ToList();
        for (var i = 0; i + 1 < ranges.Count; i++)
        {
            if (ranges[i + 1][0] < ranges[i][1])
            {
                var middle = (ranges[i][1] + ranges[i + 1][0]) / 2;
                ranges[i][1] = middle;
                ranges[i + 1][0] = middle;
            }
        }
        var kept = new List<(int From, int To)>();
        foreach (var r in ranges)
        {
            var from = Math.Max(0, r[0]);
            var to = Math.Min(audio.Length, r[1]);
            if (to > from) kept.Add((from, to));
        }
        return kept;
    }
}

/// <summary>
/// <c>cross_fade_concat</c> for streaming: the last <c>fade</c> samples of what was pushed are held
/// back until the next chunk arrives, then blended linearly (1 → 0 over the old, 0 → 1 over the new).
/// </summary>
public sealed class CrossFadeJoiner(int fadeSamples)
{
    private float[] _held = [];

    /// <summary>Adds a chunk; returns the samples that are final now.</summary>
    public float[] Push(float[] chunk)
    {
        float[] combined;
        var k = Math.Min(fadeSamples, Math.Min(_held.Length, chunk.Length));
        if (_held.Length == 0 || k <= 0)
        {
            combined = [.. _held, .. chunk];
        }
        else
        {
            combined = new float[_held.Length + chunk.Length - k];
            Array.Copy(_held, combined, _held.Length - k);
            var offset = _held.Length - k;
            for (var i = 0; i < k; i++)
            {
                // torch.linspace(1, 0, k)
                var fade = k == 1 ? 1f : 1f - (float)i / (k - 1);
                combined[offset + i] = _held[offset + i] * fade + chunk[i] * (1 - fade);
            }
            Array.Copy(chunk, k, combined, _held.Length, chunk.Length - k);
        }
        var hold = Math.Min(fadeSamples, combined.Length);
        _held = combined[^hold..];
        return combined[..^hold];
    }

    /// <summary>What is still held back, at the end of the stream.</summary>
    public float[] Flush()
    {
        var rest = _held;
        _held = [];
        return rest;
    }
}
