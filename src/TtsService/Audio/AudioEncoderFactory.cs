using TtsService.Audio.Encoders;
using TtsService.Audio.Native;
using TtsService.Errors;

namespace TtsService.Audio;

/// <summary>Creates the streaming encoder for a <c>response_format</c>.</summary>
/// <remarks>
/// Every encoder is cheap to create (a LAME/libFLAC/Concentus state of a few hundred KB, or for aac
/// one ffmpeg process), so none is pooled; each owns its native state and frees it on Dispose
/// (and in a finalizer, should a caller forget).
/// </remarks>
public sealed class AudioEncoderFactory
{
    /// <summary>Formats whose codec is present on this machine (probed once: native libraries, ffmpeg).</summary>
    public static IReadOnlyList<AudioFormat> SupportedFormats { get; } = Enum.GetValues<AudioFormat>().Where(IsAvailable).ToArray();

    /// <summary>Whether the codec behind <paramref name="format"/> can be used here.</summary>
    public static bool IsAvailable(AudioFormat format) => format switch
    {
        AudioFormat.Mp3 => NativeCodecLibrary.Lame.IsAvailable,
        AudioFormat.Flac => NativeCodecLibrary.Flac.IsAvailable,
        AudioFormat.Aac => FfmpegLocator.IsAvailable,
        AudioFormat.Opus or AudioFormat.Wav or AudioFormat.Pcm => true,
        _ => false,
    };

    /// <exception cref="InvalidRequestException">The options do not suit the format (channels, rate).</exception>
    /// <exception cref="BackendUnavailableException">The codec's Debian package is missing.</exception>
    public IAudioEncoder Create(AudioFormat format, EncoderOptions options)
    {
        if (options.SampleRate is < 8000 or > 192000)
            throw new InvalidRequestException($"Cannot encode audio at {options.SampleRate} Hz.", "response_format");
        if (options.Channels is < 1 or > 8)
            throw new InvalidRequestException($"Cannot encode {options.Channels} channels.", "response_format");
        return format switch
        {
            AudioFormat.Mp3 => new Mp3Encoder(options),
            AudioFormat.Opus => new OggOpusEncoder(options),
            AudioFormat.Aac => new FfmpegAacEncoder(options),
            AudioFormat.Flac => new FlacEncoder(options),
            AudioFormat.Wav => new WavEncoder(options),
            AudioFormat.Pcm => new PcmEncoder(options),
            _ => throw new InvalidRequestException($"response_format '{format.FileExtension()}' is not supported.", "response_format",
                "unsupported_response_format"),
        };
    }
}
