using System.Buffers;
using System.Threading.Channels;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Speech;
using TtsService.Text;

namespace TtsService.Api.Streaming;

/// <summary>The audio a session sends: one file in <paramref name="Format"/> for the whole session.</summary>
/// <param name="SampleRate">Resample to this rate (the ElevenLabs route's <c>output_format</c>); null keeps the model's.</param>
public sealed record SessionAudio(AudioFormat Format, int? SampleRate = null, float Volume = 1f);

/// <summary>One synthesized chunk as sent: its encoded bytes and when its words are heard, in seconds of the session's audio.</summary>
public sealed record SessionChunk(
    int Index, ReadOnlyMemory<byte> Audio, string Text, double StartTime, double EndTime,
    IReadOnlyList<WordTimestamp> Words, string TimestampSource, int SampleRate, int Channels, string? Phonemes = null);

/// <summary>What a session sent in all.</summary>
public sealed record SessionSummary(int Chunks, double AudioSeconds, int Characters);

/// <summary>A protocol's side of a session: how each event is put on the wire.</summary>
public interface ISpeechSessionSink
{
    Task ChunkAsync(SessionChunk chunk, CancellationToken cancellationToken);
    /// <summary>Everything sent before a flush has been spoken and sent.</summary>
    Task FlushedAsync(CancellationToken cancellationToken);
    /// <summary>A cancel took effect: pending text and unsent audio were dropped.</summary>
    Task CancelledAsync(CancellationToken cancellationToken);
    /// <summary>End of input reached and all audio sent; <paramref name="trailer"/> is the encoder's closing bytes (may be empty).</summary>
    Task DoneAsync(ReadOnlyMemory<byte> trailer, SessionSummary summary, CancellationToken cancellationToken);
}

/// <summary>The session must close with <paramref name="CloseCode"/>.</summary>
public sealed class SessionCloseException(int closeCode, string code, string message) : Exception(message)
{
    public int CloseCode { get; } = closeCode;
    public string Code { get; } = code;
}

/// <summary>
/// Speaks text that is still arriving, whatever the wire protocol. Text goes through the
/// <see cref="IncrementalTextSplitter"/>; each complete piece is one speech request on the same
/// <see cref="BackendManager"/> path as <c>/v1/audio/speech</c> (normalization, phonemization, chunking, the
/// model queue), short-first as HTTP streaming when the listener has nothing left to play. One encoder serves
/// the whole session, so the stream is one valid file (one Ogg stream, one WAV header).
/// <para>
/// Three loops run side by side: synthesis (runs ahead of the client, but waits once
/// <c>stream_max_buffered_audio_seconds</c> of audio is produced and not yet taken by the transport), sending
/// (encodes and hands each chunk to the sink in order) and the max-wait timer. Cancelling drops pending text and
/// unsent audio and stops the model call in progress; the session stays open for more text.
/// </para>
/// </summary>
public sealed class SpeechSession : IStreamSession
{
    private readonly SpeechRequest _template;
    private readonly SessionAudio _output;
    private readonly BackendManager _backends;
    private readonly AudioEncoderFactory _encoders;
    private readonly ISpeechSessionSink _sink;
    private readonly TtsSettings _settings;
    private readonly TimeProvider _time;

    private readonly Lock _textLock = new();
    private readonly IncrementalTextSplitter _splitter = new();
    // Multi-reader channels only because those can count what waits in them (IsIdle).
    private readonly Channel<Segment> _segments = Channel.CreateUnbounded<Segment>();
    private readonly Channel<Item> _audio = Channel.CreateUnbounded<Item>();
    private int _generation;
    private bool _inputEnded;
    private int _characters;
    private long? _oldestPendingAt;
    private long? _firstTextAt;
    private CancellationTokenSource? _currentSynthesis;

    // Backpressure: seconds of audio produced and not yet taken by the transport.
    private readonly Lock _bufferLock = new();
    private double _buffered;
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The listener's clock: audio played in real time from the first byte, restarted when it ran dry.
    private readonly Lock _clockLock = new();
    private long? _playStart;
    private double _sentSeconds;

    private readonly StreamingMetrics? _metrics;
    /// <summary>The upgrade request's work record (admission): every piece's model calls are charged to it.</summary>
    private readonly SpeechWork _work;
    private string? _backend;
    private double _synthesizedSeconds;
    private int _unsent; // audio items made and not yet through the sender

    public SpeechSession(SpeechRequest template, SessionAudio output, BackendManager backends, AudioEncoderFactory encoders,
        ISpeechSessionSink sink, TtsSettings settings, TimeProvider? time = null, StreamingMetrics? metrics = null, SpeechWork? work = null)
    {
        _metrics = metrics;
        _work = work ?? SpeechWork.Untracked();
        _template = template;
        _output = output;
        _backends = backends;
        _encoders = encoders;
        _sink = sink;
        _settings = settings;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Seconds of audio synthesized so far (for tests and the bench: how far synthesis ran ahead).</summary>
    public double SynthesizedSeconds => Volatile.Read(ref _synthesizedSeconds);

    /// <summary>Seconds of audio handed to the transport so far.</summary>
    public double SentSeconds { get { lock (_clockLock) return _sentSeconds; } }

    /// <summary>Times synthesis stopped to wait for the client to read.</summary>
    public int BackpressurePauses { get; private set; }

    /// <summary>Times the listener's audio ran out while the next text had already arrived.</summary>
    public int Underruns { get; private set; }

    public int Characters { get { lock (_textLock) return _characters; } }

    public bool InputEnded { get { lock (_textLock) return _inputEnded; } }

    /// <summary>Nothing is pending: no text waiting, no audio being made or sent (the idle timer may run).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_textLock)
                if (_splitter.HasPending || _currentSynthesis is not null || _segments.Reader.Count > 0) return false;
            return Volatile.Read(ref _unsent) == 0 && _audio.Reader.Count == 0;
        }
    }

    /// <summary>More text; complete pieces start synthesis at once.</summary>
    /// <exception cref="SessionCloseException">The session's text is over <c>stream_max_text_chars</c>.</exception>
    public void Append(string text)
    {
        if (text.Length == 0) return;
        lock (_textLock)
        {
            if (_inputEnded) throw new InvalidRequestException("Text after the end of input.", "text", "input_ended");
            if (_characters + text.Length > _settings.StreamMaxTextChars)
                throw new SessionCloseException(SessionCloseCodes.TextLimit, "text_limit",
                    $"The session's text would be {_characters + text.Length} characters; the limit is {_settings.StreamMaxTextChars} (stream_max_text_chars).");
            _characters += text.Length;
            var now = _time.GetTimestamp();
            if (_firstTextAt is null && !string.IsNullOrWhiteSpace(text)) _firstTextAt = now;
            if (!_splitter.HasPending) _oldestPendingAt = now;
            _splitter.Append(text);
            var cut = false;
            while (_splitter.NextComplete() is { } piece)
            {
                Enqueue(piece);
                cut = true;
            }
            if (!_splitter.HasPending) _oldestPendingAt = null;
            else if (cut) _oldestPendingAt = now;
        }
    }

    /// <summary>Speak up to a safe word boundary now, as the max-wait timer would (ElevenLabs' <c>try_trigger_generation</c>).</summary>
    public void Trigger()
    {
        lock (_textLock)
        {
            if (_inputEnded) return;
            if (_splitter.TakeOnTimeout() is { Length: > 0 } piece) Enqueue(piece);
            _oldestPendingAt = _splitter.HasPending ? _time.GetTimestamp() : null;
        }
    }

    /// <summary>Speak what is pending now; <see cref="ISpeechSessionSink.FlushedAsync"/> follows its audio.</summary>
    public void Flush()
    {
        lock (_textLock)
        {
            if (_inputEnded) return;
            if (_splitter.TakeAll() is { Length: > 0 } piece) Enqueue(piece);
            _oldestPendingAt = null;
            _segments.Writer.TryWrite(new Segment(null, _generation, _time.GetTimestamp()));
        }
    }

    /// <summary>No more text: speak what is pending, then finish the file and end.</summary>
    public void EndInput()
    {
        lock (_textLock)
        {
            if (_inputEnded) return;
            if (_splitter.TakeAll() is { Length: > 0 } piece) Enqueue(piece);
            _oldestPendingAt = null;
            _inputEnded = true;
            _segments.Writer.TryComplete();
        }
    }

    /// <summary>Stop speaking: drop pending text and unsent audio, stop the model call in progress. The session stays open.</summary>
    public void Cancel()
    {
        int generation;
        lock (_textLock)
        {
            _splitter.Clear();
            _oldestPendingAt = null;
            _firstTextAt = null;
            generation = ++_generation;
            _currentSynthesis?.Cancel();
        }
        _audio.Writer.TryWrite(new Item(ItemKind.Cancelled, generation));
    }

    private void Enqueue(string piece) =>
        _segments.Writer.TryWrite(new Segment(piece, _generation, _time.GetTimestamp()));

    /// <summary>Runs until the input has ended and every chunk is sent, the token is cancelled, or synthesis fails (thrown).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var synthesis = Task.Run(() => SynthesizeAsync(stop.Token), stop.Token);
        var timer = Task.Run(() => MaxWaitTimerAsync(stop.Token), stop.Token);
        try
        {
            await SendAsync(stop.Token);
        }
        finally
        {
            stop.Cancel();
            lock (_textLock) _currentSynthesis?.Cancel();
            // No model call outlives the session.
            try { await Task.WhenAll(synthesis, timer); }
            catch (Exception) { /* cancelled, or its failure was already sent in order */ }
        }
    }

    private async Task SynthesizeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var segment in _segments.Reader.ReadAllAsync(cancellationToken))
            {
                if (segment.Text is null)
                {
                    _audio.Writer.TryWrite(new Item(ItemKind.Flushed, segment.Generation));
                    continue;
                }
                using var current = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                lock (_textLock)
                {
                    if (segment.Generation != _generation) continue;
                    _currentSynthesis = current;
                }
                try
                {
                    await SpeakAsync(segment, current.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Cancelled by the client: go on with the text that comes after the cancel.
                }
                finally
                {
                    lock (_textLock) _currentSynthesis = null;
                }
            }
            _audio.Writer.TryWrite(new Item(ItemKind.End, 0));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Sent after the audio made before it, in order.
            _audio.Writer.TryWrite(new Item(ItemKind.Failed, 0) { Error = e });
        }
    }

    private async Task SpeakAsync(Segment segment, CancellationToken cancellationToken)
    {
        // The same request as HTTP, one piece of the text at a time: short-first when the listener has nothing left to play.
        var request = _template with { Input = segment.Text, Stream = IsListenerDry() };
        var spoken = _backends.Speak(request, _work, cancellationToken);
        _backend ??= spoken.Backend;
        await using var chunks = spoken.Audio.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            // Waiting here (before asking for the next chunk) is what stops the model calls.
            await WaitForRoomAsync(cancellationToken);
            if (!await chunks.MoveNextAsync()) break;
            var chunk = chunks.Current;
            var seconds = (double)chunk.Samples.Length / (chunk.SampleRate * chunk.Channels);
            lock (_bufferLock) _buffered += seconds;
            Interlocked.Exchange(ref _synthesizedSeconds, _synthesizedSeconds + seconds);
            Interlocked.Increment(ref _unsent);
            _audio.Writer.TryWrite(new Item(ItemKind.Audio, segment.Generation) { Chunk = chunk, Seconds = seconds, ReadyAt = segment.ReadyAt });
        }
    }

    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var counted = false;
        while (true)
        {
            Task wait;
            lock (_bufferLock)
            {
                if (_buffered < _settings.StreamMaxBufferedAudioSeconds) return;
                if (_room.Task.IsCompleted) _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _room.Task;
            }
            if (!counted)
            {
                counted = true;
                BackpressurePauses++;
                _metrics?.BackpressurePause();
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    private void Taken(double seconds)
    {
        lock (_bufferLock)
        {
            _buffered -= seconds;
            _room.TrySetResult();
        }
    }

    private async Task MaxWaitTimerAsync(CancellationToken cancellationToken)
    {
        if (_settings.StreamMaxWaitMs <= 0) return;
        var maxWait = TimeSpan.FromMilliseconds(_settings.StreamMaxWaitMs);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_settings.StreamMaxWaitMs / 6, 10, 100)), _time);
        while (await tick.WaitForNextTickAsync(cancellationToken))
        {
            lock (_textLock)
            {
                if (_inputEnded) return;
                if (_oldestPendingAt is not { } since || _time.GetElapsedTime(since) < maxWait) continue;
                if (_splitter.TakeOnTimeout() is { Length: > 0 } piece) Enqueue(piece);
                _oldestPendingAt = _splitter.HasPending ? _time.GetTimestamp() : null;
            }
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        IAudioEncoder? encoder = null;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var index = 0;
        try
        {
            await foreach (var item in _audio.Reader.ReadAllAsync(cancellationToken))
            {
                switch (item.Kind)
                {
                    case ItemKind.Audio:
                        try
                        {
                            if (item.Generation != Volatile.Read(ref _generation)) continue; // cancelled before it was sent
                            var chunk = item.Chunk!;
                            var samples = AudioVolume.Applied(chunk.Samples, _output.Volume);
                            var rate = chunk.SampleRate;
                            if (_output.SampleRate is { } target && target != rate && chunk.Channels == 1)
                            {
                                samples = Resamplers.Default.Resample(samples, rate, target);
                                rate = target;
                            }
                            encoder ??= _encoders.Create(_output.Format, new EncoderOptions(rate, chunk.Channels, Streaming: true));
                            encoder.Write(samples, buffer);
                            var (start, end) = Played(item);
                            var (words, fromDurations) = WordTimestamps.ForChunk(chunk, start);
                            await _sink.ChunkAsync(new SessionChunk(index++, buffer.WrittenMemory, chunk.Text ?? "", start, end, words,
                                words.Count == 0 ? "none" : fromDurations ? "model_durations" : "estimate", rate, chunk.Channels, chunk.Phonemes), cancellationToken);
                            buffer.ResetWrittenCount();
                            FirstAudioSent();
                        }
                        finally
                        {
                            Taken(item.Seconds);
                            Interlocked.Decrement(ref _unsent);
                        }
                        break;
                    case ItemKind.Flushed:
                        if (item.Generation == Volatile.Read(ref _generation)) await _sink.FlushedAsync(cancellationToken);
                        break;
                    case ItemKind.Cancelled:
                        if (item.Generation == Volatile.Read(ref _generation)) await _sink.CancelledAsync(cancellationToken);
                        break;
                    case ItemKind.Failed:
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(item.Error!);
                        break;
                    case ItemKind.End:
                        // A session that never spoke still ends as a valid (empty) file.
                        encoder ??= _encoders.Create(_output.Format, new EncoderOptions(_output.SampleRate ?? 24000, 1, Streaming: true));
                        encoder.Complete(buffer);
                        await _sink.DoneAsync(buffer.WrittenMemory, new SessionSummary(index, SentSeconds, Characters), cancellationToken);
                        buffer.ResetWrittenCount();
                        return;
                }
            }
        }
        finally
        {
            encoder?.Dispose();
        }
    }

    /// <summary>Moves the listener's clock for a chunk about to be sent; returns its start and end in session audio seconds.</summary>
    private (double Start, double End) Played(Item item)
    {
        lock (_clockLock)
        {
            var now = _time.GetTimestamp();
            if (_playStart is null) _playStart = now;
            else
            {
                var playing = _time.GetElapsedTime(_playStart.Value, now).TotalSeconds;
                if (playing > _sentSeconds)
                {
                    // The listener ran dry. It is the service's fault when the text was there before the audio ran out.
                    var ranDryAt = _playStart.Value + (long)(_sentSeconds * _time.TimestampFrequency);
                    if (item.ReadyAt < ranDryAt)
                    {
                        Underruns++;
                        _metrics?.Underrun(_backend ?? "unknown");
                    }
                    _playStart = now - (long)(_sentSeconds * _time.TimestampFrequency);
                }
            }
            var start = _sentSeconds;
            _sentSeconds += item.Seconds;
            return (start, _sentSeconds);
        }
    }

    private bool IsListenerDry()
    {
        lock (_clockLock)
            return _playStart is not { } start || _time.GetElapsedTime(start).TotalSeconds >= _sentSeconds;
    }

    private void FirstAudioSent()
    {
        long? since;
        lock (_textLock)
        {
            since = _firstTextAt;
            _firstTextAt = null;
        }
        if (since is { } t) _metrics?.TextToFirstAudio(_backend ?? "unknown", _time.GetElapsedTime(t).TotalSeconds);
    }

    /// <summary>A piece of text to speak (null: a flush marker), the cancel generation it belongs to, and when it was complete.</summary>
    private sealed record Segment(string? Text, int Generation, long ReadyAt);

    private enum ItemKind { Audio, Flushed, Cancelled, Failed, End }

    private sealed record Item(ItemKind Kind, int Generation)
    {
        public AudioChunk? Chunk { get; init; }
        public double Seconds { get; init; }
        public long ReadyAt { get; init; }
        public Exception? Error { get; init; }
    }
}

/// <summary>WebSocket close codes of the streaming routes (1000–1011 are RFC 6455's; 4xxx are this service's, after the HTTP status they resemble).</summary>
public static class SessionCloseCodes
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int UnsupportedData = 1003;
    public const int InvalidPayload = 1007;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    /// <summary>Idle for <c>stream_idle_timeout_seconds</c>, or open longer than <c>stream_max_session_seconds</c>.</summary>
    public const int Timeout = 4408;
    /// <summary>More text than <c>stream_max_text_chars</c>.</summary>
    public const int TextLimit = 4413;
}
