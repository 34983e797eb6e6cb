using TtsService.Errors;

namespace TtsService.Api.Streaming;

/// <summary>
/// ElevenLabs' multi-context socket (<c>multi-stream-input</c>): several <see cref="SpeechSession"/>s on one connection,
/// one per <c>context_id</c>, each its own audio stream ending with its own <c>isFinal</c>. A context opens with its first
/// message and ends with <c>close_context</c>; the socket's input ends with <c>close_socket</c> (or the service stopping).
/// One context failing ends the socket, as one session failing does.
/// </summary>
public sealed class ContextSessions(Func<string, SpeechSession> create, int maxOpen) : IStreamSession
{
    /// <summary>The context of messages without <c>context_id</c>.</summary>
    public const string DefaultContext = "default";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SpeechSession> _open = new(StringComparer.Ordinal);
    private readonly List<SpeechSession> _all = [];
    private readonly List<(SpeechSession Session, string Id)> _waiting = [];
    private readonly List<Task> _runs = [];
    private readonly TaskCompletionSource _inputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken? _token;

    /// <summary>The open context called <paramref name="id"/>, opened now if it is new.</summary>
    public SpeechSession Context(string id)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(id, out var open)) return open;
            if (_inputEnded.Task.IsCompleted) throw new InvalidRequestException("The socket is closing: no new context.", "context_id", "socket_closing");
            if (_open.Count >= maxOpen)
                throw new InvalidRequestException($"At most {maxOpen} contexts may be open on one socket; close one first (close_context).", "context_id", "too_many_contexts");
            var session = create(id);
            _open[id] = session;
            _all.Add(session);
            if (_token is { } token) Start(id, session, token);
            else _waiting.Add((session, id));
            return session;
        }
    }

    /// <summary>Ends a context's input: what it has is spoken, then its <c>isFinal</c>.</summary>
    public void Close(string id)
    {
        lock (_lock)
            if (_open.TryGetValue(id, out var session)) session.EndInput();
    }

    /// <summary><c>close_socket</c>: every open context finishes, then the socket closes.</summary>
    public void EndInput()
    {
        lock (_lock)
        {
            foreach (var session in _open.Values) session.EndInput();
            _inputEnded.TrySetResult();
        }
    }

    public bool IsIdle
    {
        get { lock (_lock) return _open.Values.All(s => s.IsIdle); }
    }

    public int Characters
    {
        get { lock (_lock) return _all.Sum(s => s.Characters); }
    }

    public double SentSeconds
    {
        get { lock (_lock) return _all.Sum(s => s.SentSeconds); }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _token = cancellationToken;
            foreach (var (session, id) in _waiting) Start(id, session, cancellationToken);
            _waiting.Clear();
        }
        await Task.WhenAny(_inputEnded.Task, _failed.Task).WaitAsync(cancellationToken);
        Task[] runs;
        lock (_lock) runs = [.. _runs];
        await Task.WhenAll(runs);
    }

    private void Start(string id, SpeechSession session, CancellationToken cancellationToken)
    {
        var run = session.RunAsync(cancellationToken);
        _runs.Add(run);
        _ = run.ContinueWith(t =>
        {
            lock (_lock)
                if (_open.TryGetValue(id, out var current) && ReferenceEquals(current, session)) _open.Remove(id);
            if (t.IsFaulted) _failed.TrySetResult();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
