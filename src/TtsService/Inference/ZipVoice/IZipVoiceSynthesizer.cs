using System.Runtime.CompilerServices;
using TtsService.Errors;
using TtsService.Speech;
using TtsService.Voices;

namespace TtsService.Inference.ZipVoice;

/// <summary>One ZipVoice synthesis, validated by the endpoint; null fields take the variant's defaults.</summary>
/// <param name="Model">zipvoice, zipvoice_distill, zipvoice_dialog or zipvoice_dialog_stereo.</param>
/// <param name="Text">What to say (dialog variants: [S1]/[S2] turns).</param>
/// <param name="Prompt">The voice to clone: 24 kHz mono audio and its transcript.</param>
/// <param name="Stream">The response streams: the first sentence's opening words get a call of their own so audio starts early.</param>
public sealed record ZipVoiceRequest(
    string Model,
    string Text,
    VoicePrompt Prompt,
    float Speed = 1f,
    int? NumSteps = null,
    float? GuidanceScale = null,
    float? TShift = null,
    bool? RemoveLongSilence = null,
    float? MaxDuration = null,
    long? Seed = null,
    bool Stream = false)
{
    /// <summary>The request's work record, charged with each model call (none: the calls are not charged).</summary>
    public SpeechWork? Work { get; init; }

    /// <summary>Dialog models: the second speaker's prompt when the speakers come as two recordings (split prompts).</summary>
    public VoicePrompt? SecondPrompt { get; init; }

    /// <summary>The fields of a speech request that ZipVoice reads, with its prompt resolved.</summary>
    public static ZipVoiceRequest From(SpeechRequest request, VoicePrompt prompt) => new(
        request.Model!, request.Input!, prompt, request.EffectiveSpeed, request.NumSteps, request.GuidanceScale, request.TShift,
        request.RemoveLongSilence, request.MaxDuration, request.Seed, request.IsStreamed);
}

/// <summary>
/// The ZipVoice backend's own request type: the voice is already a resolved prompt. Tests stand in for the
/// model behind it; <see cref="ZipVoiceSpeech"/> turns a speech request into one.
/// </summary>
public interface IZipVoiceSynthesizer : ISpeechBackend
{
    /// <summary>True when <paramref name="model"/> (a zipvoice* id) has its files loaded.</summary>
    bool IsVariantReady(string model, out string? reason);

    /// <summary>Speaks <paramref name="request"/> chunk by chunk (24 kHz; two channels for zipvoice_dialog_stereo).</summary>
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(ZipVoiceRequest request, CancellationToken cancellationToken);
}

/// <summary>How a ZipVoice backend speaks a <see cref="SpeechRequest"/>: resolve the prompt, then clone the voice.</summary>
public static class ZipVoiceSpeech
{
    /// <summary>
    /// Resolves <c>voice</c> (a registered name, url+, base64+ or the uploaded <c>prompt_wav_file</c>), then streams
    /// the synthesizer's audio. Runs inside the response writer's first read, so failures still become JSON errors.
    /// </summary>
    public static async IAsyncEnumerable<AudioChunk> SpeakAsync(IZipVoiceSynthesizer synthesizer, IVoicePromptResolver prompts,
        SpeechRequest request, SpeechWork work, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = request.Model!;
        if (!synthesizer.IsVariantReady(model, out var reason))
            throw new BackendUnavailableException($"The ZipVoice model '{model}' is unavailable: {reason}", "model", "model_unavailable");
        // Dialog models may name two voices ("alice+bob"): the second is the [S2] speaker's prompt.
        var (prompt, second) = await Dialog.DialogPrompts.ResolveAsync(model, prompts, request, cancellationToken);
        var zipVoiceRequest = ZipVoiceRequest.From(request, prompt) with { SecondPrompt = second, Work = work };
        await foreach (var chunk in synthesizer.SynthesizeAsync(zipVoiceRequest, cancellationToken).WithCancellation(cancellationToken))
            yield return chunk;
    }
}
