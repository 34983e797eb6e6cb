using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// The service on the Kokoro stand-ins behind real Kestrel sockets, for the WebSocket routes: a real TCP connection
/// is what makes a closed socket, a client that stops reading and the upgrade's status codes behave as in production.
/// </summary>
public class StreamingService : IDisposable
{
    public ServiceFactory Factory { get; }
    public Uri Address { get; }
    public HttpClient Http { get; }

    public StreamingService() : this([]) { }

    /// <summary>A service of its own with these settings (tests of limits and keys).</summary>
    public static StreamingService With(params (string Key, string? Value)[] settings) => new(settings);

    /// <summary>A service of its own on another models folder (with ZipVoice stand-ins, say).</summary>
    public static StreamingService OnModels(string modelsDir, params (string Key, string? Value)[] settings) => new(modelsDir, settings);

    protected StreamingService(params (string Key, string? Value)[] settings) : this(new KokoroStandinModels().Dir, settings) { }

    private StreamingService(string modelsDir, (string Key, string? Value)[] settings)
    {
        Factory = ServiceFactory.WithModels(modelsDir, settings);
        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        Address = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Http = new HttpClient { BaseAddress = Address };
    }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public Uri WebSocketUri(string pathAndQuery) => new($"ws://{Address.Authority}{pathAndQuery}");

    public Task<StreamClient> ConnectAsync(string pathAndQuery = "/v1/audio/speech/stream", Action<ClientWebSocketOptions>? options = null) =>
        StreamClient.ConnectAsync(WebSocketUri(pathAndQuery), options);

    public void Dispose()
    {
        Http.Dispose();
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>What a session sent: audio bytes (binary frames and base64 events, in order), every JSON event, and how it closed.</summary>
public sealed record StreamTranscript(byte[] Audio, IReadOnlyList<JsonElement> Events, WebSocketCloseStatus? CloseStatus, string? CloseReason)
{
    public IEnumerable<JsonElement> OfType(string type) => Events.Where(e => e.TryGetProperty("type", out var t) && t.GetString() == type);

    /// <summary>The words of every chunk event, in order.</summary>
    public List<string> Words => OfType("chunk").SelectMany(c => c.GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString()!)).ToList();
}

/// <summary>A WebSocket client for the streaming routes, written from the protocol as the README states it.</summary>
public sealed class StreamClient(ClientWebSocket socket) : IAsyncDisposable
{
    public ClientWebSocket Socket => socket;

    public static async Task<StreamClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? options = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        options?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, timeout.Token);
        return new StreamClient(socket);
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string json)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>One whole message: (type, bytes); Close when the server closed.</summary>
    public async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await socket.ReceiveMessageAsync(cts.Token);
    }

    /// <summary>The next JSON event (binary frames before it are returned in <paramref name="audio"/>).</summary>
    public async Task<JsonElement> NextEventAsync(MemoryStream? audio = null, TimeSpan? timeout = null)
    {
        while (true)
        {
            var (type, data) = await ReceiveAsync(timeout);
            if (type == WebSocketMessageType.Close) throw new InvalidOperationException($"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
            if (type == WebSocketMessageType.Binary) { audio?.Write(data); continue; }
            return JsonDocument.Parse(data).RootElement.Clone();
        }
    }

    /// <summary>Reads everything until the server closes, then answers the close.</summary>
    public async Task<StreamTranscript> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var audio = new MemoryStream();
        var events = new List<JsonElement>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var (type, data) = await ReceiveAsync(deadline - DateTime.UtcNow);
            if (type == WebSocketMessageType.Close) break;
            if (type == WebSocketMessageType.Binary) { audio.Write(data); continue; }
            var element = JsonDocument.Parse(data).RootElement.Clone();
            events.Add(element);
            if (element.TryGetProperty("type", out var t) && t.GetString() == "audio") audio.Write(Convert.FromBase64String(element.GetProperty("audio").GetString()!));
            // ElevenLabs' shape: audio without a type.
            if (!element.TryGetProperty("type", out _) && element.TryGetProperty("audio", out var el) && el.ValueKind == JsonValueKind.String)
                audio.Write(Convert.FromBase64String(el.GetString()!));
        }
        if (socket.State == WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
        }
        return new StreamTranscript(audio.ToArray(), events, socket.CloseStatus, socket.CloseStatusDescription);
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        socket.Dispose();
    }
}

public static class WebSocketMessages
{
    /// <summary>One whole message, however many frames it came in: (type, bytes); Close (and no bytes) when the peer closed.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(this WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return (WebSocketMessageType.Close, []);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }
}
