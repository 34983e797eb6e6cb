using TtsService.Inference.ZipVoice;

namespace TtsService.Inference;

/// <summary>
/// Every model id the service answers to, in one place: the backends, the endpoints, the settings
/// validator and <c>/v1/models</c> all read it from here.
/// </summary>
public static class ModelCatalog
{
    public const string Kokoro = "kokoro";
    public const string ZipVoice = "zipvoice";

    public static readonly IReadOnlyList<string> Backends = [Kokoro, ZipVoice];

    /// <summary>Kokoro answers OpenAI's model names too, so SDK code written for OpenAI runs unchanged.</summary>
    public static readonly IReadOnlyList<string> KokoroModels = ["kokoro", "tts-1", "tts-1-hd", "gpt-4o-mini-tts"];

    public static readonly IReadOnlyList<string> ZipVoiceModels =
        [ZipVoiceVariant.Zipvoice, ZipVoiceVariant.Distill, ZipVoiceVariant.Dialog, ZipVoiceVariant.DialogStereo];

    public static bool IsZipVoice(string modelId) => ZipVoiceModels.Contains(modelId);
}
