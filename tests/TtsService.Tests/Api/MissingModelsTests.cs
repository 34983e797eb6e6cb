using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>The host with an empty models directory: it starts, says what is missing, and answers 503 in the error shape.</summary>
public sealed class MissingModelsTests : IDisposable
{
    private readonly string _emptyModels = Directory.CreateTempSubdirectory("tts-empty-models").FullName;
    private readonly ServiceFactory _factory;
    private readonly HttpClient _client;

    public MissingModelsTests()
    {
        _factory = ServiceFactory.WithModels(_emptyModels);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Health_is_200_while_ready_names_the_missing_model_file()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health")).StatusCode);
        var ready = await _client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        var kokoro = body.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "kokoro");
        Assert.Equal("unavailable", kokoro.GetProperty("state").GetString());
        Assert.Contains("kokoro-v1.0.onnx", kokoro.GetProperty("reason").GetString());
        Assert.Contains("download.sh", kokoro.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Speech_on_a_missing_model_is_503_naming_the_file()
    {
        var response = await _client.PostAsJsonAsync("/v1/audio/speech", new { model = "kokoro", input = "Hello.", voice = "af_heart", response_format = "wav" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("service_unavailable", error.GetProperty("type").GetString());
        Assert.Contains("kokoro-v1.0.onnx", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Models_list_is_empty_when_nothing_is_loaded()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(0, body.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/v1/nothing-here", 404)]
    [InlineData("PUT", "/v1/audio/speech", 405)]
    public async Task Unknown_routes_and_methods_get_the_error_shape(string method, string path, int status)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Malformed_json_is_400_with_a_message()
    {
        var response = await _client.PostAsync("/v1/audio/speech", new StringContent("{\"input\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Docs_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/docs/index.html")).StatusCode);
        var spec = await _client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        Assert.True(spec.GetProperty("paths").TryGetProperty("/v1/audio/speech", out _));
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        Directory.Delete(_emptyModels, recursive: true);
    }
}
