using TtsService.Errors;

namespace TtsService.Audio;

/// <summary>Creates the encoder for a <c>response_format</c>.</summary>
public sealed class AudioEncoderFactory
{
    public static IReadOnlyList<AudioFormat> SupportedFormats { get; } = [AudioFormat.Wav, AudioFormat.Pcm];

    public IAudioEncoder Create(AudioFormat format, EncoderOptions options) => format switch
    {
        AudioFormat.Wav => new WavEncoder(options),
        AudioFormat.Pcm => new PcmEncoder(options),
        _ => throw new InvalidRequestException(
            $"response_format '{format.FileExtension()}' is not available yet; supported: {string.Join(", ", SupportedFormats.Select(f => f.FileExtension()))}.",
            "response_format", "unsupported_response_format"),
    };
}
