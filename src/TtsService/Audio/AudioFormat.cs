using TtsService.Errors;

namespace TtsService.Audio;

/// <summary>The OpenAI <c>response_format</c> values.</summary>
public enum AudioFormat { Mp3, Opus, Aac, Flac, Wav, Pcm }

public static class AudioFormats
{
    public static AudioFormat Parse(string? value) => (value ?? "mp3").Trim().ToLowerInvariant() switch
    {
        "mp3" => AudioFormat.Mp3,
        "opus" => AudioFormat.Opus,
        "aac" => AudioFormat.Aac,
        "flac" => AudioFormat.Flac,
        "wav" => AudioFormat.Wav,
        "pcm" => AudioFormat.Pcm,
        _ => throw new InvalidRequestException(
            $"response_format '{value}' is not one of: mp3, opus, aac, flac, wav, pcm.", "response_format", "invalid_response_format"),
    };

    public static string ContentType(this AudioFormat format) => format switch
    {
        AudioFormat.Mp3 => "audio/mpeg",
        AudioFormat.Opus => "audio/ogg",
        AudioFormat.Aac => "audio/aac",
        AudioFormat.Flac => "audio/flac",
        AudioFormat.Wav => "audio/wav",
        AudioFormat.Pcm => "audio/pcm",
        _ => "application/octet-stream",
    };

    public static string FileExtension(this AudioFormat format) => format.ToString().ToLowerInvariant();
}
