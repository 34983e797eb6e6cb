using TtsService.Audio;
using TtsService.Speech;

namespace TtsService.Api;

/// <summary>How encoded audio is put on the wire.</summary>
public enum AudioFraming
{
    /// <summary>The audio file's bytes (OpenAI's default).</summary>
    Raw,
    /// <summary>OpenAI's <c>stream_format: "sse"</c>: <c>speech.audio.delta</c> events with base64 audio, then <c>speech.audio.done</c>.</summary>
    ServerSentEvents,
    /// <summary>Kokoro-FastAPI's captioned speech: JSON with base64 audio and word timestamps (one object, or one line per chunk when streamed).</summary>
    Captioned,
}

/// <summary>What <see cref="AudioResponseWriter"/> sends for one request.</summary>
/// <param name="Stream">Send each chunk as soon as it is made; otherwise gather, then encode once with the length known.</param>
/// <param name="FileStem">Content-Disposition file name, without extension.</param>
/// <param name="SaveCopy">Also keep the file for <c>GET /v1/download/...</c> (<c>return_download_link</c>).</param>
/// <param name="CopyFormat">Format of the saved copy (Kokoro-FastAPI's <c>download_format</c>); the response's when null.</param>
/// <param name="Timestamps">Captioned framing: include word timestamps (Kokoro-FastAPI's <c>return_timestamps</c>).</param>
public sealed record AudioOutput(
    AudioFormat Format,
    bool Stream,
    float Volume = 1f,
    AudioFraming Framing = AudioFraming.Raw,
    string FileStem = "speech",
    bool SaveCopy = false,
    AudioFormat? CopyFormat = null,
    bool Timestamps = true)
{
    /// <summary>The output a speech request asks for (format, streaming or SSE, volume, download copy).</summary>
    public static AudioOutput For(SpeechRequest request) => new(
        request.Format,
        request.IsStreamed,
        request.EffectiveVolume,
        request.IsSse ? AudioFraming.ServerSentEvents : AudioFraming.Raw,
        SaveCopy: request.ReturnDownloadLink == true,
        CopyFormat: request.DownloadFileFormat);
}
