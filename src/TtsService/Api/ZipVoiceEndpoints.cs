using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Speech;
using TtsService.Voices;

namespace TtsService.Api;

/// <summary>
/// <c>/v1/zipvoice</c>: voice cloning speech (JSON or multipart, every prompt form) and the registered
/// voice store. Voice management works without the ZipVoice model; speech needs it (503 otherwise).
/// </summary>
public static class ZipVoiceEndpoints
{
    public sealed record ZipVoiceSummary(string AudioPath, string Transcription);
    public sealed record ZipVoiceList(IReadOnlyDictionary<string, ZipVoiceSummary> Voices, int Count);
    public sealed record ZipVoiceAudioInfo(double Duration, int Samplerate, int Channels, int Samples, string Format);
    public sealed record ZipVoiceInfo(string Name, string Transcription, ZipVoiceAudioInfo AudioInfo);
    public sealed record ZipVoiceDeleted(string Message, string Name);
    /// <summary>The register form (multipart), for the OpenAPI document; the handler reads the form itself.</summary>
    public sealed record RegisterVoiceForm(
        [property: System.ComponentModel.DataAnnotations.Required] string Name,
        [property: System.ComponentModel.DataAnnotations.Required] string Transcription,
        [property: System.ComponentModel.DataAnnotations.Required] IFormFile AudioFile,
        bool? Overwrite);
    public sealed record ZipVoiceCacheCleared(string Message, string CacheType, int ClearedEntries, long ClearedBytes);

    public static RouteGroupBuilder MapZipVoice(this RouteGroupBuilder zipvoice)
    {
        zipvoice.WithTags("ZipVoice");
        var settings = ((IEndpointRouteBuilder)zipvoice).ServiceProvider.GetRequiredService<TtsSettings>();

        zipvoice.MapPost("/audio/speech", SpeakAsync)
            .WithBodyLimit(BodySizeLimits.Base64PromptBody(settings))
            .AddEndpointFilter<ValidationFilter<SpeechRequest>>()
            .AdmittedByExpectedWait()
            .WithName("CreateZipVoiceSpeech")
            .WithSummary("Clone a voice: speak input in the voice of a prompt (registered name, url+, base64+, file+)")
            .Accepts<SpeechRequest>("application/json", "multipart/form-data")
            .WithMetadata(OpenApiConventions.PromptUploadForm.Instance)
            .ProducesAudio()
            .ProducesErrors(400, 404, 415, 422, 503);

        zipvoice.MapPost("/voices/register", RegisterAsync)
            .WithBodyLimit(BodySizeLimits.UploadBody(settings))
            .WithName("RegisterZipVoiceVoice")
            .WithSummary("Register a voice (multipart: name, transcription, audio_file, optional overwrite); a two-speaker recording for the dialog models has a [S1] … [S2] … transcription")
            .Accepts<RegisterVoiceForm>("multipart/form-data")
            .ProducesErrors(400, 409, 415, 422);

        zipvoice.MapGet("/voices", (VoicePromptStore store) =>
        {
            var voices = store.List();
            return TypedResults.Ok(new ZipVoiceList(
                voices.ToDictionary(v => v.Name, v => new ZipVoiceSummary(v.AudioPath, v.Transcription), StringComparer.Ordinal),
                voices.Count));
        }).WithName("ListZipVoiceVoices").WithSummary("Registered voices");

        zipvoice.MapGet("/voices/{name}", (string name, VoicePromptStore store) => TypedResults.Ok(ToInfo(store.Get(name))))
            .WithName("GetZipVoiceVoice")
            .WithSummary("One registered voice")
            .ProducesErrors(400, 404);

        zipvoice.MapDelete("/voices/{name}", async (string name, VoicePromptStore store, CancellationToken cancellationToken) =>
        {
            await store.DeleteAsync(name, cancellationToken);
            return TypedResults.Ok(new ZipVoiceDeleted($"Voice '{name}' deleted.", name));
        })
            .WithName("DeleteZipVoiceVoice")
            .WithSummary("Delete a registered voice")
            .ProducesErrors(400, 404);

        zipvoice.MapPost("/voices/cache/clear", (string? cache_type, PromptCache cache) =>
        {
            var type = string.IsNullOrWhiteSpace(cache_type) ? "all" : cache_type.Trim().ToLowerInvariant();
            var (entries, bytes) = type switch
            {
                "url" or "base64" or PromptCache.FeaturesKind => cache.Clear(type),
                "all" => cache.Clear(null),
                _ => throw new InvalidRequestException("cache_type must be url, base64, features or all.", "cache_type", "invalid_cache_type"),
            };
            return TypedResults.Ok(new ZipVoiceCacheCleared($"Cleared {entries} cached prompts ({type}).", type, entries, bytes));
        })
            .WithName("ClearZipVoicePromptCache")
            .WithSummary("Drop cached prompt audio and features (cache_type=url|base64|features|all)")
            .ProducesErrors(400);

        return zipvoice;
    }

    private static Task SpeakAsync(HttpContext http, SpeechRequest request, TtsSettings settings, BackendManager backends, AudioResponseWriter writer)
    {
        // This route speaks only ZipVoice models; without one it uses zipvoice_model.
        var model = backends.ModelId(request.Model ?? settings.ZipvoiceModel);
        if (!ModelCatalog.IsZipVoice(model))
            throw new NotFoundException($"Model '{request.Model}' is not a ZipVoice model. Known: {string.Join(", ", ModelCatalog.ZipVoiceModels)}.", "model", "model_not_found");
        request = request with { Model = model };
        var work = http.SpeechWork();
        return writer.WriteAsync(http, backends.Speak(request, work, http.RequestAborted), AudioOutput.For(request) with { FileStem = "zipvoice" });
    }

    private static async Task<Created<ZipVoiceInfo>> RegisterAsync(HttpContext http, VoicePromptStore store, PromptAudio audio)
    {
        var cancellationToken = http.RequestAborted;
        if (!http.Request.HasFormContentType)
            throw new UnsupportedMediaException("Register a voice with multipart/form-data: name, transcription, audio_file (and optional overwrite).", null, "unsupported_media_type");
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var name = VoiceName.Validate(form["name"].ToString());
        var transcription = form["transcription"].ToString();
        if (string.IsNullOrWhiteSpace(transcription))
            throw new InvalidRequestException("transcription is required: the exact words spoken in audio_file.", "transcription", "empty_transcription");
        // A two-speaker recording for the dialog models: its transcription marks the turns as a dialog input does.
        if (Inference.ZipVoice.Dialog.DialogText.HasSpeakerMarks(transcription)) Inference.ZipVoice.Dialog.DialogText.Validate(transcription, "transcription");
        var overwrite = ParseBool(form, "overwrite") ?? false;
        var file = form.Files.GetFile("audio_file");
        if (file is null || file.Length == 0)
            throw new InvalidRequestException("audio_file is required (WAV, MP3, FLAC or Ogg Opus).", "audio_file", "missing_audio_file");
        if (file.Length > audio.MaxUploadBytes)
            throw new PayloadTooLargeException($"audio_file is larger than max_upload_size_mb ({audio.MaxUploadBytes / (1024.0 * 1024.0):0.##} MB).", "audio_file");
        var bytes = await VoicePromptResolver.ReadAllAsync(file, cancellationToken);
        var decoded = audio.Decode(bytes, audio.MaxUploadBytes, "audio_file");
        var voice = await store.SaveAsync(name, transcription, decoded, overwrite, cancellationToken);
        return TypedResults.Created($"/v1/zipvoice/voices/{voice.Name}", ToInfo(voice));
    }

    private static ZipVoiceInfo ToInfo(StoredVoice voice) => new(voice.Name, voice.Transcription,
        new ZipVoiceAudioInfo(voice.Duration, voice.SampleRate, voice.Channels, voice.Samples, Path.GetExtension(voice.AudioFile)));

    private static string? Text(IFormCollection form, string key) =>
        form.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    private static bool? ParseBool(IFormCollection form, string key) => Text(form, key)?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        var other => throw new InvalidRequestException($"{key} must be true or false (got '{other}').", key, "invalid_boolean"),
    };
}
