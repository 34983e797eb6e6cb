using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Junk through HTTP: every case gets its 4xx in the spec's error shape (never a 500), and the
/// service still speaks afterwards.
/// </summary>
public sealed class BadInputTests(KokoroService service) : IClassFixture<KokoroService>
{
    private readonly HttpClient _client = service.Client;

    public static TheoryData<string, string, string, int> JsonBodies => new()
    {
        // route, content type, body, expected status (a voice name with path or control characters is malformed: 400, never a path)
        { "/v1/audio/speech", "application/json", "{\"input\": ", 400 },
        { "/v1/audio/speech", "application/json", "", 400 },
        { "/v1/audio/speech", "application/json", "null", 400 },
        { "/v1/audio/speech", "application/json", "[]", 400 },
        { "/v1/audio/speech", "application/json", "{}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": 5, \"voice\": \"af_standin_low\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"speed\": \"fast\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"speed\": -1}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"speed\": NaN}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"speed\": 1e309}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"response_format\": \"wma\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"stream\": \"yes please\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"volume_multiplier\": -3}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"lang_code\": \"english\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low\", \"lang_code\": \"q\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"../../etc/passwd\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_heart\\u0000.bin\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low(-1)+af_standin_high\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"voice\": \"af_standin_low(abc)\"}", 400 },
        { "/v1/audio/speech", "application/json", "{\"input\": \"Hi\", \"model\": \"../kokoro\"}", 404 },
        { "/v1/audio/speech", "text/plain", "Hello there", 415 },
        { "/v1/audio/voices/combine", "application/json", "\"../x+../y\"", 400 },
        { "/v1/audio/voices/combine", "application/json", "42", 400 },
        { "/dev/phonemize", "application/json", "{}", 400 },
        { "/dev/phonemize", "application/json", "{\"text\": \"Hi\", \"language\": \"zz\"}", 400 },
        { "/dev/generate_from_phonemes", "application/json", "{\"phonemes\": \"\", \"voice\": \"af_standin_low\"}", 400 },
    };

    [Theory]
    [MemberData(nameof(JsonBodies))]
    public async Task Bad_bodies_get_their_4xx_in_the_error_shape(string route, string contentType, string body, int status)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var response = await _client.PostAsync(route, content);
        await AssertError(response, status);
        await AssertStillSpeaks();
    }

    [Fact]
    public async Task A_huge_bad_value_is_not_echoed_back_in_full()
    {
        var payload = "base64+" + new string('A', 200_000);
        var response = await _client.PostAsJsonAsync("/v1/audio/speech", new { input = "Hi", voice = payload });
        Assert.True((int)response.StatusCode is 400 or 404);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
        Assert.True(message.Length < 1000, $"{message.Length} characters");
    }

    [Fact]
    public async Task Invalid_utf8_is_400()
    {
        var bytes = "{\"input\": \"caf"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat("\", \"voice\": \"af_standin_low\"}"u8.ToArray()).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertError(await _client.PostAsync("/v1/audio/speech", content), 400);
        await AssertStillSpeaks();
    }

    [Fact]
    public async Task A_huge_json_body_is_413_before_it_is_read()
    {
        // JSON routes take 1 MB (the speech route more, for base64 prompts: there the input limit answers first).
        await AssertError(await _client.PostAsJsonAsync("/dev/phonemize", new { text = new string('a', 3 << 20), language = "a" }), 413);
        await AssertError(await _client.PostAsJsonAsync("/v1/audio/speech", new { input = new string('a', 3 << 20), voice = "af_standin_low" }), 400);
        await AssertStillSpeaks();
    }

    [Fact]
    public async Task A_huge_chunked_body_without_length_is_413_while_it_is_read()
    {
        var payload = Encoding.UTF8.GetBytes("{\"text\": \"" + new string('a', 3 << 20) + "\"}");
        var content = new StreamContent(new NoLengthStream(payload));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertError(await _client.PostAsync("/dev/phonemize", content), 413);
        await AssertStillSpeaks();
    }

    [Fact]
    public async Task Control_characters_emoji_rtl_and_combining_marks_never_break_the_pipeline()
    {
        const string text = "Hello\u0000\u0007 world 😀🎉 مرحبا שלום e\u0301\u0302 \uD800 ok.";
        var response = await _client.PostAsJsonAsync("/v1/audio/speech", new { input = text, voice = "af_standin_low", response_format = "wav" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The speakable words ("Hello", "world", "ok") still come out as audio, and a valid WAV.
        var samples = Ffmpeg.DecodeToFloat(await response.Content.ReadAsByteArrayAsync());
        Assert.True(samples.Length >= StandinModels.KokoroStandin.SampleCount(3, 1f), $"{samples.Length} samples");
        var phonemes = await _client.PostAsJsonAsync("/dev/phonemize", new { text, language = "a" });
        Assert.Equal(HttpStatusCode.OK, phonemes.StatusCode);
        var body = await phonemes.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEmpty(body.GetProperty("tokens").EnumerateArray());
        Assert.DoesNotContain(body.GetProperty("phonemes").GetString()!, char.IsControl);
    }

    [Theory]
    [InlineData("\u0007\u0000 \u200B")] // control and zero-width characters
    [InlineData("\u0301\u0302")]          // combining marks with nothing to combine with
    public async Task Input_that_speaks_nothing_is_a_clear_400_not_a_500(string input)
    {
        foreach (var (route, stream) in new[] { ("/v1/audio/speech", false), ("/v1/audio/speech", true), ("/v1/audio/speech/captioned", false), ("/v1/audio/speech/captioned", true) })
        {
            var response = await _client.PostAsJsonAsync(route, new { input, voice = "af_standin_low", response_format = "wav", stream });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
            Assert.Equal("input", error.GetProperty("param").GetString());
            Assert.Equal("nothing_to_speak", error.GetProperty("code").GetString());
        }
        await AssertStillSpeaks();
    }

    [Fact]
    public async Task Emoji_are_spoken_by_their_names()
    {
        var phonemes = await _client.PostAsJsonAsync("/dev/phonemize", new { text = "😀 🎉", language = "a" });
        Assert.Equal(HttpStatusCode.OK, phonemes.StatusCode);
        var spoken = (await phonemes.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phonemes").GetString()!;
        var named = await _client.PostAsJsonAsync("/dev/phonemize", new { text = "grinning face party popper", language = "a" });
        Assert.Equal((await named.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phonemes").GetString(), spoken);
    }

    private static async Task AssertError(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("code").GetString()));
    }

    private async Task AssertStillSpeaks()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health")).StatusCode);
        var ok = await _client.PostAsJsonAsync("/v1/audio/speech", new { input = "Fine.", voice = "af_standin_low", response_format = "pcm" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    /// <summary>A body the client cannot size up front, so it is sent chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
