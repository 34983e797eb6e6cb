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
    bool Stream = false);

/// <summary>
/// The seam between the /v1/zipvoice endpoints (and the zipvoice models on /v1/audio/speech) and the
/// ZipVoice ONNX backend: endpoints resolve the prompt, the backend clones the voice.
/// </summary>
public interface IZipVoiceSynthesizer : ISpeechBackend
{
    /// <summary>True when <paramref name="model"/> (a zipvoice* id) has its files loaded.</summary>
    bool IsVariantReady(string model, out string? reason);

    /// <summary>Speaks <paramref name="request"/> chunk by chunk (24 kHz; two channels for zipvoice_dialog_stereo).</summary>
    IAsyncEnumerable<AudioChunk> SynthesizeAsync(ZipVoiceRequest request, CancellationToken cancellationToken);
}
