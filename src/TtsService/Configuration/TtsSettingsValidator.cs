using Microsoft.Extensions.Options;
using TtsService.Inference;
using TtsService.Speech;

namespace TtsService.Configuration;

/// <summary>
/// Checks the settings once, at start-up (<c>ValidateOnStart</c>): a bad value stops the host with one line
/// per setting naming it, its value and what is allowed, instead of surfacing later as a client's 400 or a
/// silently different model.
/// </summary>
public sealed class TtsSettingsValidator : IValidateOptions<TtsSettings>
{
    public static readonly IReadOnlyList<string> DeviceTypes = ["auto", "cpu", "cuda"];
    public static readonly IReadOnlyList<string> ThreadPools = ["shared", "per_session"];

    public ValidateOptionsResult Validate(string? name, TtsSettings s)
    {
        var failures = new List<string>(s.BindFailures);
        void OneOf(string key, string value, IReadOnlyList<string> allowed)
        {
            if (!allowed.Contains(value.Trim().ToLowerInvariant()))
                failures.Add($"Setting '{key}' is '{value}'; allowed: {string.Join(", ", allowed)}.");
        }
        void Range(string key, double value, double min, double max, string? note = null)
        {
            if (!(value >= min && value <= max))
                failures.Add($"Setting '{key}' is {value}; allowed: {min} to {max}{note}.");
        }
        void Positive(string key, double value)
        {
            if (!(value > 0)) failures.Add($"Setting '{key}' is {value}; it must be greater than 0.");
        }
        void NotNegative(string key, double value, string zeroMeans)
        {
            if (!(value >= 0)) failures.Add($"Setting '{key}' is {value}; it must be 0 ({zeroMeans}) or more.");
        }
        void Required(string key, string value, string what = "a folder")
        {
            if (string.IsNullOrWhiteSpace(value)) failures.Add($"Setting '{key}' is empty; it must name {what}.");
        }

        OneOf("default_backend", s.DefaultBackend, ModelCatalog.Backends);
        OneOf("zipvoice_model", s.ZipvoiceModel, ModelCatalog.ZipVoiceModels);
        OneOf("device_type", s.DeviceType, DeviceTypes);
        OneOf("onnx_thread_pool", s.OnnxThreadPool, ThreadPools);
        Range("zipvoice_num_steps", s.ZipvoiceNumSteps, 0, SpeechLimits.MaxNumSteps, " (0 = the model's default)");
        Required("models_dir", s.ModelsDir);
        Required("zipvoice_cache_dir", s.ZipvoiceCacheDir);
        Required("download_dir", s.DownloadDir);
        Positive("max_input_chars", s.MaxInputChars);
        Positive("max_upload_size_mb", s.MaxUploadSizeMb);
        Positive("zipvoice_max_prompt_duration", s.ZipvoiceMaxPromptDuration);
        Positive("zipvoice_max_download_size_mb", s.ZipvoiceMaxDownloadSizeMb);
        Positive("zipvoice_download_timeout_seconds", s.ZipvoiceDownloadTimeoutSeconds);
        Positive("request_timeout_seconds", s.RequestTimeoutSeconds);
        Positive("download_ttl_minutes", s.DownloadTtlMinutes);
        NotNegative("shutdown_timeout_seconds", s.ShutdownTimeoutSeconds, "stop at once");
        NotNegative("max_concurrent_inferences", s.MaxConcurrentInferences, "one per core on CPU, 2 on GPU");
        NotNegative("max_queued_requests", s.MaxQueuedRequests, "no queue");
        NotNegative("onnx_intra_op_threads", s.OnnxIntraOpThreads, "one per core");
        NotNegative("zipvoice_prompt_cache_mb", s.ZipvoicePromptCacheMb, "no cache");
        NotNegative("max_combined_voices", s.MaxCombinedVoices, "keep none: a combined voice is mixed again from its name each time");
        NotNegative("zipvoice_unload_idle_minutes", s.ZipvoiceUnloadIdleMinutes, "never unload");
        NotNegative("max_queue_wait_seconds", s.MaxQueueWaitSeconds, "admission by expected wait off");
        if (double.IsInfinity(s.MaxQueueWaitSeconds)) failures.Add($"Setting 'max_queue_wait_seconds' is {s.MaxQueueWaitSeconds}; use 0 to turn admission by expected wait off.");
        Required("ffmpeg_path", s.FfmpegPath, "the ffmpeg program (a path or a name on the PATH)");
        // The two GPU settings are read together once (TtsSettings.WantsGpu); a contradiction stops the start.
        if (s.UseGpu && s.DeviceType.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase))
            failures.Add("Settings 'use_gpu' is true but 'device_type' is 'cpu'; set device_type=auto or cuda to use the GPU, or use_gpu=false.");
        Positive("stream_idle_timeout_seconds", s.StreamIdleTimeoutSeconds);
        Positive("stream_max_session_seconds", s.StreamMaxSessionSeconds);
        Range("stream_max_message_bytes", s.StreamMaxMessageBytes, 256, 16 * 1024 * 1024);
        Positive("stream_max_text_chars", s.StreamMaxTextChars);
        Positive("stream_max_buffered_audio_seconds", s.StreamMaxBufferedAudioSeconds);
        NotNegative("stream_max_wait_ms", s.StreamMaxWaitMs, "wait for punctuation");
        if (s.DefaultBackend.Trim().Equals(ModelCatalog.Kokoro, StringComparison.OrdinalIgnoreCase) && !s.EnableKokoro && s.EnableZipvoice)
            failures.Add("Setting 'default_backend' is 'kokoro' but 'enable_kokoro' is false; set default_backend=zipvoice or enable Kokoro.");
        if (s.DefaultBackend.Trim().Equals(ModelCatalog.ZipVoice, StringComparison.OrdinalIgnoreCase) && !s.EnableZipvoice && s.EnableKokoro)
            failures.Add("Setting 'default_backend' is 'zipvoice' but 'enable_zipvoice' is false; set default_backend=kokoro or enable ZipVoice.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
