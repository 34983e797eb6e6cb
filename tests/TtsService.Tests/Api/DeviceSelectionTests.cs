using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// Where the models run, as <c>/ready</c> reports it: this test build has the CPU ONNX Runtime, so asking for CUDA
/// shows the fallback and its reason (use_gpu=true) or a refusal to serve on CPU (device_type=cuda).
/// The GPU image's own case, with the CUDA provider present and its libraries missing, is in ContainerImageTests.
/// </summary>
public sealed class DeviceSelectionTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    [Fact]
    public async Task Cpu_by_default_and_ready_says_so()
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("enable_zipvoice", "false"));
        var ready = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/ready");
        Assert.Equal("cpu", ready.GetProperty("device").GetProperty("requested").GetString());
        Assert.False(ready.GetProperty("device").TryGetProperty("cuda_error", out _));
        Assert.Equal("cpu", Kokoro(ready).GetProperty("device").GetString());
    }

    [Fact]
    public async Task Use_gpu_without_a_CUDA_provider_serves_on_cpu_and_says_why()
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("enable_zipvoice", "false"), ("use_gpu", "true"));
        var client = factory.CreateClient();
        var ready = await client.GetFromJsonAsync<JsonElement>("/ready");
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal("cuda", ready.GetProperty("device").GetProperty("requested").GetString());
        Assert.StartsWith("this build has no CUDA provider (libonnxruntime_providers_cuda.so)", ready.GetProperty("device").GetProperty("cuda_error").GetString());
        Assert.Equal("cpu", Kokoro(ready).GetProperty("device").GetString());
        var speech = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "kokoro", input = "On the CPU.", voice = "af_standin_low", response_format = "wav", stream = false });
        Assert.Equal(HttpStatusCode.OK, speech.StatusCode);
    }

    [Fact]
    public async Task Device_type_cuda_without_CUDA_is_not_ready_and_names_the_reason()
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("enable_zipvoice", "false"), ("device_type", "cuda"));
        var client = factory.CreateClient();
        var response = await client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var ready = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cuda-required", ready.GetProperty("device").GetProperty("requested").GetString());
        var kokoro = Kokoro(ready);
        Assert.Equal("unavailable", kokoro.GetProperty("state").GetString());
        Assert.Contains("device_type=cuda, but kokoro-v1.0.onnx cannot run on CUDA: this build has no CUDA provider", kokoro.GetProperty("reason").GetString());
        var speech = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "kokoro", input = "No.", voice = "af_standin_low" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, speech.StatusCode);
    }

    private static JsonElement Kokoro(JsonElement ready) =>
        ready.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "kokoro");
}
