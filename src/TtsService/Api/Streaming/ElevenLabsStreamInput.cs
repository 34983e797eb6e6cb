using TtsService.Observability;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Speech;
using TtsService.Text;
using TtsService.Voices;

namespace TtsService.Api.Streaming;

/// <summary>
/// ElevenLabs' text-to-speech WebSocket (<c>/v1/text-to-speech/{voice_id}/stream-input</c>), as its API reference
/// describes it, on the same <see cref="SpeechSession"/> as the service's own protocol. Client: a first message with
/// <c>text: " "</c>, <c>voice_settings</c>, <c>generation_config</c> and optionally <c>xi_api_key</c>/<c>authorization</c>;
/// then <c>{text, try_trigger_generation, flush}</c>; <c>{text: ""}</c> ends the input. Server: <c>{audio, isFinal,
/// normalizedAlignment, alignment}</c> per chunk (character times in ms from the chunk's start), then
/// <c>{audio: null, isFinal: true}</c>; errors as <c>{message, error, code}</c>.
/// <para>
/// What maps and what does not: <c>voice_settings.speed</c> is the speaking rate; stability, similarity and style
/// have no counterpart in these models and are accepted and ignored; <c>chunk_length_schedule</c> is ignored, since
/// the service cuts at clause ends (<see cref="IncrementalTextSplitter"/>) instead of character counts. Both
/// alignments carry the text as spoken (after normalization): "$5" is aligned as "five dollars".
/// </para>
/// </summary>
public sealed class ElevenLabsStreamInput(
    SessionSocket socket, string voiceId, string model, ElevenLabsOutputFormat output, TimeSpan idleTimeout, string? languageCode,
    BackendManager backends, AudioEncoderFactory encoders, TtsSettings settings, ApiKeyVerifier? keyToCheck, bool multiContext = false,
    StreamingMetrics? metrics = null, SpeechWork? work = null) : IStreamProtocol
{
    /// <summary>Contexts one multi-stream-input socket may have open at once (ElevenLabs allows five).</summary>
    public const int MaxContexts = 5;

    private SpeechRequest? _template;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Route => multiContext ? "elevenlabs_multi_stream_input" : "elevenlabs_stream_input";

    public int FirstMessageLimit => settings.StreamMaxMessageBytes;

    public TimeSpan IdleTimeout => idleTimeout;

    /// <summary>The model for a voice: an explicit model id of this service, else the ZipVoice model for a registered ZipVoice voice that is not a Kokoro voice, else the default.</summary>
    public static string ChooseModel(string voiceId, string? modelId, BackendManager backends, VoicePromptStore? store, TtsSettings settings)
    {
        var id = string.IsNullOrWhiteSpace(modelId) ? null : backends.ModelId(modelId);
        if (id is null || !(ModelCatalog.KokoroModels.Contains(id) || ModelCatalog.IsZipVoice(id)))
        {
            // No model, or an ElevenLabs model id (eleven_flash_v2_5, ...): this service's choice for the voice.
            var registered = store?.List().Any(v => string.Equals(v.Name, voiceId, StringComparison.Ordinal)) == true;
            var kokoroVoice = backends.Statuses.Any(s => s.Name == ModelCatalog.Kokoro && s.State == BackendState.Ready)
                              && backends.Get<Inference.Kokoro.KokoroBackend>().Voices.Contains(voiceId);
            id = registered && !kokoroVoice ? settings.ZipvoiceModel.Trim().ToLowerInvariant() : backends.ModelId(null);
        }
        // Check the model and voice before the upgrade: an unknown one is a plain 404 (Kokoro resolves its voice at once).
        _ = backends.Speak(new SpeechRequest { Model = id, Voice = voiceId, Input = "." }, CancellationToken.None);
        return id;
    }

    /// <summary>ElevenLabs' <c>inactivity_timeout</c> (seconds, default 20, at most 180), within the service's own limit.</summary>
    public static TimeSpan InactivityTimeout(string? value, TtsSettings settings)
    {
        var seconds = 20.0;
        if (!string.IsNullOrWhiteSpace(value))
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds is <= 0 or > 180)
                throw new InvalidRequestException($"inactivity_timeout must be a number of seconds from 1 to 180 (got '{value}').", "inactivity_timeout", "invalid_inactivity_timeout");
        }
        return TimeSpan.FromSeconds(Math.Min(seconds, settings.StreamMaxSessionSeconds));
    }

    public Task<IStreamSession> StartAsync(ClientMessage first, CancellationToken cancellationToken)
    {
        var document = Parse(first);
        var root = document.RootElement;
        try
        {
            if (keyToCheck is not null)
            {
                var key = String(root, "xi_api_key") ?? (String(root, "authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..] : null);
                if (!keyToCheck.IsValid(key))
                    throw new UnauthorizedException(key is null ? "Missing API key: send xi-api-key (header), or xi_api_key in the first message." : "Incorrect API key provided.");
            }
            float? speed = null;
            if (root.TryGetProperty("voice_settings", out var voiceSettings) && voiceSettings.ValueKind == JsonValueKind.Object
                && voiceSettings.TryGetProperty("speed", out var s) && s.ValueKind == JsonValueKind.Number)
                speed = s.GetSingle();
            var request = new SpeechRequest
            {
                Model = model,
                Voice = voiceId,
                Speed = speed,
                LangCode = KokoroLangCodes.Normalize(languageCode) is { Length: 1 } letter ? letter : null,
                Input = "start",
            };
            RequestRules<SpeechRequest>.Check(request);
            request.Validate(settings);
            _template = request with { Input = null, Stream = true };
            IStreamSession stream = multiContext ? new ContextSessions(NewSession, MaxContexts) : NewSession(null);
            // The reference's first message is a single space (and, with contexts, opens one); any words in it are spoken.
            Apply(document, stream);
            return Task.FromResult(stream);
        }
        finally { document.Dispose(); }
    }

    private SpeechSession NewSession(string? contextId) =>
        new(_template!, new SessionAudio(output.Format, output.SampleRate), backends, encoders, new ElevenLabsSink(socket, contextId), settings, metrics: metrics, work: work);

    public void Handle(ClientMessage message, IStreamSession stream)
    {
        var root = Parse(message);
        try { Apply(root, stream); }
        finally { root.Dispose(); }
    }

    /// <summary>One client message: text (empty ends the input, or with contexts flushes), flush, try_trigger_generation; with contexts also close_context and close_socket.</summary>
    private static void Apply(JsonDocument document, IStreamSession stream)
    {
        var root = document.RootElement;
        if (stream is ContextSessions contexts)
        {
            if (Bool(root, "close_socket"))
            {
                contexts.EndInput();
                return;
            }
            var id = String(root, "context_id") ?? ContextSessions.DefaultContext;
            if (Bool(root, "close_context"))
            {
                contexts.Close(id);
                return;
            }
            var contextText = String(root, "text");
            if (contextText is null && !Bool(root, "flush")) return; // keep-alive or settings only
            var context = contexts.Context(id);
            if (!string.IsNullOrEmpty(contextText)) context.Append(contextText);
            if (Bool(root, "flush") || contextText == "") context.Flush();
            else if (Bool(root, "try_trigger_generation")) context.Trigger();
            return;
        }
        var session = (SpeechSession)stream;
        var text = String(root, "text")
            ?? throw new InvalidRequestException("A message needs \"text\" (\"\" ends the input).", "text", "invalid_text");
        if (text.Length == 0)
        {
            session.EndInput();
            return;
        }
        if (string.IsNullOrWhiteSpace(text) && session.Characters == 0) return; // the opening " "
        session.Append(text);
        if (Bool(root, "flush")) session.Flush();
        else if (Bool(root, "try_trigger_generation")) session.Trigger();
    }

    private static JsonDocument Parse(ClientMessage message)
    {
        if (message.Type != WebSocketMessageType.Text)
            throw new SessionCloseException(SessionCloseCodes.UnsupportedData, "unsupported_data", "Messages are JSON text frames.");
        var document = JsonDocument.Parse(message.Data);
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        throw new InvalidRequestException("Each message must be a JSON object.", null, "invalid_message");
    }

    public Task SendErrorAsync(ErrorResponses.ErrorDetail error, int closeCode, CancellationToken cancellationToken) =>
        socket.SendJsonAsync(new ErrorMessage(error.Message, error.Code, closeCode), Json, cancellationToken);

    /// <summary>One session's (or context's) audio as ElevenLabs' messages.</summary>
    private sealed class ElevenLabsSink(SessionSocket socket, string? contextId) : ISpeechSessionSink
    {
        public Task ChunkAsync(SessionChunk chunk, CancellationToken cancellationToken)
        {
            var alignment = Alignment(chunk);
            return socket.SendJsonAsync(new AudioOutput(Convert.ToBase64String(chunk.Audio.Span), false, alignment, alignment, contextId), Json, cancellationToken);
        }

        // ElevenLabs has no flush or cancel acknowledgement on stream-input.
        public Task FlushedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CancelledAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task DoneAsync(ReadOnlyMemory<byte> trailer, SessionSummary summary, CancellationToken cancellationToken)
        {
            if (!trailer.IsEmpty)
                await socket.SendJsonAsync(new AudioOutput(Convert.ToBase64String(trailer.Span), false, null, null, contextId), Json, cancellationToken);
            await socket.SendJsonAsync(new FinalOutput(null, true, contextId), Json, cancellationToken);
        }
    }

    /// <summary>
    /// Character times of a chunk, in ms from its start: a word's letters share its time evenly, the characters between
    /// two words share the gap between them.
    /// </summary>
    internal static CharacterAlignment Alignment(SessionChunk chunk)
    {
        // A trailing space, as ElevenLabs' own alignment has, so a client joining the messages' characters gets words apart.
        var text = chunk.Text.Length > 0 && !char.IsWhiteSpace(chunk.Text[^1]) ? chunk.Text + " " : chunk.Text;
        var duration = (chunk.EndTime - chunk.StartTime) * 1000;
        var starts = new double[text.Length];
        var lengths = new double[text.Length];
        // Spans of the chunk's words in its text (the timestamps follow WordTimestamps.Words, in order).
        var spans = new List<(int Start, int End, double From, double To)>();
        var cursor = 0;
        foreach (var word in chunk.Words)
        {
            var at = text.IndexOf(word.Word, cursor, StringComparison.Ordinal);
            if (at < 0) break;
            spans.Add((at, at + word.Word.Length, (word.StartTime - chunk.StartTime) * 1000, (word.EndTime - chunk.StartTime) * 1000));
            cursor = at + word.Word.Length;
        }
        if (spans.Count == 0)
        {
            for (var i = 0; i < text.Length; i++) (starts[i], lengths[i]) = (duration * i / Math.Max(1, text.Length), duration / Math.Max(1, text.Length));
        }
        else
        {
            void Share(int from, int to, double t0, double t1)
            {
                var n = to - from;
                for (var i = 0; i < n; i++) (starts[from + i], lengths[from + i]) = (t0 + (t1 - t0) * i / n, (t1 - t0) / n);
            }
            var previousEnd = 0;
            var previousTime = 0.0;
            foreach (var (start, end, from, to) in spans)
            {
                if (start > previousEnd) Share(previousEnd, start, previousTime, Math.Max(previousTime, from));
                Share(start, end, from, Math.Max(from, to));
                previousEnd = end;
                previousTime = Math.Max(from, to);
            }
            if (previousEnd < text.Length) Share(previousEnd, text.Length, previousTime, Math.Max(previousTime, duration));
        }
        return new CharacterAlignment(
            starts.Select(t => (int)Math.Round(t)).ToArray(),
            lengths.Select(t => (int)Math.Round(t)).ToArray(),
            text.Select(c => c.ToString()).ToArray());
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    internal sealed record CharacterAlignment(
        [property: JsonPropertyName("charStartTimesMs")] int[] CharStartTimesMs,
        [property: JsonPropertyName("charsDurationsMs")] int[] CharsDurationsMs,
        [property: JsonPropertyName("chars")] string[] Chars);

    private sealed record AudioOutput(
        [property: JsonPropertyName("audio")] string Audio,
        [property: JsonPropertyName("isFinal")] bool? IsFinal,
        [property: JsonPropertyName("normalizedAlignment")] CharacterAlignment? NormalizedAlignment,
        [property: JsonPropertyName("alignment")] CharacterAlignment? Alignment,
        [property: JsonPropertyName("contextId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContextId = null);

    private sealed record FinalOutput(
        [property: JsonPropertyName("audio")] string? Audio,
        [property: JsonPropertyName("isFinal")] bool IsFinal,
        [property: JsonPropertyName("contextId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContextId = null);

    private sealed record ErrorMessage(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("code")] int Code);
}

/// <summary>ElevenLabs' <c>output_format</c> (<c>codec_rate[_kbps]</c>) as one of this service's encoders at a rate.</summary>
public sealed record ElevenLabsOutputFormat(AudioFormat Format, int SampleRate)
{
    private static readonly int[] PcmRates = [8000, 16000, 22050, 24000, 32000, 44100, 48000];
    private static readonly int[] Mp3Rates = [22050, 24000, 44100];

    public const string Supported = "pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_32000, pcm_44100, pcm_48000, mp3_22050_32, mp3_24000_48, mp3_44100_32 … mp3_44100_192, opus_48000_32 … opus_48000_192";

    /// <summary>Parses the query value; absent means ElevenLabs' default, mp3 at 44.1 kHz.</summary>
    /// <remarks>The mp3 bitrate in the name is accepted, but the encoder's own rate (64 kbit/s mono) is what is sent.</remarks>
    public static ElevenLabsOutputFormat Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return new(AudioFormat.Mp3, 44100);
        var parts = value.Trim().ToLowerInvariant().Split('_');
        if (parts.Length is 2 or 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
        {
            switch (parts[0])
            {
                case "pcm" when parts.Length == 2 && PcmRates.Contains(rate): return new(AudioFormat.Pcm, rate);
                case "mp3" when parts.Length == 3 && Mp3Rates.Contains(rate): return new(AudioFormat.Mp3, rate);
                case "opus" when parts.Length == 3 && rate == 48000: return new(AudioFormat.Opus, 24000); // Opus is 48 kHz on the wire whatever goes in
            }
        }
        throw new InvalidRequestException($"output_format '{value}' cannot be produced here; supported: {Supported}. (μ-law and A-law are not.)",
            "output_format", "unsupported_output_format");
    }
}
