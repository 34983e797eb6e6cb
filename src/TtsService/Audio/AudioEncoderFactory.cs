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
/// <param name="ffmpegPath">The ffmpeg program for aac (<c>ffmpeg_path</c>, also read from <c>FFMPEG_PATH</c>): a path, or a name on the PATH.</param>
public sealed class AudioEncoderFactory(string ffmpegPath = "ffmpeg")
{
    private readonly FfmpegLocator _ffmpeg = new(ffmpegPath);

    /// <summary>Formats whose codec is present on this machine (native libraries, ffmpeg).</summary>
    public IReadOnlyList<AudioFormat> SupportedFormats => Enum.GetValues<AudioFormat>().Where(IsAvailable).ToArray();

    /// <summary>Whether the codec behind <paramref name="format"/> can be used here.</summary>
    public bool IsAvailable(AudioFormat format) => format switch
    {
        AudioFormat.Mp3 => NativeCodecLibrary.Lame.IsAvailable,
        AudioFormat.Flac => NativeCodecLibrary.Flac.IsAvailable,
        AudioFormat.Aac => _ffmpeg.IsAvailable,
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
            AudioFormat.Aac => new FfmpegAacEncoder(options, _ffmpeg.Path),
            AudioFormat.Flac => new FlacEncoder(options),
            AudioFormat.Wav => new WavEncoder(options),
            AudioFormat.Pcm => new PcmEncoder(options),
            _ => throw new InvalidRequestException($"response_format '{format.FileExtension()}' is not supported.", "response_format",
                "unsupported_response_format"),
        };
    }
}
