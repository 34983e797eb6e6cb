using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>Decodes prompt audio from any source and holds it to <c>zipvoice_max_prompt_duration</c>.</summary>
public sealed class PromptAudio(PromptAudioDecoder decoder, TtsSettings settings)
{
    public PromptAudioDecoder Decoder => decoder;

    public long MaxUploadBytes => (long)(settings.MaxUploadSizeMb * 1024 * 1024);

    /// <summary>24 kHz mono; 413/415/422 from the decoder, 422 naming the limit when the prompt is too long.</summary>
    public DecodedAudio Decode(ReadOnlyMemory<byte> bytes, long maxBytes, string param)
    {
        var maxSeconds = settings.ZipvoiceMaxPromptDuration;
        DecodedAudio audio;
        try
        {
            audio = decoder.Decode(bytes, new AudioDecodeLimits(maxBytes, maxSeconds));
        }
        catch (UnprocessableException e) when (e.Code == "audio_too_long")
        {
            throw TooLong(param, maxSeconds);
        }
        catch (ServiceException e) when (e.Param != param)
        {
            throw Reparam(e, param);
        }
        if (audio.DurationSeconds > maxSeconds + 1e-3) throw TooLong(param, maxSeconds);
        if (audio.Samples.Length == 0)
            throw new UnprocessableException("The prompt audio contains no samples.", param, "empty_audio");
        return audio;
    }

    private static UnprocessableException TooLong(string param, double maxSeconds) => new(
        $"Prompt audio is longer than zipvoice_max_prompt_duration ({maxSeconds:0.###} s); use a shorter clip.", param, "prompt_too_long");

    // The decoder names its field "audio"; report the request's own field instead.
    private static ServiceException Reparam(ServiceException e, string param) => e switch
    {
        PayloadTooLargeException => new PayloadTooLargeException(e.Message, param, e.Code),
        UnsupportedMediaException => new UnsupportedMediaException(e.Message, param, e.Code),
        UnprocessableException => new UnprocessableException(e.Message, param, e.Code),
        InvalidRequestException => new InvalidRequestException(e.Message, param, e.Code),
        _ => e,
    };
}
