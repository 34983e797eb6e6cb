using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TtsService.Api.Streaming;

/// <summary>One message from the client: text (JSON) or binary.</summary>
public sealed record ClientMessage(WebSocketMessageType Type, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>
/// The WebSocket of one session: one send at a time (audio, events and the close share the socket), messages read
/// whole up to a size limit, and a close that waits briefly for the client's answer. Protocol-neutral: both
/// streaming routes use it.
/// </summary>
public sealed class SessionSocket(WebSocket socket)
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private long _lastMessageAt = Environment.TickCount64;

    public WebSocketState State => socket.State;

    /// <summary>Milliseconds since the client's last message.</summary>
    public long IdleMilliseconds => Environment.TickCount64 - Interlocked.Read(ref _lastMessageAt);

    /// <summary>The close code this side sent, once it did.</summary>
    public int? SentCloseCode { get; private set; }

    /// <summary>The next whole message, or null when the client closed (or the connection dropped).</summary>
    /// <exception cref="SessionCloseException">The message is larger than <paramref name="maxBytes"/> (1009).</exception>
    public async Task<ClientMessage?> ReceiveAsync(int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                {
                    return null; // the connection is gone
                }
                if (result.MessageType == WebSocketMessageType.Close) return null;
                if (message.Length + result.Count > maxBytes)
                    throw new SessionCloseException(SessionCloseCodes.MessageTooBig, "message_too_big",
                        $"A message is over {maxBytes} bytes (stream_max_message_bytes).");
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    Interlocked.Exchange(ref _lastMessageAt, Environment.TickCount64);
                    return new ClientMessage(result.MessageType, message.ToArray());
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task SendJsonAsync<T>(T value, JsonSerializerOptions options, CancellationToken cancellationToken) =>
        SendAsync(JsonSerializer.SerializeToUtf8Bytes(value, options), WebSocketMessageType.Text, cancellationToken);

    public async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            await socket.SendAsync(data, type, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends the close frame (once) with a reason a person can read; the reason is cut to the 123 bytes a close frame allows.</summary>
    public async Task CloseAsync(int code, string reason)
    {
        await _send.WaitAsync();
        try
        {
            if (SentCloseCode is not null || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            SentCloseCode = code;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, Truncate(reason), timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client is gone; nothing more to tell it.
        }
        finally
        {
            _send.Release();
        }
    }

    public void Abort() => socket.Abort();

    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123) return reason;
        var cut = reason;
        while (Encoding.UTF8.GetByteCount(cut) > 120) cut = cut[..^1];
        return cut + "...";
    }
}
