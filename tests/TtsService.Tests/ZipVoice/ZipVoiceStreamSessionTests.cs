using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>A registered ZipVoice voice speaks text that is still arriving, on both WebSocket routes.</summary>
public sealed class ZipVoiceStreamSessionTests : IDisposable
{
    private const string Transcript = "This is how my voice sounds on a quiet afternoon.";
    private readonly string _models = Directory.CreateTempSubdirectory("tts-zipvoice-stream").FullName;
    private readonly StreamingService _service;

    public ZipVoiceStreamSessionTests()
    {
        KokoroStandin.Write(_models, SharedAssets.KokoroDir);
        ZipVoiceStandin.Write(_models, "zipvoice_distill");
        _service = StreamingService.OnModels(_models, ("zipvoice_model", "zipvoice_distill"));
    }

    public void Dispose()
    {
        _service.Dispose();
        try { Directory.Delete(_models, recursive: true); } catch (IOException) { }
    }

    private async Task RegisterAsync(string name)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(Transcript), "transcription" },
            { new ByteArrayContent(TestAudio.SpokenWav(Transcript)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "me.wav" },
        };
        using var response = await _service.Http.PostAsync("/v1/zipvoice/voices/register", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_registered_voice_speaks_streamed_text_as_one_wav_file()
    {
        await RegisterAsync("narrator");
        await using var client = await _service.ConnectAsync();
        await client.SendAsync(new { type = "start", model = "zipvoice_distill", voice = "narrator", response_format = "wav", num_steps = 2, seed = 3 });
        var started = await client.NextEventAsync();
        Assert.Equal("zipvoice_distill", started.GetProperty("model").GetString());
        foreach (var piece in new[] { "Now say some", "thing new, in the ", "same voice. And then ", "a little more." })
            await client.SendAsync(new { type = "text", text = piece });
        await client.SendAsync(new { type = "end" });
        var transcript = await client.ReadToEndAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, transcript.CloseStatus);
        Assert.True(transcript.OfType("chunk").Count() >= 2);
        Assert.Equal(1, Encoding.Latin1.GetString(transcript.Audio).Split("RIFF").Length - 1);
        var samples = Ffmpeg.DecodeToFloat(transcript.Audio);
        Assert.Equal(transcript.OfType("chunk").Last().GetProperty("end_time").GetDouble(), samples.Length / 24000.0, 1);
        Assert.True(samples.Max(MathF.Abs) > 0.01f, "the clone is not silent");
    }

    [Fact]
    public async Task The_elevenlabs_route_speaks_a_registered_voice_by_its_name()
    {
        await RegisterAsync("reader");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(_service.WebSocketUri("/v1/text-to-speech/reader/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_24000"), CancellationToken.None);
        foreach (var message in new object[] { new { text = " " }, new { text = "Cloned over the compatible route. " }, new { text = "" } })
            await socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, CancellationToken.None);
        var audio = new MemoryStream();
        var final = false;
        while (true)
        {
            var (type, message) = await socket.ReceiveMessageAsync(CancellationToken.None);
            if (type == WebSocketMessageType.Close) break;
            var data = JsonDocument.Parse(message).RootElement;
            if (data.TryGetProperty("audio", out var a) && a.ValueKind == JsonValueKind.String) audio.Write(Convert.FromBase64String(a.GetString()!));
            final |= data.TryGetProperty("isFinal", out var f) && f.ValueKind == JsonValueKind.True;
        }
        Assert.True(final);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.True(audio.Length > 24000, $"{audio.Length} bytes");
    }
}
