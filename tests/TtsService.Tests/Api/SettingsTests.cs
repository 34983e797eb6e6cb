using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.TestHost;
using TtsService.Configuration;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Voices;

namespace TtsService.Tests.Api;

/// <summary>
/// Settings are bound once from snake_case keys and validated when the host starts: a bad value stops the start
/// naming the setting, its value and what is allowed, instead of surfacing later as a client's 400 or a silently
/// different model.
/// </summary>
public sealed class SettingsTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>
{
    private static TtsSettings Bind(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
        return TtsSettings.FromConfiguration(configuration);
    }

    private static IReadOnlyList<string> Failures(params (string Key, string Value)[] values) =>
        new TtsSettingsValidator().Validate(null, Bind(values)).Failures?.ToList() ?? [];

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Failures());

    [Theory]
    [InlineData("zipvoice_model", "zipvoice_large", "zipvoice, zipvoice_distill, zipvoice_dialog, zipvoice_dialog_stereo")]
    [InlineData("default_backend", "piper", "kokoro, zipvoice")]
    [InlineData("device_type", "gpu", "auto, cpu, cuda")]
    [InlineData("onnx_thread_pool", "global", "shared, per_session")]
    [InlineData("zipvoice_num_steps", "40", "0 to 32")]
    [InlineData("zipvoice_num_steps", "-1", "0 to 32")]
    [InlineData("max_input_chars", "0", "greater than 0")]
    [InlineData("request_timeout_seconds", "-5", "greater than 0")]
    [InlineData("max_upload_size_mb", "0", "greater than 0")]
    [InlineData("download_ttl_minutes", "0", "greater than 0")]
    [InlineData("max_concurrent_inferences", "-1", "0 (one per core")]
    [InlineData("enable_kokoro", "maybe", "a boolean")]
    [InlineData("max_queued_requests", "lots", "a whole number")]
    [InlineData("zipvoice_max_prompt_duration", "long", "a number")]
    [InlineData("max_queue_wait_seconds", "-1", "0 (admission by expected wait off)")]
    [InlineData("max_combined_voices", "-1", "0 (keep none")]
    public void A_bad_setting_is_named_with_its_value_and_what_is_allowed(string key, string value, string allowed)
    {
        var failure = Assert.Single(Failures((key, value)));
        Assert.Contains($"'{key}'", failure);
        Assert.Contains(value, failure);
        Assert.Contains(allowed, failure);
    }

    /// <summary>use_gpu and device_type are read together once (TtsSettings.WantsGpu) and a contradiction stops the start.</summary>
    [Theory]
    [InlineData("false", "auto", false)]
    [InlineData("true", "auto", true)]
    [InlineData("false", "cuda", true)]
    [InlineData("true", "cuda", true)]
    [InlineData("false", "cpu", false)]
    public void Use_gpu_and_device_type_give_one_answer(string useGpu, string deviceType, bool gpu)
    {
        var settings = Bind(("use_gpu", useGpu), ("device_type", deviceType));
        Assert.Equal(gpu, settings.WantsGpu);
        Assert.Empty(Failures(("use_gpu", useGpu), ("device_type", deviceType)));
        // Before, device_type=cuda with use_gpu=false ran CUDA sessions under a CPU's slot count and pipelining.
        Assert.Equal(gpu ? 2 : Environment.ProcessorCount, settings.EffectiveMaxConcurrentInferences);
    }

    [Fact]
    public void Use_gpu_with_device_type_cpu_is_refused()
    {
        var failure = Assert.Single(Failures(("use_gpu", "true"), ("device_type", "cpu")));
        Assert.Contains("'use_gpu'", failure);
        Assert.Contains("'device_type' is 'cpu'", failure);
    }

    /// <summary>FFMPEG_PATH was read from the environment by the aac encoder itself; now it is a setting like the others.</summary>
    [Fact]
    public async Task Ffmpeg_path_is_a_setting_that_reaches_the_aac_encoder()
    {
        Assert.Equal("/opt/ffmpeg/bin/ffmpeg", Bind(("FFMPEG_PATH", "/opt/ffmpeg/bin/ffmpeg")).FfmpegPath);
        Assert.Equal("ffmpeg", Bind().FfmpegPath);
        await using var factory = ServiceFactory.WithModels(models.Dir, ("ffmpeg_path", "/nonexistent/ffmpeg"));
        var encoders = factory.Services.GetRequiredService<TtsService.Audio.AudioEncoderFactory>();
        Assert.False(encoders.IsAvailable(TtsService.Audio.AudioFormat.Aac));
        Assert.True(encoders.IsAvailable(TtsService.Audio.AudioFormat.Wav));
    }

    /// <summary>The host's shutdown timeout comes from the one bound settings object, not a second read of the configuration.</summary>
    [Fact]
    public async Task The_shutdown_timeout_comes_from_the_validated_settings()
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("shutdown_timeout_seconds", "7"));
        Assert.Equal(TimeSpan.FromSeconds(7), factory.Services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once() =>
        Assert.Equal(3, Failures(("zipvoice_model", "x"), ("device_type", "y"), ("zipvoice_num_steps", "99")).Count);

    [Theory]
    [InlineData("yes", true)] [InlineData("on", true)] [InlineData("1", true)] [InlineData("TRUE", true)]
    [InlineData("no", false)] [InlineData("off", false)] [InlineData("0", false)]
    public void Booleans_take_the_yes_on_1_forms(string raw, bool expected) =>
        Assert.Equal(expected, Bind(("zipvoice_allow_base64", raw)).ZipvoiceAllowBase64);

    [Fact]
    public void Default_backend_must_be_enabled() =>
        Assert.Contains("enable_kokoro", Assert.Single(Failures(("enable_kokoro", "false"))));

    [Fact]
    public async Task The_service_process_exits_with_one_line_per_bad_setting()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TtsService.dll");
        var data = Directory.CreateTempSubdirectory("tts-settings").FullName;
        try
        {
            // The .env file in the working directory is read like the other sources (the spec's order).
            await File.WriteAllTextAsync(Path.Combine(data, ".env"), "device_type=gpu\n");
            using var service = Process.Start(new ProcessStartInfo("dotnet",
                $"\"{dll}\" --urls http://127.0.0.1:0 --models_dir \"{models.Dir}\" --zipvoice_cache_dir \"{data}/voices\" --download_dir \"{data}/dl\" --zipvoice_model bogus")
            {
                WorkingDirectory = data,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stderr = service.StandardError.ReadToEndAsync();
            _ = service.StandardOutput.ReadToEndAsync();
            Assert.True(service.WaitForExit(60_000), "the host must stop instead of serving");
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(2, service.ExitCode);
            Assert.Equal(2, lines.Length);
            Assert.Contains(lines, l => l.StartsWith("Setting '") && l.Contains("'zipvoice_model' is 'bogus'"));
            Assert.Contains(lines, l => l.StartsWith("Setting '") && l.Contains("'device_type' is 'gpu'"));
        }
        finally { Directory.Delete(data, recursive: true); }
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Warmup_speaks_once_per_ready_backend_before_the_host_serves(string warmup)
    {
        await using var factory = ServiceFactory.WithModels(models.Dir, ("warmup", warmup));
        using var client = factory.CreateClient(); // returns once the hosted ModelLoader has finished
        var calls = factory.Services.GetRequiredService<TtsService.Inference.InferenceLimiter>().Completed;
        // Kokoro is ready (one short sentence, one model call); ZipVoice has no stand-in here, so nothing to warm.
        Assert.Equal(warmup == "true" ? 1 : 0, calls);
    }

    [Fact]
    public async Task Default_backend_zipvoice_speaks_requests_without_a_model_with_zipvoice_model()
    {
        var fake = new FakeZipVoice();
        await using var factory = ServiceFactory.WithModels(models.Dir, ("default_backend", "zipvoice"), ("zipvoice_model", "zipvoice_distill"));
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(fake.Register));
        using var client = host.CreateClient();
        var b64 = "base64+" + Convert.ToBase64String(TestAudio.SineWav(1.0));
        var response = await client.PostAsJsonAsync("/v1/audio/speech", new { input = "No model given.", voice = b64, prompt_text = "Words.", response_format = "wav" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("zipvoice_distill", fake.Last.Model);
    }
}
