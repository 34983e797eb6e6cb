using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// <c>/v1/text-to-speech/{voice_id}/stream-input</c> driven by a client written from ElevenLabs' published WebSocket
/// reference (elevenlabs.io/docs/api-reference/websockets), not from this service's code: the first message is
/// <c>{"text": " ", "voice_settings": {...}, "generation_config": {"chunk_length_schedule": [...]}, "xi_api_key": ...}</c>,
/// text chunks end with a space and may carry <c>try_trigger_generation</c> or <c>flush</c>, <c>{"text": ""}</c> ends;
/// the server answers <c>{"audio": base64, "isFinal", "normalizedAlignment"/"alignment": {"charStartTimesMs",
/// "charsDurationsMs", "chars"}}</c> and finally <c>isFinal: true</c>.
/// </summary>
public sealed class ElevenLabsStreamInputTests(StreamingService service) : IClassFixture<StreamingService>
{
    private const string Voice = "af_standin_low";

    /// <summary>What an ElevenLabs stream-input client collects.</summary>
    private sealed record Received(byte[] Audio, List<JsonElement> Messages, WebSocketCloseStatus? Close, string Alignment);

    private static async Task<Received> SpeakAsync(ClientWebSocket socket, IEnumerable<object> messages)
    {
        foreach (var message in messages)
            await socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None);
        var audio = new MemoryStream();
        var received = new List<JsonElement>();
        var aligned = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var (type, message) = await socket.ReceiveMessageAsync(timeout.Token);
            if (type == WebSocketMessageType.Close) break;
            var data = JsonDocument.Parse(message).RootElement.Clone();
            received.Add(data);
            if (data.TryGetProperty("audio", out var a) && a.ValueKind == JsonValueKind.String) audio.Write(Convert.FromBase64String(a.GetString()!));
            if (data.TryGetProperty("normalizedAlignment", out var n) && n.ValueKind == JsonValueKind.Object)
                foreach (var c in n.GetProperty("chars").EnumerateArray()) aligned.Append(c.GetString());
        }
        if (socket.State == WebSocketState.CloseReceived) await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        return new Received(audio.ToArray(), received, socket.CloseStatus, aligned.ToString());
    }

    private static object Init(string? key = null) => new Dictionary<string, object?>
    {
        ["text"] = " ",
        ["voice_settings"] = new { stability = 0.5, similarity_boost = 0.8, speed = 1.0 },
        ["generation_config"] = new { chunk_length_schedule = new[] { 120, 160, 250, 290 } },
        ["xi_api_key"] = key,
    };

    private async Task<ClientWebSocket> ConnectAsync(string query, Action<ClientWebSocketOptions>? options = null, string voice = Voice)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        options?.Invoke(socket.Options);
        await socket.ConnectAsync(service.WebSocketUri($"/v1/text-to-speech/{voice}/stream-input{query}"), CancellationToken.None);
        return socket;
    }

    [Fact]
    public async Task A_reference_client_gets_pcm_audio_with_character_alignment_and_a_final_message()
    {
        using var socket = await ConnectAsync("?model_id=eleven_flash_v2_5&output_format=pcm_24000");
        var received = await SpeakAsync(socket,
        [
            Init(),
            new { text = "Hello from the ", try_trigger_generation = false },
            new { text = "compatible route. ", try_trigger_generation = true },
            new { text = "It speaks as the text arrives. ", flush = true },
            new { text = "" },
        ]);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, received.Close);
        var final = received.Messages[^1];
        Assert.True(final.GetProperty("isFinal").GetBoolean());
        var audioMessages = received.Messages.Where(m => m.TryGetProperty("audio", out var a) && a.ValueKind == JsonValueKind.String).ToList();
        Assert.NotEmpty(audioMessages);
        foreach (var message in audioMessages)
        {
            Assert.False(message.GetProperty("isFinal").GetBoolean());
            var alignment = message.GetProperty("normalizedAlignment");
            var chars = alignment.GetProperty("chars").GetArrayLength();
            Assert.Equal(chars, alignment.GetProperty("charStartTimesMs").GetArrayLength());
            Assert.Equal(chars, alignment.GetProperty("charsDurationsMs").GetArrayLength());
            Assert.Equal(chars, message.GetProperty("alignment").GetProperty("chars").GetArrayLength());
            // Times start at the chunk and never go back.
            var starts = alignment.GetProperty("charStartTimesMs").EnumerateArray().Select(t => t.GetInt32()).ToList();
            Assert.Equal(starts.OrderBy(t => t), starts);
            var seconds = Convert.FromBase64String(message.GetProperty("audio").GetString()!).Length / 48000.0;
            Assert.All(starts, t => Assert.InRange(t, 0, seconds * 1000 + 1));
        }
        // pcm_24000 is 16-bit mono at 24 kHz; the aligned characters are the text spoken, in order.
        Assert.Equal(0, received.Audio.Length % 2);
        Assert.True(received.Audio.Length > 24000, $"{received.Audio.Length} bytes");
        Assert.Equal(["Hello", "from", "the", "compatible", "route", "It", "speaks", "as", "the", "text", "arrives"],
            System.Text.RegularExpressions.Regex.Matches(received.Alignment, @"\w+").Select(m => m.Value));
        Assert.EndsWith(" ", received.Alignment);
    }

    [Theory]
    [InlineData("pcm_16000", 16000, null)]
    [InlineData("pcm_44100", 44100, null)]
    [InlineData("mp3_44100_128", 44100, "mp3")]
    [InlineData("mp3_22050_32", 22050, "mp3")]
    [InlineData("opus_48000_64", 48000, "opus")]
    public async Task Output_formats_come_at_their_rates(string format, int rate, string? codec)
    {
        using var socket = await ConnectAsync($"?output_format={format}");
        var received = await SpeakAsync(socket, [Init(), new { text = "Rates and codecs as asked. " }, new { text = "" }]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, received.Close);
        if (codec is null)
        {
            // Raw PCM: as long at this rate as the same words at 24 kHz.
            var samples = Ffmpeg.DecodeToFloat(received.Audio, rate, "s16le");
            Assert.InRange(samples.Length / (double)rate, 0.5, 5);
        }
        else
        {
            var probe = Ffmpeg.Probe(received.Audio);
            Assert.Equal(codec, probe.Codec);
            Assert.Equal(rate, probe.SampleRate);
            Assert.Equal("", Ffmpeg.DecodeMessages(received.Audio));
        }
    }

    [Theory]
    [InlineData("ulaw_8000")]
    [InlineData("pcm_12345")]
    [InlineData("mp3_96000_128")]
    public async Task A_rate_or_codec_it_cannot_produce_is_a_clear_400_at_the_upgrade(string format)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(service.WebSocketUri($"/v1/text-to-speech/{Voice}/stream-input?output_format={format}"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        using var response = await service.Http.GetAsync($"/v1/text-to-speech/{Voice}/stream-input?output_format={format}");
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("unsupported_output_format", error.GetProperty("code").GetString());
        Assert.Contains("pcm_24000", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_voice_is_a_404_at_the_upgrade()
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(service.WebSocketUri("/v1/text-to-speech/af_nobody/stream-input"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_key_may_come_as_xi_api_key_header_or_in_the_first_message()
    {
        using var keyed = StreamingService.With(("api_keys", "secret-key"));
        async Task<Received> Speak(Action<ClientWebSocketOptions>? options, string? keyInMessage)
        {
            var socket = new ClientWebSocket();
            options?.Invoke(socket.Options);
            await socket.ConnectAsync(keyed.WebSocketUri($"/v1/text-to-speech/{Voice}/stream-input?output_format=pcm_24000"), CancellationToken.None);
            using (socket) return await SpeakAsync(socket, [Init(keyInMessage), new { text = "Keyed. " }, new { text = "" }]);
        }

        var header = await Speak(o => o.SetRequestHeader("xi-api-key", "secret-key"), null);
        Assert.True(header.Messages[^1].GetProperty("isFinal").GetBoolean());
        var inMessage = await Speak(null, "secret-key");
        Assert.True(inMessage.Messages[^1].GetProperty("isFinal").GetBoolean());
        Assert.True(inMessage.Audio.Length > 0);

        var wrong = await Speak(null, "not-the-key");
        Assert.Equal((WebSocketCloseStatus)1008, wrong.Close);
        var error = Assert.Single(wrong.Messages);
        Assert.Equal("invalid_api_key", error.GetProperty("error").GetString());
        Assert.False(error.TryGetProperty("audio", out _));
    }
}
