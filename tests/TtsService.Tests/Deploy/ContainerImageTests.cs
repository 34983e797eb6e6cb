using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Voices;
using Xunit.Abstractions;

namespace TtsService.Tests.Deploy;

/// <summary>
/// The images as users deploy them (issue 19): built from the Dockerfile, started as the non-root user with a
/// read-only root file system, and used over HTTP: Kokoro speech, a registered ZipVoice voice that survives a
/// restart in /data, the image's HEALTHCHECK, and the GPU image saying plainly where it runs when there is no GPU.
/// </summary>
public sealed class ContainerImageTests(ContainerImages images, ITestOutputHelper output) : IClassFixture<ContainerImages>
{
    private void SkipIfUnavailable() => Skip.If(images.SkipReason is not null, images.SkipReason);

    [SkippableFact]
    public async Task The_CPU_image_runs_as_deployed_speaks_and_keeps_voices_across_a_restart()
    {
        SkipIfUnavailable();
        output.WriteLine($"stand-in bases {images.StandinBasesTime.TotalSeconds:0} s, CPU image build {images.CpuBuildTime.TotalSeconds:0} s, GPU image build {images.GpuBuildTime.TotalSeconds:0} s");
        var inspect = await images.PodmanAsync(["image", "inspect", ContainerImages.CpuImage, "--format", "{{.Size}} {{.Config.User}}"]);
        output.WriteLine($"CPU image size and user: {inspect.Output.Trim()}");
        Assert.EndsWith($" {ContainerImages.AppUid}:{ContainerImages.AppUid}", inspect.Output.Trim());

        var (container, port) = await images.StartAsync(ContainerImages.CpuImage, "cpu-data");
        using var client = await images.WaitForHealthAsync(container, port);

        // Ready on CPU, both backends, from the mounted models.
        var ready = await client.GetFromJsonAsync<JsonElement>("/ready");
        Assert.True(ready.GetProperty("ready").GetBoolean(), ready.ToString());
        Assert.Equal("cpu", ready.GetProperty("device").GetProperty("requested").GetString());
        foreach (var backend in ready.GetProperty("backends").EnumerateArray())
        {
            Assert.Equal("ready", backend.GetProperty("state").GetString());
            Assert.Equal("cpu", backend.GetProperty("device").GetString());
        }

        // Runs as uid 1654, and nothing outside /data and /tmp can be written.
        var id = await images.PodmanAsync(["exec", container, "id", "-u"]);
        Assert.Equal(ContainerImages.AppUid.ToString(), id.Output.Trim());
        var write = await images.PodmanAsync(["exec", container, "sh", "-c", "touch /app/written 2>&1; touch /data/written && touch /tmp/written && echo data-and-tmp-writable"]);
        Assert.Contains("Read-only file system", write.Output);
        Assert.Contains("data-and-tmp-writable", write.Output);

        // Kokoro: a streamed mp3 and a whole wav, each decoded by ffmpeg.
        var mp3 = await Speech(client, "/v1/audio/speech", new { model = "kokoro", input = "Hello from the container. A second sentence.", voice = "af_standin_low", response_format = "mp3", stream = true });
        Assert.True(mp3.Headers.TransferEncodingChunked, "a streamed response is sent chunked");
        AssertDecodes(await mp3.Content.ReadAsByteArrayAsync(), "mp3");
        var wav = await Speech(client, "/v1/audio/speech", new { model = "kokoro", input = "Whole file please.", voice = "af_standin_high", response_format = "wav", stream = false });
        AssertDecodes(await wav.Content.ReadAsByteArrayAsync(), "wav");

        // ZipVoice: register a voice (stored under /data) and speak with it.
        var register = new MultipartFormDataContent
        {
            { new StringContent("container_voice"), "name" },
            { new StringContent("This voice was recorded for the container test."), "transcription" },
        };
        register.Add(new ByteArrayContent(TestAudio.SpokenWav("This voice was recorded for the container test.")) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "prompt.wav");
        var created = await client.PostAsync("/v1/zipvoice/voices/register", register);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var cloned = new { model = "zipvoice", input = "Cloned words from inside the image.", voice = "container_voice", response_format = "wav", stream = false, num_steps = 2, seed = 7 };
        AssertDecodes(await (await Speech(client, "/v1/zipvoice/audio/speech", cloned)).Content.ReadAsByteArrayAsync(), "wav");

        // A restart keeps the voice: it lives in the /data volume, not in the container.
        var restart = await images.PodmanAsync(["restart", "-t", "10", container]);
        Assert.True(restart.ExitCode == 0, restart.Error);
        using var again = await images.WaitForHealthAsync(container, port);
        var voice = await again.GetAsync("/v1/zipvoice/voices/container_voice");
        Assert.True(voice.StatusCode == HttpStatusCode.OK, await voice.Content.ReadAsStringAsync());
        Assert.Equal("This voice was recorded for the container test.", (await voice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("transcription").GetString());
        AssertDecodes(await (await Speech(again, "/v1/zipvoice/audio/speech", cloned)).Content.ReadAsByteArrayAsync(), "wav");

        // The image's own HEALTHCHECK command, run inside the container.
        var health = await images.PodmanAsync(["healthcheck", "run", container]);
        Assert.True(health.ExitCode == 0, $"HEALTHCHECK failed: {health.Output} {health.Error}");
    }

    [SkippableFact]
    public async Task The_GPU_image_without_a_GPU_serves_on_CPU_and_says_why_and_device_type_cuda_refuses_to()
    {
        SkipIfUnavailable();
        // use_gpu=true is the GPU image's default; the stand-in base has no CUDA libraries.
        var (preferring, port) = await images.StartAsync(ContainerImages.GpuImage, "gpu-data");
        using var client = await images.WaitForHealthAsync(preferring, port);
        var ready = await client.GetFromJsonAsync<JsonElement>("/ready");
        output.WriteLine($"use_gpu=true, no GPU: /ready = {ready}");
        Assert.True(ready.GetProperty("ready").GetBoolean());
        var device = ready.GetProperty("device");
        Assert.Equal("cuda", device.GetProperty("requested").GetString());
        // The first library of the CUDA provider that the loader cannot find: CUDA 13's cuBLAS (see CudaBaseImageTests).
        Assert.Matches(@"^lib\w+\.so\.\d+ is missing", device.GetProperty("cuda_error").GetString());
        foreach (var backend in ready.GetProperty("backends").EnumerateArray())
            Assert.Equal("cpu", backend.GetProperty("device").GetString());
        var logs = await images.PodmanAsync(["logs", preferring]);
        Assert.Contains("falls back to CPU", logs.Output + logs.Error);
        AssertDecodes(await (await Speech(client, "/v1/audio/speech", new { model = "kokoro", input = "Still speaking on the CPU.", voice = "af_standin_low", response_format = "wav", stream = false })).Content.ReadAsByteArrayAsync(), "wav");

        // device_type=cuda demands the GPU: no backend loads, /ready is 503 and names the reason.
        var (demanding, demandingPort) = await images.StartAsync(ContainerImages.GpuImage, "gpu-required-data", ("device_type", "cuda"));
        using var strict = await images.WaitForHealthAsync(demanding, demandingPort);
        var refused = await strict.GetAsync("/ready");
        var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"device_type=cuda, no GPU: /ready {(int)refused.StatusCode} = {body}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("cuda-required", body.GetProperty("device").GetProperty("requested").GetString());
        foreach (var backend in body.GetProperty("backends").EnumerateArray())
        {
            Assert.Equal("unavailable", backend.GetProperty("state").GetString());
            Assert.Contains("device_type=cuda", backend.GetProperty("reason").GetString());
        }
        var speech = await strict.PostAsJsonAsync("/v1/audio/speech", new { model = "kokoro", input = "No.", voice = "af_standin_low" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, speech.StatusCode);
    }

    private static async Task<HttpResponseMessage> Speech(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static void AssertDecodes(byte[] audio, string format)
    {
        Assert.Equal("", Ffmpeg.DecodeMessages(audio));
        Assert.Contains(format, Ffmpeg.Probe(audio).Format);
        Assert.True(Ffmpeg.DecodeToFloat(audio).Length > 2400, $"{format}: under 0.1 s of audio decoded");
    }
}
