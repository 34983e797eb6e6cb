using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Text;

namespace TtsService.Api;

/// <summary>A request that checks its own fields; run by <see cref="ValidationFilter{T}"/> before the handler.</summary>
public interface IValidatedRequest
{
    void Validate(TtsSettings settings);
}

/// <summary>Body of <c>POST /v1/audio/speech</c> (OpenAI's fields plus Kokoro-FastAPI's and ZipVoice's extras).</summary>
public sealed record SpeechRequest : IValidatedRequest
{
    public string? Model { get; init; }
    public string? Input { get; init; }
    public string? Voice { get; init; }
    public string? ResponseFormat { get; init; }
    public float? Speed { get; init; }
    /// <summary>Defaults to true, as OpenAI's endpoint streams.</summary>
    public bool? Stream { get; init; }
    public float? VolumeMultiplier { get; init; }
    public string? LangCode { get; init; }
    public NormalizationOptions? NormalizationOptions { get; init; }
    public bool? ReturnDownloadLink { get; init; }
    /// <summary>OpenAI's <c>stream_format</c>: "audio" (raw bytes, the default) or "sse" (server-sent events).</summary>
    public string? StreamFormat { get; init; }
    /// <summary>OpenAI's voice instructions (gpt-4o-mini-tts); accepted for compatibility, not used by these models.</summary>
    public string? Instructions { get; init; }
    public bool IsSse => string.Equals(StreamFormat, "sse", StringComparison.OrdinalIgnoreCase);

    // ZipVoice fields (used when model is zipvoice*).
    public string? PromptText { get; init; }
    public int? NumSteps { get; init; }
    public float? GuidanceScale { get; init; }
    public float? TShift { get; init; }
    public bool? RemoveLongSilence { get; init; }
    public float? MaxDuration { get; init; }
    public long? Seed { get; init; }

    public AudioFormat Format => AudioFormats.Parse(ResponseFormat);
    public float EffectiveSpeed => Speed ?? 1f;
    public float EffectiveVolume => VolumeMultiplier ?? 1f;

    public void Validate(TtsSettings settings)
    {
        if (string.IsNullOrWhiteSpace(Input))
            throw new InvalidRequestException("input is required and must not be empty.", "input", "empty_input");
        if (Input.Length > settings.MaxInputChars)
            throw new InvalidRequestException($"input is {Input.Length} characters; the limit is {settings.MaxInputChars}.", "input", "input_too_long");
        if (Speed is { } s && !(s >= 0.25f && s <= 4f))
            throw new InvalidRequestException($"speed must be between 0.25 and 4.0 (got {s}).", "speed", "invalid_speed");
        if (VolumeMultiplier is { } v && !(v >= 0f && v <= 10f))
            throw new InvalidRequestException($"volume_multiplier must be between 0 and 10 (got {v}).", "volume_multiplier", "invalid_volume");
        if (NumSteps is { } n && (n < 1 || n > 32))
            throw new InvalidRequestException($"num_steps must be between 1 and 32 (got {n}).", "num_steps", "invalid_num_steps");
        if (LangCode is { Length: not 1 })
            throw new InvalidRequestException($"lang_code must be one letter such as 'a' (American English) or 'b' (British English).", "lang_code", "invalid_lang_code");
        if (StreamFormat is not null && !IsSse && !string.Equals(StreamFormat, "audio", StringComparison.OrdinalIgnoreCase))
            throw new InvalidRequestException($"stream_format must be 'audio' or 'sse' (got '{StreamFormat}').", "stream_format", "invalid_stream_format");
        _ = Format; // throws 400 for an unknown response_format
    }
}

/// <summary>Validates the request body of type <typeparamref name="T"/> before the handler runs.</summary>
public sealed class ValidationFilter<T>(TtsSettings settings) : IEndpointFilter where T : class, IValidatedRequest
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<T>().FirstOrDefault()
            ?? throw new InvalidRequestException("Request body is required (JSON).", null, "missing_body");
        request.Validate(settings);
        return next(context);
    }
}
