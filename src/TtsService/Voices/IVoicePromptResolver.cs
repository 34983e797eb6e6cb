namespace TtsService.Voices;

/// <summary>A ZipVoice prompt ready for the backend.</summary>
/// <param name="Samples">Mono 24 kHz samples.</param>
/// <param name="Transcript">What is said in <paramref name="Samples"/>.</param>
/// <param name="CacheKey">Stable identity of the audio (voice name + version, URL hash or content hash), for feature caching.</param>
public sealed record VoicePrompt(float[] Samples, string Transcript, string CacheKey)
{
    /// <summary>When the recording has two channels: interleaved L/R at 24 kHz (a merged prompt for zipvoice_dialog_stereo, one speaker per channel).</summary>
    public float[]? Stereo { get; init; }
}

/// <summary>
/// Resolves the <c>voice</c> field of a ZipVoice request: a registered name, <c>url+...</c>,
/// <c>base64+...</c> (or a data: URI) or <c>file+label</c> with an uploaded file.
/// </summary>
public interface IVoicePromptResolver
{
    Task<VoicePrompt> ResolveAsync(string voice, string? promptText, IFormFile? promptFile, CancellationToken cancellationToken);
}
