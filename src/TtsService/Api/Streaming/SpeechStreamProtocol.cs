using TtsService.Observability;
using System.Net.WebSockets;
using System.Text.Json;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Speech;
using TtsService.Text;

namespace TtsService.Api.Streaming;

/// <summary>
/// The service's own streaming protocol on <c>/v1/audio/speech/stream</c> (README, "Streaming text in"). Client
/// messages are JSON text frames with a <c>type</c>: <c>start</c> (the fields of <c>/v1/audio/speech</c> except
/// <c>input</c>, which may carry the first text, plus <c>audio_transport</c>), <c>text</c>, <c>flush</c>, <c>end</c>,
/// <c>cancel</c>. The server answers <c>started</c>, then per chunk the audio (a binary frame, or an <c>audio</c>
/// event with base64) followed by a <c>chunk</c> event with its words (the captioned route's
/// <c>timestamps</c>/<c>timestamp_source</c>, in seconds of the session's audio), <c>flushed</c>, <c>cancelled</c>,
/// <c>done</c>, and <c>error</c> with the service's error object.
/// </summary>
public sealed class SpeechStreamProtocol(
    SessionSocket socket, BackendManager backends, AudioEncoderFactory encoders, TtsSettings settings, StreamingMetrics? metrics = null,
    SpeechWork? work = null) : IStreamProtocol, ISpeechSessionSink
{
    public const string SubProtocol = "tts-stream.v1";

    private static readonly JsonSerializerOptions Json = ErrorResponses.JsonOptions;
    private bool _base64;
    private AudioFormat _format;

    public string Route => "speech_stream";

    public int FirstMessageLimit => (int)Math.Min(int.MaxValue, BodySizeLimits.Base64PromptBody(settings));

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(settings.StreamIdleTimeoutSeconds);

    public async Task<IStreamSession> StartAsync(ClientMessage first, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(first.Data);
        if (TypeOf(document.RootElement) != "start")
            throw new InvalidRequestException("The first message must be {\"type\": \"start\", ...} with the speech fields (model, voice, response_format, ...).", "type", "start_expected");
        // The speech request's own fields (type and audio_transport are not among them, so they are ignored).
        var request = document.RootElement.Deserialize<SpeechRequest>(Json) ?? new SpeechRequest();
        var transport = document.RootElement.TryGetProperty("audio_transport", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        // The speech route's own checks; the text comes later.
        var checkable = request with { Input = "start" };
        RequestRules<SpeechRequest>.Check(checkable);
        checkable.Validate(settings);
        _format = request.ResponseFormat is null ? AudioFormat.Pcm : request.Format;
        if (!encoders.IsAvailable(_format))
            throw new BackendUnavailableException($"response_format '{_format.FileExtension()}' needs a codec that is not installed here.", "response_format", "codec_unavailable");
        _base64 = transport?.Trim().ToLowerInvariant() switch
        {
            null or "binary" => false,
            "base64" => true,
            _ => throw new InvalidRequestException($"audio_transport must be 'binary' or 'base64' (got '{transport}').", "audio_transport", "invalid_audio_transport"),
        };
        var template = request with { Input = null, Stream = true, StreamFormat = null, ReturnDownloadLink = null };
        // Unknown model (404), backend not ready (503) or unknown Kokoro voice (404) now, before any text.
        _ = backends.Speak(template with { Input = "." }, cancellationToken);
        var session = new SpeechSession(template, new SessionAudio(_format, Volume: request.EffectiveVolume), backends, encoders, this, settings, metrics: metrics, work: work);
        await socket.SendJsonAsync(new Started("started", backends.ModelId(request.Model), _format.FileExtension(), _format.ContentType(),
            _base64 ? "base64" : "binary"), Json, cancellationToken);
        if (!string.IsNullOrEmpty(request.Input)) session.Append(request.Input);
        return session;
    }

    public void Handle(ClientMessage message, IStreamSession stream)
    {
        var session = (SpeechSession)stream;
        if (message.Type != WebSocketMessageType.Text)
            throw new SessionCloseException(SessionCloseCodes.UnsupportedData, "unsupported_data", "Messages from the client are JSON text frames.");
        using var document = JsonDocument.Parse(message.Data);
        var root = document.RootElement;
        switch (TypeOf(root))
        {
            case "text":
                if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    throw new InvalidRequestException("A text message needs \"text\": a string.", "text", "invalid_text");
                session.Append(text.GetString()!);
                if (root.TryGetProperty("flush", out var flush) && flush.ValueKind == JsonValueKind.True) session.Flush();
                break;
            case "flush":
                session.Flush();
                break;
            case "end":
                session.EndInput();
                break;
            case "cancel":
                session.Cancel();
                break;
            case "start":
                throw new InvalidRequestException("The session has already started.", "type", "already_started");
            case var other:
                throw new InvalidRequestException($"Unknown message type '{other}'; expected text, flush, end or cancel.", "type", "unknown_message_type");
        }
    }

    public Task SendErrorAsync(ErrorResponses.ErrorDetail error, int closeCode, CancellationToken cancellationToken) =>
        socket.SendJsonAsync(new ErrorEvent("error", error, closeCode), Json, cancellationToken);

    public async Task ChunkAsync(SessionChunk chunk, CancellationToken cancellationToken)
    {
        await SendAudioAsync(chunk.Audio, cancellationToken);
        await socket.SendJsonAsync(new ChunkEvent("chunk", chunk.Index, chunk.Text, Round(chunk.StartTime), Round(chunk.EndTime),
            chunk.Words, chunk.TimestampSource, chunk.SampleRate, chunk.Channels, chunk.Phonemes), Json, cancellationToken);
    }

    public Task FlushedAsync(CancellationToken cancellationToken) => socket.SendJsonAsync(new Event("flushed"), Json, cancellationToken);

    public Task CancelledAsync(CancellationToken cancellationToken) => socket.SendJsonAsync(new Event("cancelled"), Json, cancellationToken);

    public async Task DoneAsync(ReadOnlyMemory<byte> trailer, SessionSummary summary, CancellationToken cancellationToken)
    {
        await SendAudioAsync(trailer, cancellationToken);
        await socket.SendJsonAsync(new DoneEvent("done", summary.Chunks, Round(summary.AudioSeconds), summary.Characters), Json, cancellationToken);
    }

    private Task SendAudioAsync(ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        if (audio.IsEmpty) return Task.CompletedTask;
        return _base64
            ? socket.SendJsonAsync(new AudioEvent("audio", Convert.ToBase64String(audio.Span), _format.FileExtension()), Json, cancellationToken)
            : socket.SendAsync(audio, WebSocketMessageType.Binary, cancellationToken);
    }

    private static string TypeOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new InvalidRequestException("Every message is a JSON object with a \"type\".", "type", "missing_type");

    private static double Round(double seconds) => Math.Round(seconds, 3);

    private sealed record Event(string Type);
    private sealed record Started(string Type, string Model, string AudioFormat, string ContentType, string AudioTransport);
    private sealed record AudioEvent(string Type, string Audio, string AudioFormat);
    private sealed record ChunkEvent(string Type, int Index, string Text, double StartTime, double EndTime,
        IReadOnlyList<WordTimestamp> Timestamps, string TimestampSource, int SampleRate, int Channels, string? Phonemes);
    private sealed record DoneEvent(string Type, int Chunks, double AudioSeconds, int Characters);
    private sealed record ErrorEvent(string Type, ErrorResponses.ErrorDetail Error, int CloseCode);
}
