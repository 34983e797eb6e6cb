using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Voices;

namespace TtsService.Tests.Api;

/// <summary>
/// One binder for <see cref="SpeechRequest"/>: every field the document lists for the speech request binds the same from
/// JSON and from a multipart form, and the fields a form once dropped (stream_format, return_download_link,
/// download_format, lang_code) have the same effect both ways over HTTP.
/// </summary>
public sealed class SpeechRequestBindingTests(KokoroService service) : IClassFixture<KokoroService>
{
    /// <summary>A value, other than the default, for every documented field.</summary>
    private static readonly JsonObject EveryField = new()
    {
        ["model"] = "zipvoice_distill", ["input"] = "Hello there.", ["voice"] = "alice", ["response_format"] = "flac",
        ["download_format"] = "wav", ["return_timestamps"] = false, ["speed"] = 1.5, ["stream"] = false,
        ["volume_multiplier"] = 2.5, ["lang_code"] = "b", ["normalization_options"] = new JsonObject
        {
            ["normalize"] = false, ["unit_normalization"] = true, ["url_normalization"] = false, ["email_normalization"] = false,
            ["optional_pluralization_normalization"] = false, ["phone_normalization"] = false,
        },
        ["return_download_link"] = true, ["stream_format"] = "sse", ["instructions"] = "Whisper.", ["prompt_text"] = "Hi.",
        ["num_steps"] = 7, ["guidance_scale"] = 2.5, ["t_shift"] = 0.7, ["remove_long_silence"] = true, ["max_duration"] = 12.5, ["seed"] = 42,
    };

    private static MultipartFormDataContent Form(JsonObject fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), name);
        return form;
    }

    private async Task<SpeechRequest> Bind(HttpContent content)
    {
        var http = new DefaultHttpContext { RequestServices = service.Factory.Services };
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new AcceptsMetadata(["application/json", "multipart/form-data"])), "speech"));
        http.Request.ContentType = content.Headers.ContentType!.ToString();
        http.Request.Body = new MemoryStream(await content.ReadAsByteArrayAsync());
        return (await SpeechRequest.BindAsync(http, typeof(SpeechRequestBindingTests).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Instance)!.GetParameters()[0]))!;
    }

    [Fact]
    public async Task Every_documented_field_binds_the_same_from_json_and_from_a_form()
    {
        var document = JsonNode.Parse(await service.Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        var documented = document["components"]!["schemas"]!["SpeechRequest"]!["properties"]!.AsObject().Select(p => p.Key).Order().ToList();
        Assert.Equal(documented, EveryField.Select(f => f.Key).Order().ToList()); // a new documented field needs a value here

        var options = service.Factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var fromJson = await Bind(JsonContent.Create(EveryField));
        var fromForm = await Bind(Form(EveryField));
        var json = JsonSerializer.SerializeToNode(fromJson, options)!.AsObject();
        // Each field arrived (a dropped one would be null and left out) with the value sent, both ways.
        Assert.True(JsonNode.DeepEquals(EveryField, json), json.ToJsonString());
        Assert.True(JsonNode.DeepEquals(json, JsonSerializer.SerializeToNode(fromForm, options)), JsonSerializer.Serialize(fromForm, options));
    }

    [Fact]
    public async Task Form_values_the_field_cannot_hold_are_a_400_naming_it()
    {
        foreach (var (field, value) in new[] { ("speed", "fast"), ("stream", "maybe"), ("num_steps", "7.5"), ("normalization_options", "{not json") })
        {
            var error = await Assert.ThrowsAsync<TtsService.Errors.InvalidRequestException>(() => Bind(Form(new JsonObject { ["input"] = "Hi.", [field] = value })));
            Assert.Equal(field, error.Param);
        }
    }

    /// <summary>The fields the multipart route used to drop, sent both ways to a ZipVoice host with a stand-in synthesizer.</summary>
    [Theory]
    [InlineData("stream_format", "sse")]
    [InlineData("return_download_link", "true")]
    [InlineData("download_format", "wav")]
    [InlineData("lang_code", "english")]
    public async Task A_field_has_the_same_effect_from_json_and_from_a_form(string field, string value)
    {
        var fake = new FakeZipVoice();
        using var host = service.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(fake.Register));
        using var client = host.CreateClient();
        var body = new JsonObject
        {
            ["model"] = "zipvoice", ["input"] = "Hello world.", ["voice"] = "base64+" + Convert.ToBase64String(TestAudio.SineWav(1.0)),
            ["prompt_text"] = "A tone.", ["response_format"] = "mp3", ["stream"] = false,
            // return_download_link's copy is in download_format: ask for one when the field under test is the format.
            [field] = field == "return_download_link" ? true : JsonValue.Create(value),
        };
        if (field == "download_format") body["return_download_link"] = true;

        var fromJson = await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", body);
        var fromForm = await client.PostAsync("/v1/zipvoice/audio/speech", Form(body));
        Assert.Equal(fromJson.StatusCode, fromForm.StatusCode);
        Assert.Equal(fromJson.Content.Headers.ContentType?.MediaType, fromForm.Content.Headers.ContentType?.MediaType);
        switch (field)
        {
            case "stream_format":
                Assert.Equal("text/event-stream", fromForm.Content.Headers.ContentType?.MediaType);
                Assert.Equal(await fromJson.Content.ReadAsStringAsync(), await fromForm.Content.ReadAsStringAsync());
                break;
            case "return_download_link" or "download_format":
                Assert.Equal(HttpStatusCode.OK, fromForm.StatusCode);
                var copies = new List<HttpResponseMessage>();
                foreach (var response in new[] { fromJson, fromForm })
                    copies.Add(await client.GetAsync(response.Headers.GetValues("X-Download-Path").Single()));
                Assert.Equal(field == "download_format" ? "audio/wav" : "audio/mpeg", copies[1].Content.Headers.ContentType?.MediaType);
                Assert.Equal(await copies[0].Content.ReadAsByteArrayAsync(), await copies[1].Content.ReadAsByteArrayAsync());
                break;
            case "lang_code":
                Assert.Equal(HttpStatusCode.BadRequest, fromForm.StatusCode);
                Assert.Equal("lang_code", (await fromForm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString());
                break;
        }
    }
}
