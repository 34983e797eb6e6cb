using System.Diagnostics;
using TtsService.Errors;
using TtsService.Inference.ZipVoice.Dialog;
using TtsService.Text;
using TtsService.Voices;

namespace TtsService.Inference.ZipVoice;

/// <summary>
/// ZipVoice-Dialog: <c>generate_sentence</c> and <c>generate_sentence_stereo</c> of k2-fsa/ZipVoice
/// <c>zipvoice/bin/infer_zipvoice_dialog.py</c> on the graphs tools/export writes. The prompt is one recording of
/// both speakers (transcription <c>[S1]…[S2]…</c>) or two recordings joined as upstream joins them; the text is
/// tokenized by DialogTokenizer's rules and cut at <c>[S1]</c> (chunk_tokens_dialog, 40 s per chunk with the
/// prompt); the rest (sampler, clamp, prompt-RMS rule, cross-fade, silence trimming) is the single-speaker path's.
/// zipvoice_dialog_stereo samples two feature sets (one per channel), vocodes each and interleaves them.
/// </summary>
public sealed partial class ZipVoiceBackend
{
    private IAsyncEnumerable<AudioChunk> SynthesizeDialog(ZipVoiceVariant variant, ZipVoiceRequest request, SamplerOptions options,
        CancellationToken cancellationToken)
    {
        var plan = PlanDialog(variant, request);
        var removeLongSilence = request.RemoveLongSilence ?? _settings.ZipvoiceRemoveLongSilence;
        var turns = DialogText.TurnsOfChunks(plan.Chunks, DialogText.Turns(request.Text));
        // No early first-words call: a dialogue chunk starts at [S1], and a cut inside a turn would lose the turn's speaker.
        return Run(variant, plan.Prompt, plan.PromptIds, plan.Chunks, earlyCut: null, request.Speed, options, removeLongSilence, request.Work, cancellationToken, turns);
    }

    /// <summary>What a dialog request is turned into before any inference: the prompt's features, the prompt's and the text's tokens, and the chunks.</summary>
    internal sealed record DialogPlan(PromptFeatures Prompt, List<string> PromptTokens, long[] PromptIds, List<string> TextTokens, List<List<string>> Chunks);

    /// <summary>
    /// generate_sentence's front half: the merged prompt's transcription or the split prompts' joined one, validated;
    /// the prompt features (<see cref="DialogPromptFor"/>); both texts tokenized by DialogTokenizer's rules; the text cut
    /// at [S1] within the 40 s budget. 400s for a request the dialog models cannot speak.
    /// </summary>
    internal DialogPlan PlanDialog(ZipVoiceVariant variant, ZipVoiceRequest request)
    {
        DialogText.Validate(request.Text, "input");
        var second = request.SecondPrompt;
        string transcript;
        if (second is null)
        {
            transcript = request.Prompt.Transcript;
            if (!DialogText.HasSpeakerMarks(transcript))
                throw new InvalidRequestException(
                    $"{variant.Name} needs both speakers' voices: give two voices (\"alice+bob\" or [\"alice\", \"bob\"]), or one recording of both " +
                    "speakers whose transcription (prompt_text) marks the turns, e.g. \"[S1] Hi there. [S2] Hello.\"", "voice", "dialog_needs_two_speakers");
        }
        else
        {
            foreach (var (voicePrompt, which) in new[] { (request.Prompt, "first"), (second, "second") })
                if (DialogText.HasSpeakerMarks(voicePrompt.Transcript))
                    throw new InvalidRequestException(
                        $"The {which} voice's transcription has speaker marks ([S1]/[S2]): it is a two-speaker recording; use it as the only voice.", "voice", "dialog_voice_is_two_speakers");
            transcript = DialogText.JoinTranscripts(request.Prompt.Transcript, second.Transcript);
        }
        DialogText.Validate(transcript, "prompt_text");

        var prompt = DialogPromptFor(variant, request.Prompt, second);
        string Normalize(string text) => _normalizer.Normalize(text, NormalizationOptions.Default);
        var promptTokens = DialogText.Tokens(variant.Tokenizer, transcript, Normalize);
        var promptIds = variant.Tokenizer.TokensToIds(promptTokens);
        if (promptIds.Length == 0) throw new InvalidRequestException("prompt_text gives no tokens this model knows.", "prompt_text");
        var textTokens = DialogText.Tokens(variant.Tokenizer, request.Text, Normalize);
        if (variant.Tokenizer.TokensToIds(textTokens).Length == 0) throw new InvalidRequestException("input gives no tokens this model knows.", "input");
        var maxTokens = ZipVoiceChunker.MaxTokens(prompt.Seconds, promptTokens.Count, request.Speed,
            request.MaxDuration is > 0 ? request.MaxDuration.Value : DialogText.ChunkSeconds);
        return new DialogPlan(prompt, promptTokens, promptIds, textTokens, DialogText.Chunk(textTokens, maxTokens));
    }

    /// <summary>A dialogue chunk's text as written, its turns marked; null outside a dialogue.</summary>
    private static string? DialogChunkText(List<SpeakerTurn>? turns) =>
        turns is null ? null : string.Join(' ', turns.Select(t => $"[{t.Speaker}] {t.Text}"));

    /// <summary>A single-speaker model was sent a dialogue (two voices or [S1]/[S2] marks): 400 naming the dialog models.</summary>
    private static InvalidRequestException DialogToSingleSpeakerModel(string model) => new(
        $"{model} speaks one voice; for a two-speaker dialogue ([S1]/[S2] turns, two voices) use model zipvoice_dialog or zipvoice_dialog_stereo.",
        "model", "dialog_needs_dialog_model");

    /// <summary>The dialog prompt's features, cached by its recordings' keys (both, in order, for split prompts).</summary>
    private PromptFeatures DialogPromptFor(ZipVoiceVariant variant, VoicePrompt first, VoicePrompt? second)
    {
        var key = PromptCache.FeaturesKey(second is null ? first.CacheKey : $"{first.CacheKey}+{second.CacheKey}", variant.Name);
        if (_promptCache.TryGet<PromptFeatures>(key, out var cached)) return cached;
        PromptFeatures features;
        if (variant.Channels == 2)
        {
            features = ComputeStereoPromptFeatures(variant, StereoPrompt(first, second));
        }
        else
        {
            // generate_sentence: each recording down-mixed to mono (the decoder already did), then torch.cat in time.
            var samples = second is null ? first.Samples : [.. first.Samples, .. second.Samples];
            features = ComputePromptFeatures(variant, samples);
        }
        _promptCache.Set(key, features, features.Features.LongLength * sizeof(float) + 64);
        return features;
    }

    /// <summary>
    /// generate_sentence_stereo's prompt. Merged: one two-channel recording, a speaker per channel (a mono one is a
    /// 400). Split: two two-channel recordings one after the other; else two recordings placed one after the other,
    /// the first speaker's (down-mixed) in the left channel and the second's in the right, the other channel silent
    /// meanwhile. Upstream takes that silence from assets/silence.wav (a recording of room tone); this takes digital silence.
    /// </summary>
    private static float[] StereoPrompt(VoicePrompt first, VoicePrompt? second)
    {
        if (second is null)
            return first.Stereo ?? throw new InvalidRequestException(
                "zipvoice_dialog_stereo needs each speaker in their own channel: give a two-channel recording (one speaker per channel) " +
                "whose transcription marks the turns, or two voices (\"alice+bob\" or [\"alice\", \"bob\"]). This prompt is mono.", "voice", "stereo_prompt_is_mono");
        if (first.Stereo is { } a && second.Stereo is { } b) return [.. a, .. b];
        var left = new float[first.Samples.Length + second.Samples.Length];
        var right = new float[left.Length];
        first.Samples.CopyTo(left, 0);
        second.Samples.CopyTo(right, first.Samples.Length);
        return StereoAudio.Interleave(left, right);
    }

    /// <summary>
    /// ComputePromptFeatures for two channels: silence judged over both, RMS over both (rms_norm on the (2, T)
    /// tensor), then VocosFbank(num_channels=2): each channel's log-mel, frame by frame [left mels | right mels].
    /// </summary>
    internal static PromptFeatures ComputeStereoPromptFeatures(ZipVoiceVariant variant, float[] interleaved)
    {
        var rate = variant.Metadata.SampleRate;
        var trimmed = StereoAudio.RemoveSilence(interleaved, rate, onlyEdge: false, trailingSilenceMs: 200);
        var (normalized, rms) = ZipVoiceAudio.RmsNormalize(trimmed);
        if (rms == 0) throw new UnprocessableException("The prompt audio is silent.", "voice");
        var left = variant.Features.Extract(StereoAudio.Channel(normalized, 0), out var frames);
        var right = variant.Features.Extract(StereoAudio.Channel(normalized, 1), out _);
        if (frames == 0) throw new UnprocessableException("The prompt audio is too short.", "voice");
        var mels = variant.Metadata.FeatDim;
        var features = new float[frames * 2 * mels];
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < mels; c++)
            {
                features[f * 2 * mels + c] = left[f * mels + c] * ZipVoiceAudio.FeatScale;
                features[f * 2 * mels + mels + c] = right[f * mels + c] * ZipVoiceAudio.FeatScale;
            }
        }
        return new PromptFeatures(features, frames, rms, (double)normalized.Length / 2 / rate);
    }

    /// <summary>generate_sentence_stereo: features [frames, 2·feat_dim] → one vocoder pass per channel → interleaved L/R.</summary>
    private static float[] VocodeStereo(ZipVoiceVariant variant, float[] features)
    {
        var dim = variant.Metadata.FeatDim;
        var frames = features.Length / (2 * dim);
        var left = new float[frames * dim];
        var right = new float[frames * dim];
        for (var f = 0; f < frames; f++)
        {
            Array.Copy(features, f * 2 * dim, left, f * dim, dim);
            Array.Copy(features, f * 2 * dim + dim, right, f * dim, dim);
        }
        var l = variant.Vocoder.Synthesize(left, frames, dim);
        var r = variant.Vocoder.Synthesize(right, frames, dim);
        var n = Math.Min(l.Length, r.Length);
        return StereoAudio.Interleave(l.AsSpan(0, n), r.AsSpan(0, n));
    }
}

public sealed partial class ZipVoiceBackend
{
    /// <summary>
    /// The variants that can load: a loaded one, or one never tried whose files are in place (for the dialog variants,
    /// with the [S1]/[S2] token table and the channel count of their name, read from the graphs' metadata without
    /// loading them). One that failed to load is left out until the service restarts.
    /// </summary>
    private IReadOnlyList<string> InstalledVariants()
    {
        var result = new List<string>();
        foreach (var model in ModelIds)
        {
            VariantSlot? slot;
            lock (_variantsLock) _variants.TryGetValue(model, out slot);
            if (slot is not null && slot.Load.IsValueCreated)
            {
                if (slot.Load.Value.Variant is not null) result.Add(model);
                continue;
            }
            if (LooksInstalled(model)) result.Add(model);
        }
        return result;
    }

    /// <summary>How long a look at a variant's files on disk is trusted: every request reads Status, and the look reads files.</summary>
    private static readonly TimeSpan DiskRecheck = TimeSpan.FromSeconds(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long At, bool Installed)> _onDisk = new();

    private bool LooksInstalled(string model)
    {
        var now = Stopwatch.GetTimestamp();
        if (_onDisk.TryGetValue(model, out var seen) && Stopwatch.GetElapsedTime(seen.At, now) < DiskRecheck) return seen.Installed;
        var installed = DialogModelCheck.LooksInstalled(_modelsDir, model);
        _onDisk[model] = (now, installed);
        return installed;
    }
}
