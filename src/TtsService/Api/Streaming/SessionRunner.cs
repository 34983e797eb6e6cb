using System.Diagnostics;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Observability;

namespace TtsService.Api.Streaming;

/// <summary>What a protocol's first message starts: one <see cref="SpeechSession"/>, or several (ElevenLabs' contexts).</summary>
public interface IStreamSession
{
    /// <summary>Runs until the input has ended and everything is sent; throws when synthesis fails.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>No more text will come (the service is stopping): finish what was received.</summary>
    void EndInput();

    /// <summary>Nothing pending: no text waiting, no audio being made or sent.</summary>
    bool IsIdle { get; }

    int Characters { get; }

    double SentSeconds { get; }
}

/// <summary>A streaming protocol: how the first message starts a session, how later ones drive it, how errors are worded.</summary>
public interface IStreamProtocol
{
    /// <summary>Metrics label and log name of the route.</summary>
    string Route { get; }

    /// <summary>Largest first message (it may carry a base64 voice prompt).</summary>
    int FirstMessageLimit { get; }

    /// <summary>How long the client may stay silent while nothing is pending.</summary>
    TimeSpan IdleTimeout { get; }

    /// <summary>Starts the session from the first message (throws <see cref="ServiceException"/> or <see cref="SessionCloseException"/> to refuse it).</summary>
    Task<IStreamSession> StartAsync(ClientMessage first, CancellationToken cancellationToken);

    /// <summary>Applies a later message to the session.</summary>
    void Handle(ClientMessage message, IStreamSession session);

    /// <summary>Tells the client why the session ends, in the protocol's error shape.</summary>
    Task SendErrorAsync(ErrorResponses.ErrorDetail error, int closeCode, CancellationToken cancellationToken);
}

/// <summary>
/// Runs one session's socket for any <see cref="IStreamProtocol"/>: reads the client's messages (size-limited), runs
/// the <see cref="SpeechSession"/>, watches the idle and session time limits, and ends every way the same: stop
/// synthesis at once, say why (an error event for errors), close with a code and a reason. Logs the session without
/// its text or any key.
/// </summary>
public sealed class SessionRunner(SessionSocket socket, IStreamProtocol protocol, TtsSettings settings, ILogger logger, StreamingMetrics? metrics = null)
{
    private readonly TaskCompletionSource<SessionEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IStreamSession? _session;
    private volatile bool _shuttingDown;

    /// <param name="aborted">The connection is gone.</param>
    /// <param name="stopping">The host is stopping: text already received is spoken, later text ignored, then close 1001.</param>
    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping = default)
    {
        using var onStopping = stopping.Register(() =>
        {
            _shuttingDown = true;
            if (_session is { } session) session.EndInput();
            else End(new SessionEnd("shutdown", SessionCloseCodes.GoingAway, "server shutting down"));
        });
        metrics?.SessionOpened(protocol.Route);
        var started = Stopwatch.GetTimestamp();
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        Task? run = null;
        var receive = Task.Run(() => ReceiveAsync(sessionStop, r => run = r, aborted), CancellationToken.None);
        var watchdog = Task.Run(() => WatchAsync(started, sessionStop.Token), CancellationToken.None);
        var end = await _end.Task;
        try
        {
            // Anything but a finished session stops its synthesis now (the model queue empties at once).
            if (end.Outcome is not ("done" or "shutdown")) sessionStop.Cancel();
            if (run is not null)
            {
                try { await run; }
                catch (Exception) { /* its failure is what ended the session, reported below */ }
            }
            if (end.Error is { } error && socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                try { await protocol.SendErrorAsync(error, end.CloseCode, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)); }
                catch (Exception e) when (e is TimeoutException or System.Net.WebSockets.WebSocketException or IOException or OperationCanceledException) { }
            }
            await socket.CloseAsync(end.CloseCode, end.Reason);
            // The client answers the close; one that does not is cut off.
            if (await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2))) != receive) socket.Abort();
        }
        finally
        {
            sessionStop.Cancel();
            try { await watchdog; } catch (OperationCanceledException) { }
            metrics?.SessionEnded(protocol.Route, end.Outcome);
            logger.LogInformation("Stream session on {Route} ended: {Outcome} (close {CloseCode}), {Characters} characters, {AudioSeconds:0.0} s of audio in {Seconds:0.0} s",
                protocol.Route, end.Outcome, end.CloseCode, _session?.Characters ?? 0, _session?.SentSeconds ?? 0, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task ReceiveAsync(CancellationTokenSource sessionStop, Action<Task> started, CancellationToken aborted)
    {
        try
        {
            var first = true;
            while (true)
            {
                var message = await socket.ReceiveAsync(first ? protocol.FirstMessageLimit : settings.StreamMaxMessageBytes, aborted);
                if (message is null)
                {
                    End(new SessionEnd("client_closed", SessionCloseCodes.Normal, "client closed"));
                    return;
                }
                if (_end.Task.IsCompleted || _shuttingDown) continue; // closing: read until the client answers the close
                if (message.Type == System.Net.WebSockets.WebSocketMessageType.Binary && first)
                    throw new SessionCloseException(SessionCloseCodes.UnsupportedData, "unsupported_data", "Messages from the client are JSON text frames.");
                if (first)
                {
                    first = false;
                    var session = await protocol.StartAsync(message, sessionStop.Token);
                    _session = session;
                    if (_shuttingDown) session.EndInput();
                    var run = session.RunAsync(sessionStop.Token);
                    started(run);
                    _ = run.ContinueWith(t => End(t.IsCompletedSuccessfully
                        ? _shuttingDown ? new SessionEnd("shutdown", SessionCloseCodes.GoingAway, "server shutting down") : new SessionEnd("done", SessionCloseCodes.Normal, "session done")
                        : t.Exception?.InnerException is { } e ? Failed(e) : new SessionEnd("client_closed", SessionCloseCodes.Normal, "cancelled")),
                        CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    continue;
                }
                protocol.Handle(message, _session!);
            }
        }
        catch (Exception e)
        {
            End(Failed(e));
        }
    }

    private async Task WatchAsync(long started, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromSeconds(settings.StreamMaxSessionSeconds);
        var idle = protocol.IdleTimeout;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(idle.TotalMilliseconds / 4, 20, 1000)));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                if (Stopwatch.GetElapsedTime(started) > limit)
                {
                    End(new SessionEnd("limit", SessionCloseCodes.Timeout, "session time limit",
                        Error("session_time_limit", $"The session is open longer than {settings.StreamMaxSessionSeconds:0.#} s (stream_max_session_seconds).")));
                    return;
                }
                if (socket.IdleMilliseconds > idle.TotalMilliseconds && (_session is null || _session.IsIdle))
                {
                    End(new SessionEnd("limit", SessionCloseCodes.Timeout, "idle timeout",
                        Error("idle_timeout", $"No message for {idle.TotalSeconds:0.#} s with nothing left to speak (idle timeout).")));
                    return;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private void End(SessionEnd end) => _end.TrySetResult(end);

    private SessionEnd Failed(Exception e)
    {
        switch (e)
        {
            case SessionCloseException close:
                return new SessionEnd(close.CloseCode == SessionCloseCodes.InternalError ? "error" : "limit", close.CloseCode, close.Message,
                    Error(close.Code, close.Message));
            case ServiceException service:
                // 429 mid-session: "try again later" (1013); a client's mistake: policy (1008); ours: internal (1011).
                var code = service.Status == 429 ? 1013 : service.Status < 500 ? SessionCloseCodes.PolicyViolation : SessionCloseCodes.InternalError;
                return new SessionEnd("error", code, service.Message,
                    new ErrorResponses.ErrorDetail(service.Message, service.Type, service.Param, service.Code));
            case System.Text.Json.JsonException json:
                return new SessionEnd("error", SessionCloseCodes.InvalidPayload, "message is not valid JSON",
                    new ErrorResponses.ErrorDetail($"A message is not valid JSON: {json.Message}", "invalid_request_error", null, "invalid_json"));
            case OperationCanceledException:
                return new SessionEnd("client_closed", SessionCloseCodes.Normal, "cancelled");
            default:
                logger.LogError(e, "Stream session on {Route} failed", protocol.Route);
                return new SessionEnd("error", SessionCloseCodes.InternalError, "internal error",
                    new ErrorResponses.ErrorDetail("The session failed on the server.", "server_error", null, "internal_error"));
        }
    }

    private static ErrorResponses.ErrorDetail Error(string code, string message) => new(message, "invalid_request_error", null, code);

    private sealed record SessionEnd(string Outcome, int CloseCode, string Reason, ErrorResponses.ErrorDetail? Error = null);
}
