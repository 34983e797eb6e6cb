using System.Text.Json;
using System.Text.Json.Serialization;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Text;

namespace TtsService.Speech;

/// <summary>
/// A request with a rule that depends on the settings (so no annotation, and no fixed range in the document, can state it);
/// run by the endpoint's validation filter after the request's declared annotations (<see cref="RequestRules{T}"/>).
/// </summary>
public interface IValidatedRequest
{
    void Validate(TtsSettings settings);
}

/// <summary>
/// One speech request, as every route receives it and every backend takes it (<see cref="Inference.ISpeechBackend"/>):
/// OpenAI's fields plus Kokoro-FastAPI's and ZipVoice's extras. Each backend reads the fields it knows.
/// The annotations below are the one declaration of each field's rule: <see cref="RequestRules{T}"/> enforces them and
/// the OpenAPI document shows them. Bound from JSON or a form by one binder (SpeechRequestBinding.cs).
/// </summary>
public sealed partial record SpeechRequest : IValidatedRequest
{
    [Description("Model id: kokoro (also tts-1, tts-1-hd, gpt-4o-mini-tts) or zipvoice, zipvoice_distill, zipvoice_dialog, zipvoice_dialog_stereo. Absent: default_backend's model.")]
    public string? Model { get; init; }
    [Description("The text to speak (at most max_input_chars characters).")]
    [Required, ErrorCode("empty_input")]
    public string? Input { get; init; }
    /// <summary>A name or mix; also OpenAI's custom-voice object <c>{"id": ...}</c> or a list of names to mix.</summary>
    [Description("Kokoro: a voice name or mix (af_bella+af_sky, af_bella(2)+af_sky(1)). ZipVoice: a registered voice name, url+<address>, base64+<data>. zipvoice_dialog(_stereo): two voices, [S1] then [S2]: registered names (\"alice+bob\" or [\"alice\", \"bob\"]) or a list with inline prompts ([\"url+…\", \"base64+…\"], with prompt_text \"[S1] … [S2] …\"), or one recording of both speakers whose transcription marks the turns ([S1] … [S2] …; for zipvoice_dialog_stereo a two-channel recording, one speaker per channel).")]
    [JsonConverter(typeof(VoiceSpecConverter))]
    public string? Voice { get; init; }
    [Description("Audio format of the response.")]
    [AudioFormatValues]
    public string? ResponseFormat { get; init; }
    /// <summary>Kokoro-FastAPI's format for the <c>return_download_link</c> copy (defaults to <c>response_format</c>).</summary>
    [AudioFormatValues]
    public string? DownloadFormat { get; init; }
    /// <summary>Kokoro-FastAPI's captioned-speech switch: false returns audio with an empty <c>timestamps</c> list.</summary>
    public bool? ReturnTimestamps { get; init; }
    [Description("Speaking rate.")]
    [Range(SpeechLimits.MinSpeed, SpeechLimits.MaxSpeed)]
    public float? Speed { get; init; }
    /// <summary>Defaults to true, as OpenAI's endpoint streams.</summary>
    [Description("Send audio as it is made (default true; captioned speech: false).")]
    public bool? Stream { get; init; }
    [Range(SpeechLimits.MinVolume, SpeechLimits.MaxVolume), ErrorCode("invalid_volume")]
    public float? VolumeMultiplier { get; init; }
    [Description("Kokoro language: one letter (a, b, e, f, h, i, j, p, z) or an alias such as en-us. Absent: from the voice's first letter.")]
    [KokoroLangCode]
    public string? LangCode { get; init; }
    public NormalizationOptions? NormalizationOptions { get; init; }
    public bool? ReturnDownloadLink { get; init; }
    /// <summary>OpenAI's <c>stream_format</c>: "audio" (raw bytes, the default) or "sse" (server-sent events).</summary>
    [AllowedValues("audio", "sse", null)]
    public string? StreamFormat { get; init; }
    /// <summary>OpenAI's voice instructions (gpt-4o-mini-tts); accepted for compatibility, not used by these models.</summary>
    public string? Instructions { get; init; }
    [JsonIgnore] public bool IsSse => string.Equals(StreamFormat, "sse", StringComparison.OrdinalIgnoreCase);
    /// <summary>The response goes out as it is made (<c>stream</c>, true unless set false, or SSE): backends start with a short call.</summary>
    [JsonIgnore] public bool IsStreamed => (Stream ?? true) || IsSse;

    // ZipVoice fields (used when model is zipvoice*).
    [Description("ZipVoice: the transcript of the prompt audio (needed with url+, base64+ and file prompts). Dialog models: [S1] first speaker's words [S2] second speaker's words.")]
    public string? PromptText { get; init; }
    [Description("ZipVoice: flow-matching steps (default: zipvoice_num_steps, else 16 for zipvoice and 8 for zipvoice_distill).")]
    [Range(SpeechLimits.MinNumSteps, SpeechLimits.MaxNumSteps)]
    public int? NumSteps { get; init; }
    [Description("ZipVoice: classifier-free guidance scale (default 1.0 for zipvoice, 3.0 for zipvoice_distill).")]
    [Range(SpeechLimits.MinGuidanceScale, SpeechLimits.MaxGuidanceScale)]
    public float? GuidanceScale { get; init; }
    [Description("ZipVoice: time-grid shift; lower spends more steps near the noise (default 0.5).")]
    [Range(SpeechLimits.MinTShift, SpeechLimits.MaxTShift, MinimumIsExclusive = true)]
    public float? TShift { get; init; }
    public bool? RemoveLongSilence { get; init; }
    [Description("ZipVoice: the longest audio to generate, in seconds.")]
    public float? MaxDuration { get; init; }
    [Description("ZipVoice: random seed for reproducible output.")]
    public long? Seed { get; init; }
    /// <summary>The prompt audio uploaded as <c>prompt_wav_file</c> on the multipart route (not part of the JSON body).</summary>
    [JsonIgnore] public IFormFile? PromptFile { get; init; }
    /// <summary>A second <c>prompt_wav_file</c>: the second speaker's recording of a dialog request with two <c>file+</c> voices.</summary>
    [JsonIgnore] public IFormFile? SecondPromptFile { get; init; }

    [JsonIgnore] public AudioFormat Format => AudioFormats.Parse(ResponseFormat);
    [JsonIgnore] public AudioFormat DownloadFileFormat => DownloadFormat is null ? Format : AudioFormats.Parse(DownloadFormat);
    /// <summary>The Kokoro lang_code letter, with kokoro's long aliases (<c>en-us</c>, <c>pt-br</c>, ...) mapped to it.</summary>
    [JsonIgnore] public string? EffectiveLangCode => KokoroLangCodes.Normalize(LangCode);
    [JsonIgnore] public float EffectiveSpeed => Speed ?? 1f;
    [JsonIgnore] public float EffectiveVolume => VolumeMultiplier ?? 1f;

    /// <summary>The one rule that depends on the settings: input's length (max_input_chars). The declared ones run first.</summary>
    public void Validate(TtsSettings settings)
    {
        if (Input!.Length > settings.MaxInputChars)
            throw new InvalidRequestException($"input is {Input.Length} characters; the limit is {settings.MaxInputChars}.", "input", "input_too_long");
    }
}

/// <summary>The <c>response_format</c> values: one per <see cref="AudioFormat"/>, so the enum in the document is the encoder list.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class AudioFormatValuesAttribute() : AllowedValuesAttribute([.. Enum.GetValues<AudioFormat>().Select(f => f.FileExtension()), null]);

/// <summary>A Kokoro <c>lang_code</c>: one letter, or one of kokoro's aliases (<see cref="KokoroLangCodes"/>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class KokoroLangCodeAttribute() : ValidationAttribute(
    "{0} must be one letter such as 'a' (American English) or 'b' (British English), or an alias such as 'en-us'.")
{
    public override bool IsValid(object? value) => value is null || value is string code && KokoroLangCodes.Normalize(code) is { Length: 1 };
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
/// Reads <c>voice</c> as a string, as OpenAI's custom-voice object <c>{"id": "..."}</c>, or as a list (Kokoro names
/// mixed equally, like <c>"a+b"</c>; a dialog model's two speakers, names or inline prompts: <see cref="VoiceList"/>).
/// Anything else is a 400.
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
                return VoiceList.Join(names.Select(n => n.GetString()!).ToList());
            }
            default: throw Invalid();
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private static InvalidRequestException Invalid() =>
        new("voice must be a name or mix (\"af_bella+af_sky\"), an object {\"id\": name}, or a list of names.", "voice", "invalid_voice");
}
