namespace TtsService.Text;

/// <summary>Text to phonemes in one language. Implementations must be thread-safe.</summary>
public interface IPhonemizer
{
    /// <summary>True when the phonemizer can run (e.g. the espeak-ng library loaded).</summary>
    bool IsAvailable { get; }

    /// <summary>Raw IPA for <paramref name="text"/> in the espeak voice <paramref name="espeakVoice"/> (e.g. "en-us").</summary>
    string ToIpa(string text, string espeakVoice);
}
