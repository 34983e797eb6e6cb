namespace TtsService.Configuration;

/// <summary>
/// Every setting of the service, bound from configuration keys spelled as in the spec
/// (snake_case: appsettings.json, then .env, then environment variables, then the command line).
/// </summary>
public sealed class TtsSettings
{
    public bool EnableKokoro { get; set; } = true;
    public bool EnableZipvoice { get; set; } = true;
    /// <summary>Backend that speaks a request without <c>model</c>: "kokoro" or "zipvoice" (then <see cref="ZipvoiceModel"/>).</summary>
    public string DefaultBackend { get; set; } = "kokoro";

    /// <summary>Root of the model files; relative paths are resolved against the content root.</summary>
    public string ModelsDir { get; set; } = "models";

    public string ZipvoiceModel { get; set; } = "zipvoice";
    /// <summary>0 means: the variant's upstream default (16 for zipvoice, 8 for zipvoice_distill).</summary>
    public int ZipvoiceNumSteps { get; set; }
    public string ZipvoiceCacheDir { get; set; } = "data/zipvoice_prompts";
    public double ZipvoiceMaxPromptDuration { get; set; } = 30.0;
    public bool ZipvoiceRemoveLongSilence { get; set; } = true;
    /// <summary>
    /// A streamed request that finds the server idle speaks its opening words in a call of their own, so audio
    /// starts after about a quarter of the time, when that call can run beside the rest (1 intra-op thread on a
    /// multi-core CPU, or CUDA): it repeats the prompt.
    /// </summary>
    public bool ZipvoiceStreamFirstWords { get; set; } = true;
    public bool ZipvoiceAllowUrlDownload { get; set; } = true;
    public bool ZipvoiceAllowPrivateUrls { get; set; }
    public bool ZipvoiceAllowBase64 { get; set; } = true;
    public double ZipvoiceMaxDownloadSizeMb { get; set; } = 25;
    /// <summary>Whole download of a url+ prompt, redirects included.</summary>
    public double ZipvoiceDownloadTimeoutSeconds { get; set; } = 20;
    /// <summary>Bytes of decoded prompt audio and features kept in memory.</summary>
    public long ZipvoicePromptCacheMb { get; set; } = 256;

    public bool UseGpu { get; set; }
    /// <summary>"auto", "cpu" or "cuda".</summary>
    public string DeviceType { get; set; } = "auto";

    /// <summary>
    /// Whether models should run on the GPU, from <see cref="UseGpu"/> and <see cref="DeviceType"/> read together once:
    /// <c>cuda</c> yes, <c>cpu</c> no, <c>auto</c> as <c>use_gpu</c> says (use_gpu=true with device_type=cpu is refused
    /// at start-up). Sessions, slots and the limiter all follow this one answer.
    /// </summary>
    public bool WantsGpu => DeviceType.Trim().ToLowerInvariant() switch
    {
        "cuda" => true,
        "cpu" => false,
        _ => UseGpu,
    };

    /// <summary>The ffmpeg program for aac responses: a path, or a name on the PATH (also set by <c>FFMPEG_PATH</c>).</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    public int MaxInputChars { get; set; } = 20000;
    /// <summary>Voices made by /v1/audio/voices/combine kept in memory (about 0.5 MB each), least recently used dropped first; 0 keeps none.</summary>
    public int MaxCombinedVoices { get; set; } = 64;
    /// <summary>0 means: number of cores on CPU, 2 on GPU.</summary>
    public int MaxConcurrentInferences { get; set; }
    public int MaxQueuedRequests { get; set; } = 64;
    /// <summary>A speech request whose estimated wait (the work admitted requests still owe ÷ inference slots) is above this is 429 with Retry-After; 0 = off.</summary>
    public double MaxQueueWaitSeconds { get; set; }
    /// <summary>ONNX Runtime intra-op threads; 0 = one per core.</summary>
    public int OnnxIntraOpThreads { get; set; }
    /// <summary>
    /// "shared" (default): one intra-op pool of <see cref="OnnxIntraOpThreads"/> threads for every model and
    /// request, so concurrent calls share the cores instead of oversubscribing them; "per_session": each
    /// model has its own pool (ONNX Runtime's default).
    /// </summary>
    public string OnnxThreadPool { get; set; } = "shared";
    /// <summary>
    /// With the shared pool on a multi-core CPU: each model is loaded a second time with one intra-op thread of its
    /// own, and a model call that starts while another call runs or waits uses that copy, so under load each call keeps
    /// to a core and alone it still gets them all. Costs a second copy of the weights in memory.
    /// </summary>
    public bool OnnxThreadsByLoad { get; set; }
    /// <summary>Idle ONNX Runtime threads spin for a while before sleeping: a little lower latency, but
    /// spinning threads steal cores from concurrent calls.</summary>
    public bool OnnxAllowSpinning { get; set; }
    /// <summary>ONNX Runtime's CPU arena: it keeps each model's largest call for good, but without it the process
    /// allocator fragments far worse (realshape soak: 4–5 GB after 8 requests, against 2.1 GB with it).</summary>
    public bool OnnxMemoryArena { get; set; } = true;
    /// <summary>ZipVoice variants other than <see cref="ZipvoiceModel"/> are unloaded after this many idle minutes; 0 keeps them.</summary>
    public double ZipvoiceUnloadIdleMinutes { get; set; } = 30;
    /// <summary>Comma-separated; when non-empty every /v1 and /dev call needs a Bearer key.</summary>
    public string ApiKeys { get; set; } = "";

    /// <summary>A whole request (synthesis and streaming included) is cancelled after this long.</summary>
    public int RequestTimeoutSeconds { get; set; } = 600;
    /// <summary>On SIGTERM, in-flight requests get this long to finish before the host stops.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>After loading, each backend speaks one short sentence so the first user does not pay ONNX Runtime's first-call set-up.</summary>
    public bool Warmup { get; set; }

    // Streaming sessions (/v1/audio/speech/stream and the ElevenLabs-compatible stream-input WebSocket).
    /// <summary>A session with no client message for this long, and nothing left to say, is closed (4408).</summary>
    public double StreamIdleTimeoutSeconds { get; set; } = 30;
    /// <summary>A session is closed (4408) after this long in all.</summary>
    public double StreamMaxSessionSeconds { get; set; } = 1800;
    /// <summary>Largest client message after the first (which may carry a base64 voice prompt up to the upload limit); larger closes with 1009.</summary>
    public int StreamMaxMessageBytes { get; set; } = 65536;
    /// <summary>Text one session may send in all; more closes with 4413.</summary>
    public int StreamMaxTextChars { get; set; } = 100000;
    /// <summary>Synthesis stops running ahead once this much audio waits for a client that does not read; it resumes as the client reads.</summary>
    public double StreamMaxBufferedAudioSeconds { get; set; } = 10;
    /// <summary>Text waiting this long for punctuation (with at least 4 words) is spoken up to a word boundary; 0 = wait for punctuation, flush or end.</summary>
    public int StreamMaxWaitMs { get; set; } = 600;

    public string DownloadDir { get; set; } = "data/downloads";
    /// <summary>How long files made with return_download_link stay downloadable.</summary>
    public int DownloadTtlMinutes { get; set; } = 60;
    public double MaxUploadSizeMb { get; set; } = 25;

    /// <summary>
    /// Maps snake_case keys ("enable_kokoro") onto these properties. A value that does not parse is kept as a
    /// failure for <see cref="TtsSettingsValidator"/>, so the start stops with every bad setting named at once.
    /// </summary>
    public static void Bind(IConfiguration configuration, TtsSettings settings)
    {
        foreach (var property in typeof(TtsSettings).GetProperties().Where(p => p.CanWrite))
        {
            var key = ToSnakeCase(property.Name);
            var raw = configuration[key];
            if (string.IsNullOrWhiteSpace(raw)) continue;
            try
            {
                var value = property.PropertyType == typeof(bool)
                    ? ParseBool(raw)
                    : Convert.ChangeType(raw.Trim(), property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
                property.SetValue(settings, value);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                settings.BindFailures.Add($"Setting '{key}' is '{raw}', which is not {Describe(property.PropertyType)}.");
            }
        }
    }

    /// <summary>Bound and not yet validated: for tools that read the settings outside the host.</summary>
    public static TtsSettings FromConfiguration(IConfiguration configuration)
    {
        var settings = new TtsSettings();
        Bind(configuration, settings);
        return settings;
    }

    /// <summary>Values that did not parse, reported by <see cref="TtsSettingsValidator"/>.</summary>
    internal List<string> BindFailures { get; } = [];

    private static string Describe(Type type) =>
        type == typeof(bool) ? "a boolean (true/false, yes/no, on/off, 1/0)"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number" : $"a valid {type.Name}";

    public IReadOnlyList<string> ApiKeyList =>
        ApiKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Intra-op threads of one model call: the setting, or one per core.</summary>
    public int EffectiveIntraOpThreads => OnnxIntraOpThreads > 0 ? OnnxIntraOpThreads : Environment.ProcessorCount;
    /// <summary><see cref="OnnxThreadsByLoad"/> applies: shared pool, more than one thread, CPU.</summary>
    public bool EffectiveThreadsByLoad => OnnxThreadsByLoad && !WantsGpu && EffectiveIntraOpThreads > 1
        && OnnxThreadPool.Trim().Equals("shared", StringComparison.OrdinalIgnoreCase);

    public int EffectiveMaxConcurrentInferences =>
        MaxConcurrentInferences > 0 ? MaxConcurrentInferences : (WantsGpu ? 2 : Environment.ProcessorCount);

    public string ResolvePath(string contentRoot, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(contentRoot, path));

    internal static string ToSnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static object ParseBool(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new FormatException(),
    };
}
