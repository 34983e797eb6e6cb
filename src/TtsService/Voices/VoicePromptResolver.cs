using System.Security.Cryptography;
using System.Text;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>
/// Turns a request's <c>voice</c> into prompt audio plus transcript: a registered name, <c>url+</c>,
/// <c>base64+</c> (or a <c>data:</c> URI), or <c>file+label</c> with an uploaded <c>prompt_wav_file</c>.
/// Decoded audio is cached by voice name + version, URL hash or content hash; callers must not modify
/// <see cref="VoicePrompt.Samples"/>, which may be shared with other requests.
/// </summary>
public sealed class VoicePromptResolver(
    VoicePromptStore store,
    PromptCache cache,
    PromptAudio audio,
    PromptDownloader downloader,
    TtsSettings settings,
    ILogger<VoicePromptResolver> logger) : IVoicePromptResolver
{
    private const string Param = "voice";

    public async Task<VoicePrompt> ResolveAsync(string voice, string? promptText, IFormFile? promptFile, CancellationToken cancellationToken)
    {
        voice = voice?.Trim() ?? "";
        if (voice.Length == 0)
            throw new InvalidRequestException("voice is required: a registered voice name, url+https://..., base64+<data> or file+<label> with prompt_wav_file.", Param, "missing_voice");
        var text = string.IsNullOrWhiteSpace(promptText) ? null : promptText.Trim();

        if (HasPrefix(voice, "url+")) return await FromUrlAsync(voice[4..].Trim(), RequireText(text, "url+"), cancellationToken);
        if (HasPrefix(voice, "base64+")) return FromBase64(voice[7..].Trim(), RequireText(text, "base64+"));
        if (HasPrefix(voice, "data:")) return FromBase64(voice, RequireText(text, "data:"));
        if (HasPrefix(voice, "file+")) return await FromFileAsync(promptFile, RequireText(text, "file+"), cancellationToken);
        return FromRegistered(voice, text);
    }

    private VoicePrompt FromRegistered(string name, string? text)
    {
        var stored = store.Get(name, Param);
        if (Cached(stored.CacheKey, text ?? stored.Transcription) is { } hit) return hit;
        DecodedAudio decoded;
        try { decoded = store.LoadAudio(stored, audio.Decoder); }
        catch (UnprocessableException e) when (e.Code == "voice_unreadable" && store.Get(name, Param).Version != stored.Version)
        {
            // Overwritten while we read it: its old audio is gone, the new one is in place.
            stored = store.Get(name, Param);
            decoded = store.LoadAudio(stored, audio.Decoder);
        }
        Remember(stored.CacheKey, decoded);
        return new VoicePrompt(decoded.Samples, text ?? stored.Transcription, stored.CacheKey) { Stereo = decoded.Stereo };
    }

    private async Task<VoicePrompt> FromUrlAsync(string raw, string text, CancellationToken cancellationToken)
    {
        if (!settings.ZipvoiceAllowUrlDownload)
            throw new InvalidRequestException("URL prompts are disabled on this server (zipvoice_allow_url_download=false).", Param, "url_prompts_disabled");
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url))
            throw new InvalidRequestException("The text after url+ is not an absolute URL.", Param, "invalid_url");
        PromptDownloader.CheckUrl(url);
        var key = "url:" + Hash(Encoding.UTF8.GetBytes(url.AbsoluteUri));
        if (Cached(key, text) is { } hit) return hit;
        var bytes = await downloader.DownloadAsync(url, cancellationToken);
        var decoded = audio.Decode(bytes, bytes.Length, Param);
        Remember(key, decoded);
        return new VoicePrompt(decoded.Samples, text, key) { Stereo = decoded.Stereo };
    }

    private VoicePrompt FromBase64(string payload, string text)
    {
        if (!settings.ZipvoiceAllowBase64)
            throw new InvalidRequestException("Base64 prompts are disabled on this server (zipvoice_allow_base64=false).", Param, "base64_prompts_disabled");
        if (HasPrefix(payload, "data:"))
        {
            // data:[<mime>][;base64],<data>
            var comma = payload.IndexOf(',');
            if (comma < 0 || !payload.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw new InvalidRequestException("A data: URI prompt must be base64 encoded (data:audio/wav;base64,...).", Param, "invalid_base64");
            payload = payload[(comma + 1)..];
        }
        var maxBytes = audio.MaxUploadBytes;
        // Checked before decoding so an oversized string never becomes an oversized array.
        if ((long)payload.Length / 4 * 3 > maxBytes + 3)
            throw new PayloadTooLargeException($"The base64 prompt decodes to more than max_upload_size_mb ({settings.MaxUploadSizeMb:0.##} MB).", Param, "prompt_too_large");
        var bytes = DecodeBase64(payload);
        var key = "base64:" + Hash(bytes);
        if (Cached(key, text) is { } hit) return hit;
        var decoded = audio.Decode(bytes, maxBytes, Param);
        Remember(key, decoded);
        return new VoicePrompt(decoded.Samples, text, key) { Stereo = decoded.Stereo };
    }

    private async Task<VoicePrompt> FromFileAsync(IFormFile? file, string text, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
            throw new InvalidRequestException("voice file+<label> needs the audio as the multipart field prompt_wav_file.", "prompt_wav_file", "missing_prompt_file");
        var maxBytes = audio.MaxUploadBytes;
        if (file.Length > maxBytes)
            throw new PayloadTooLargeException($"prompt_wav_file is larger than max_upload_size_mb ({settings.MaxUploadSizeMb:0.##} MB).", "prompt_wav_file");
        var bytes = await ReadAllAsync(file, cancellationToken);
        var key = "file:" + Hash(bytes);
        if (Cached(key, text) is { } hit) return hit;
        var decoded = audio.Decode(bytes, maxBytes, "prompt_wav_file");
        Remember(key, decoded);
        logger.LogDebug("Decoded uploaded prompt {Label}: {Seconds:F2} s", file.FileName, decoded.Samples.Length / 24000.0);
        return new VoicePrompt(decoded.Samples, text, key) { Stereo = decoded.Stereo };
    }

    /// <summary>
    /// A two-channel recording is cached as one entry holding both its mono samples and its channels, under its key plus
    /// this suffix (same kind and prefix, so it clears and is dropped with the voice); a mono one as its samples alone.
    /// </summary>
    private const string StereoSuffix = "#stereo";

    private sealed record TwoChannelSamples(float[] Mono, float[] Stereo);

    private VoicePrompt? Cached(string key, string text)
    {
        if (cache.TryGet<TwoChannelSamples>(key + StereoSuffix, out var both)) return new VoicePrompt(both.Mono, text, key) { Stereo = both.Stereo };
        return cache.TryGet<float[]>(key, out var samples) ? new VoicePrompt(samples, text, key) : null;
    }

    private void Remember(string key, DecodedAudio decoded)
    {
        if (decoded.Stereo is { } stereo)
            cache.Set(key + StereoSuffix, new TwoChannelSamples(decoded.Samples, stereo), SizeOf(decoded.Samples) + SizeOf(stereo));
        else
            cache.Set(key, decoded.Samples, SizeOf(decoded.Samples));
    }

    public static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await using var stream = file.OpenReadStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static byte[] DecodeBase64(string payload)
    {
        // Accept the URL-safe alphabet and missing padding too; whitespace (line-wrapped base64) is ignored.
        var text = payload.Replace('-', '+').Replace('_', '/');
        text = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (text.Length % 4 != 0) text = text.PadRight(text.Length + 4 - text.Length % 4, '=');
        try { return Convert.FromBase64String(text); }
        catch (FormatException)
        {
            throw new InvalidRequestException("The text after base64+ is not valid base64.", Param, "invalid_base64");
        }
    }

    private static string RequireText(string? text, string form) => text
        ?? throw new InvalidRequestException($"prompt_text is required with {form} prompts: the exact words spoken in the prompt audio.", "prompt_text", "missing_prompt_text");

    private static bool HasPrefix(string value, string prefix) => value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static long SizeOf(float[] samples) => samples.LongLength * sizeof(float) + 64;
}
