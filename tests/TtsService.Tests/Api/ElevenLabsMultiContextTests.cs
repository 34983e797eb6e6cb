using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// <c>/v1/text-to-speech/{voice_id}/multi-stream-input</c>: contexts on one socket, as ElevenLabs' reference describes them,
/// and LiveKit Agents' own ElevenLabs plugin (npm, tools/agent-clients) speaking through it as it would to ElevenLabs.
/// </summary>
public sealed class ElevenLabsMultiContextTests(StreamingService service) : IClassFixture<StreamingService>
{
    private const string Voice = "af_standin_low";

    [Fact]
    public async Task Two_contexts_on_one_socket_each_end_with_their_own_final_message()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(service.WebSocketUri($"/v1/text-to-speech/{Voice}/multi-stream-input?output_format=pcm_24000"), CancellationToken.None);
        async Task Send(object message) =>
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        await Send(new { text = " ", voice_settings = new { speed = 1.0 }, context_id = "first" });
        await Send(new { text = " ", context_id = "second" });
        await Send(new { text = "The first context speaks. ", context_id = "first" });
        await Send(new { text = "The second one too. ", context_id = "second" });
        await Send(new { text = "", context_id = "first", flush = true });
        await Send(new { context_id = "first", close_context = true });
        await Send(new { context_id = "second", close_context = true });
        await Send(new { close_socket = true });

        var audio = new Dictionary<string, long>();
        var finals = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var (type, message) = await socket.ReceiveMessageAsync(timeout.Token);
            if (type == WebSocketMessageType.Close) break;
            var data = JsonDocument.Parse(message).RootElement;
            var context = data.GetProperty("contextId").GetString()!;
            if (data.GetProperty("isFinal").GetBoolean()) { finals.Add(context); continue; }
            audio[context] = audio.GetValueOrDefault(context) + Convert.FromBase64String(data.GetProperty("audio").GetString()!).Length;
        }
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(["first", "second"], finals.Order());
        Assert.True(audio["first"] > 24000 && audio["second"] > 24000, string.Join(", ", audio));
    }

    [SkippableFact]
    public async Task LiveKit_agents_elevenlabs_plugin_speaks_through_the_compatible_route()
    {
        var tool = Path.Combine(RepoRoot(), "tools", "agent-clients");
        Skip.IfNot(Directory.Exists(Path.Combine(tool, "node_modules", "@livekit", "agents-plugin-elevenlabs")),
            "tools/agent-clients has no node_modules: scripts/test.sh installs LiveKit's ElevenLabs plugin with npm ci.");
        using var process = Process.Start(new ProcessStartInfo("node", $"livekit-elevenlabs.mjs {service.Address}v1 {Voice}")
        {
            WorkingDirectory = tool,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(process.ExitCode == 0, await stderr + await stdout);
        var result = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(24000, result.GetProperty("sampleRate").GetInt32());
        Assert.True(result.GetProperty("seconds").GetDouble() > 1, result.ToString());
        // The plugin rebuilt the words from our alignment messages: the whole answer, in order.
        Assert.Equal(
            Regex.Matches("Sure, I can help with that. The station is two blocks north. It takes about five minutes on foot.", @"\w+").Select(m => m.Value),
            Regex.Matches(result.GetProperty("transcript").GetString()!, @"\w+").Select(m => m.Value));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TtsService.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
