using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;

using TtsService.Tests.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>
/// The whole ZipVoice path over HTTP with the real backend on stand-ins: an espeak-ng recording is
/// registered, then cloned through /v1/zipvoice/audio/speech and through OpenAI's /v1/audio/speech.
/// </summary>
public sealed class ZipVoiceHttpTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("tts-zipvoice-http").FullName;
    private readonly ServiceFactory _factory;
    private readonly HttpClient _client;

    public ZipVoiceHttpTests()
    {
        KokoroStandin.Write(_models, SharedAssets.KokoroDir);
        ZipVoiceStandin.Write(_models, "zipvoice");
        ZipVoiceStandin.Write(_models, "zipvoice_distill");
        _factory = ServiceFactory.WithModels(_models);
        _client = _factory.CreateClient();
    }

    private async Task Register(string name, string transcription)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(transcription), "transcription" },
            { new ByteArrayContent(TestAudio.SpokenWav(transcription)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "me.wav" },
        };
        var response = await _client.PostAsync("/v1/zipvoice/voices/register", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Ready_and_models_list_zipvoice()
    {
        var ready = await _client.GetFromJsonAsync<JsonElement>("/ready");
        Assert.All(ready.GetProperty("backends").EnumerateArray(), b => Assert.Equal("ready", b.GetProperty("state").GetString()));
        var models = await _client.GetFromJsonAsync<JsonElement>("/v1/models");
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("zipvoice", ids);
        Assert.Contains("tts-1", ids);
    }

    [Fact]
    public async Task A_registered_voice_is_cloned_on_both_speech_endpoints()
    {
        const string transcript = "This is how my voice sounds on a quiet afternoon.";
        await Register("narrator", transcript);

        var zipvoice = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice", input = "Now say something new in the same voice.", voice = "narrator", response_format = "wav", stream = false, seed = 7 });
        Assert.Equal(HttpStatusCode.OK, zipvoice.StatusCode);
        var wav = await zipvoice.Content.ReadAsByteArrayAsync();
        var probe = Ffmpeg.Probe(wav);
        Assert.Equal(("pcm_s16le", 24000, 1), (probe.Codec, probe.SampleRate, probe.Channels));
        var samples = Ffmpeg.DecodeToFloat(wav);
        Assert.True(samples.Length > 24000 / 2, $"only {samples.Length} samples");
        Assert.True(samples.Max(MathF.Abs) > 0.01f, "the clone is not silent");

        var again = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice", input = "Now say something new in the same voice.", voice = "narrator", response_format = "wav", stream = false, seed = 7 });
        Assert.Equal(wav, await again.Content.ReadAsByteArrayAsync()); // same seed, same bytes

        var openai = await _client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice_distill", input = "And through the OpenAI route.", voice = "narrator" });
        Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        Assert.Equal("audio/mpeg", openai.Content.Headers.ContentType!.MediaType);
        Assert.Equal("mp3", Ffmpeg.Probe(await openai.Content.ReadAsByteArrayAsync()).Codec);

        // The backend's prompt features live in the service's clearable cache: one per variant that spoke.
        var cleared = await _client.PostAsync("/v1/zipvoice/voices/cache/clear?cache_type=features", null);
        Assert.Equal(2, (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cleared_entries").GetInt32());
    }

    [Fact]
    public async Task An_inline_base64_prompt_is_cloned_and_a_missing_transcript_is_400()
    {
        var prompt = Convert.ToBase64String(TestAudio.SpokenWav("A short prompt for cloning."));
        var ok = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice", input = "Inline prompts work too.", voice = "base64+" + prompt, prompt_text = "A short prompt for cloning.", response_format = "flac" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("flac", Ffmpeg.Probe(await ok.Content.ReadAsByteArrayAsync()).Codec);

        var missing = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new { model = "zipvoice", input = "No transcript.", voice = "base64+" + prompt });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task The_stereo_dialog_variant_is_503_with_a_reason()
    {
        await Register("host", "Welcome to the show, everybody.");
        var response = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new { model = "zipvoice_dialog_stereo", input = "[S1] Hi. [S2] Hello.", voice = "host" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("zipvoice_dialog_stereo", message);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        try { Directory.Delete(_models, recursive: true); } catch (IOException) { }
    }
}
