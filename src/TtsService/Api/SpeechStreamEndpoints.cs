using TtsService.Observability;
using System.Net.WebSockets;
using TtsService.Api.Streaming;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Voices;

namespace TtsService.Api;

/// <summary>
/// Speech for text that is still arriving, over WebSockets: the service's own protocol at
/// <c>/v1/audio/speech/stream</c> (<see cref="SpeechStreamProtocol"/>) and ElevenLabs' <c>stream-input</c> at
/// <c>/v1/text-to-speech/{voice_id}/stream-input</c> (<see cref="ElevenLabsStreamInput"/>). Both are synthesis routes:
/// admitted by expected wait at the upgrade (429 with Retry-After before any socket exists) and behind the API key.
/// A session has its own time limits (<c>stream_*</c> settings), so the whole-request timeout does not apply.
/// </summary>
public static class SpeechStreamEndpoints
{
    public static RouteGroupBuilder MapSpeechStreams(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audio/speech/stream", StreamAsync)
            .AdmittedByExpectedWait()
            .DisableRequestTimeout()
            .WithTags("Speech")
            .WithName("StreamSpeechSession")
            .WithSummary("WebSocket: speak text while it is still arriving")
            .WithDescription("Upgrade to a WebSocket (subprotocol tts-stream.v1 optional). Client messages: {type: start, ...speech fields, audio_transport: binary|base64}, " +
                             "{type: text, text, flush?}, {type: flush}, {type: end}, {type: cancel}. Server: started, audio (binary frames or {type: audio}), " +
                             "chunk {index, text, start_time, end_time, timestamps, timestamp_source}, flushed, cancelled, done, error {error: {message, type, param, code}}. " +
                             "See README, 'Streaming text in'. Plain HTTP gets 400.")
            .ProducesErrors(400, 429);
        v1.MapGet("/text-to-speech/{voice_id}/stream-input", ElevenLabsAsync)
            .AdmittedByExpectedWait()
            .DisableRequestTimeout()
            .WithMetadata(ApiKeyInFirstMessage.Instance)
            .WithTags("Speech")
            .WithName("ElevenLabsStreamInput")
            .WithSummary("WebSocket: ElevenLabs-compatible stream-input")
            .WithDescription("ElevenLabs' text-to-speech WebSocket: the first message {text: \" \", voice_settings, generation_config, xi_api_key}, then {text, try_trigger_generation?, flush?}, " +
                             "and {text: \"\"} to end. Server: {audio (base64), isFinal, alignment, normalizedAlignment}. Query: model_id, output_format (pcm_8000 … pcm_48000, " +
                             "mp3_22050_32, mp3_24000_48, mp3_44100_*, opus_48000_*), inactivity_timeout. voice_id is any Kokoro voice or registered ZipVoice voice.")
            .ProducesErrors(400, 404, 429);
        v1.MapGet("/text-to-speech/{voice_id}/multi-stream-input", ElevenLabsMultiAsync)
            .AdmittedByExpectedWait()
            .DisableRequestTimeout()
            .WithMetadata(ApiKeyInFirstMessage.Instance)
            .WithTags("Speech")
            .WithName("ElevenLabsMultiStreamInput")
            .WithSummary("WebSocket: ElevenLabs-compatible multi-stream-input (contexts)")
            .WithDescription("As stream-input, with context_id on every message: a context opens with its first message, {context_id, close_context: true} ends it " +
                             "(its audio then {isFinal: true, contextId}), {close_socket: true} ends them all. Up to 5 contexts open at once. Used by LiveKit Agents.")
            .ProducesErrors(400, 404, 429);
        return v1;
    }

    private static async Task StreamAsync(HttpContext http, BackendManager backends, AudioEncoderFactory encoders, TtsSettings settings, ILoggerFactory logs,
        IHostApplicationLifetime lifetime, StreamingMetrics metrics)
    {
        using var socket = await AcceptAsync(http, SpeechStreamProtocol.SubProtocol);
        var session = new SessionSocket(socket);
        var protocol = new SpeechStreamProtocol(session, backends, encoders, settings, metrics, http.SpeechWork());
        await new SessionRunner(session, protocol, settings, logs.CreateLogger(typeof(SpeechStreamProtocol)), metrics).RunAsync(http.RequestAborted, lifetime.ApplicationStopping);
    }

    private static Task ElevenLabsAsync(HttpContext http, string voice_id, BackendManager backends, AudioEncoderFactory encoders,
        TtsSettings settings, ApiKeyVerifier keys, IServiceProvider services, ILoggerFactory logs, IHostApplicationLifetime lifetime) =>
        RunElevenLabsAsync(http, voice_id, backends, encoders, settings, keys, services, logs, lifetime, multiContext: false);

    private static Task ElevenLabsMultiAsync(HttpContext http, string voice_id, BackendManager backends, AudioEncoderFactory encoders,
        TtsSettings settings, ApiKeyVerifier keys, IServiceProvider services, ILoggerFactory logs, IHostApplicationLifetime lifetime) =>
        RunElevenLabsAsync(http, voice_id, backends, encoders, settings, keys, services, logs, lifetime, multiContext: true);

    private static async Task RunElevenLabsAsync(HttpContext http, string voice_id, BackendManager backends, AudioEncoderFactory encoders,
        TtsSettings settings, ApiKeyVerifier keys, IServiceProvider services, ILoggerFactory logs, IHostApplicationLifetime lifetime, bool multiContext)
    {
        // Everything the query decides is checked before the upgrade, so a bad output_format or voice is a plain HTTP error.
        var query = http.Request.Query;
        var output = ElevenLabsOutputFormat.Parse(query["output_format"]);
        var model = ElevenLabsStreamInput.ChooseModel(voice_id, query["model_id"], backends, services.GetService<VoicePromptStore>(), settings);
        var idle = ElevenLabsStreamInput.InactivityTimeout(query["inactivity_timeout"], settings);
        var keyPending = keys.Required && http.Items.ContainsKey(ApiKeyMiddleware.KeyNotYetPresented);
        using var socket = await AcceptAsync(http, null);
        var session = new SessionSocket(socket);
        var metrics = services.GetRequiredService<StreamingMetrics>();
        var protocol = new ElevenLabsStreamInput(session, voice_id, model, output, idle, query["language_code"], backends, encoders, settings,
            keyPending ? keys : null, multiContext, metrics, http.SpeechWork());
        await new SessionRunner(session, protocol, settings, logs.CreateLogger(typeof(ElevenLabsStreamInput)), metrics).RunAsync(http.RequestAborted, lifetime.ApplicationStopping);
    }

    private static Task<WebSocket> AcceptAsync(HttpContext http, string? subProtocol)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            throw new InvalidRequestException("This route is a WebSocket: connect with a WebSocket client (GET with Upgrade: websocket).", null, "websocket_required");
        // Echo our subprotocol when offered (browsers then accept the handshake); never echo a key sent as a subprotocol.
        var chosen = subProtocol is not null && http.WebSockets.WebSocketRequestedProtocols.Contains(subProtocol) ? subProtocol : null;
        return http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = chosen, KeepAliveInterval = TimeSpan.FromSeconds(20) });
    }
}
