using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TtsService.Tests.Voices;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (random port) for download tests: each request's path goes to
/// <see cref="Handler"/>, which writes a raw response. Counts requests so tests can prove that a refused
/// URL sent nothing. One request per connection.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer(Func<string, Stream, CancellationToken, Task> handler)
    {
        Handler = handler;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public Func<string, Stream, CancellationToken, Task> Handler { get; }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Requests => Volatile.Read(ref _requests);
    public List<string> Paths { get; } = [];
    public long BytesSent;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public static async Task RespondAsync(Stream stream, int status, byte[] body, string contentType = "audio/wav", params string[] headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Length: {body.Length}\r\nContent-Type: {contentType}\r\nConnection: close\r\n");
        foreach (var header in headers) head.Append(header).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(body);
    }

    public static Task RedirectAsync(Stream stream, string location, int status = 302) =>
        RespondAsync(stream, status, [], "text/plain", "Location: " + location);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var path = await ReadRequestPathAsync(stream);
                Interlocked.Increment(ref _requests);
                lock (Paths) Paths.Add(path);
                await Handler(path, stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    private static async Task<string> ReadRequestPathAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("closed");
            head.Append((char)one[0]);
        }
        return head.ToString().Split(' ')[1];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
