using System.Text.Json;
using System.Text.Json.Serialization;
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
    /// <summary>A name or mix; also OpenAI's custom-voice object <c>{"id": ...}</c> or a list of names to mix.</summary>
    [JsonConverter(typeof(VoiceSpecConverter))]
    public string? Voice { get; init; }
    public string? ResponseFormat { get; init; }
    /// <summary>Kokoro-FastAPI's format for the <c>return_download_link</c> copy (defaults to <c>response_format</c>).</summary>
    public string? DownloadFormat { get; init; }
    /// <summary>Kokoro-FastAPI's captioned-speech switch: false returns audio with an empty <c>timestamps</c> list.</summary>
    public bool? ReturnTimestamps { get; init; }
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
    /// <summary>The response goes out as it is made (<c>stream</c>, true unless set false, or SSE): backends start with a short call.</summary>
    public bool IsStreamed => (Stream ?? true) || IsSse;

    // ZipVoice fields (used when model is zipvoice*).
    public string? PromptText { get; init; }
    public int? NumSteps { get; init; }
    public float? GuidanceScale { get; init; }
    public float? TShift { get; init; }
    public bool? RemoveLongSilence { get; init; }
    public float? MaxDuration { get; init; }
    public long? Seed { get; init; }

    public AudioFormat Format => AudioFormats.Parse(ResponseFormat);
    public AudioFormat DownloadFileFormat => DownloadFormat is null ? Format : ParseDownloadFormat(DownloadFormat);
    /// <summary>The Kokoro lang_code letter, with kokoro's long aliases (<c>en-us</c>, <c>pt-br</c>, ...) mapped to it.</summary>
    public string? EffectiveLangCode => KokoroLangCodes.Normalize(LangCode);
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
        if (LangCode is not null && EffectiveLangCode is not { Length: 1 })
            throw new InvalidRequestException("lang_code must be one letter such as 'a' (American English) or 'b' (British English), or an alias such as 'en-us'.", "lang_code", "invalid_lang_code");
        if (StreamFormat is not null && !IsSse && !string.Equals(StreamFormat, "audio", StringComparison.OrdinalIgnoreCase))
            throw new InvalidRequestException($"stream_format must be 'audio' or 'sse' (got '{StreamFormat}').", "stream_format", "invalid_stream_format");
        _ = Format; // throws 400 for an unknown response_format
        _ = DownloadFileFormat;
    }

    private static AudioFormat ParseDownloadFormat(string value)
    {
        try { return AudioFormats.Parse(value); }
        catch (InvalidRequestException)
        {
            throw new InvalidRequestException($"download_format '{value}' is not one of: mp3, opus, aac, flac, wav, pcm.", "download_format", "invalid_download_format");
        }
    }
}

/// <summary>Kokoro's language codes: one letter, or the aliases kokoro's <c>KPipeline</c> accepts.</summary>
public static class KokoroLangCodes
{
    // hexgrad/kokoro pipeline.py ALIASES; Kokoro-FastAPI passes lang_code straight to KPipeline.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en-us"] = "a", ["en-gb"] = "b", ["es"] = "e", ["fr-fr"] = "f", ["hi"] = "h",
        ["it"] = "i", ["pt-br"] = "p", ["ja"] = "j", ["zh"] = "z",
    };

    /// <summary>The lower-case letter for <paramref name="code"/>; unknown longer codes come back unchanged (callers reject them).</summary>
    public static string? Normalize(string? code)
    {
        if (code is null) return null;
        var trimmed = code.Trim();
        return Aliases.TryGetValue(trimmed, out var letter) ? letter : trimmed.ToLowerInvariant();
    }
}

/// <summary>
/// Reads <c>voice</c> as a string, as OpenAI's custom-voice object <c>{"id": "..."}</c>, or as a list of
/// names (mixed equally, like <c>"a+b"</c>). Anything else is a 400.
/// </summary>
public sealed class VoiceSpecConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return null;
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.StartObject:
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                if (doc.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String) return id.GetString();
                throw Invalid();
            }
            case JsonTokenType.StartArray:
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                var names = doc.RootElement.EnumerateArray().ToList();
                if (names.Count == 0 || names.Any(n => n.ValueKind != JsonValueKind.String)) throw Invalid();
                return string.Join('+', names.Select(n => n.GetString()));
            }
            default: throw Invalid();
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static InvalidRequestException Invalid() =>
        new("voice must be a name or mix (\"af_bella+af_sky\"), an object {\"id\": name}, or a list of names.", "voice", "invalid_voice");
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
