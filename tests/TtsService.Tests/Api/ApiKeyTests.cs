using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

public sealed class ApiKeyTests : IDisposable
{
    private readonly ServiceFactory _factory = ServiceFactory.WithModels(Path.GetTempPath(), ("api_keys", "key-one, key-two"));

    [Fact]
    public async Task V1_and_dev_need_a_key_while_health_stays_open()
    {
        using var client = _factory.CreateClient();
        var missing = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("invalid_api_key", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/dev/phonemize", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/models")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "key-two");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
