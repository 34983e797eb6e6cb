using Microsoft.ML.OnnxRuntime;
using TtsService.Configuration;

namespace TtsService.Inference;

/// <summary>
/// Creates ONNX Runtime sessions for every backend with the same device and thread policy: CUDA when
/// <c>use_gpu</c> (or <c>device_type=cuda</c>) asks for it and the provider loads, CPU otherwise, with a
/// log line saying which one was used and why. On CPU every session draws on one process-wide intra-op
/// pool (<c>onnx_thread_pool=shared</c>): a lone request gets every core, and concurrent requests share
/// them instead of running one pool per call on the same cores, which loses throughput to contention.
/// </summary>
public sealed class OnnxSessions
{
    private static readonly Lock EnvironmentLock = new();
    /// <summary>Threads of the process-wide pool when this process created one; null when it did not.</summary>
    private static int? _sharedPoolThreads;
    /// <summary>This process registered one CPU arena for every session (<see cref="TtsSettings.OnnxThreadsByLoad"/>).</summary>
    private static bool _sharedArena;

    private readonly TtsSettings _settings;
    private readonly ILogger<OnnxSessions> _logger;
    private readonly bool _shared;
    private readonly InferenceLimiter? _limiter;
    private readonly bool _byLoad;

    /// <param name="limiter">The host's limiter, whose live state picks each call's session under onnx_threads_by_load.</param>
    public OnnxSessions(TtsSettings settings, ILogger<OnnxSessions> logger, InferenceLimiter? limiter = null)
    {
        _settings = settings;
        _logger = logger;
        _limiter = limiter;
        _shared = settings.OnnxThreadPool.Trim().Equals("shared", StringComparison.OrdinalIgnoreCase) && EnsureSharedPool(settings, logger);
        _byLoad = settings.EffectiveThreadsByLoad && _shared && _sharedPoolThreads > 1 && limiter is not null;
    }

    /// <summary>
    /// Tests force <paramref name="threadsByLoad"/>: the process-wide pool's size is decided by whichever host came first,
    /// so a test host cannot count on a multi-thread pool.
    /// </summary>
    internal OnnxSessions(TtsSettings settings, ILogger<OnnxSessions> logger, InferenceLimiter limiter, bool threadsByLoad)
        : this(settings, logger, limiter) => _byLoad = threadsByLoad;

    /// <summary>onnx_threads_by_load is in effect: CPU models get a 1-thread session for calls under load.</summary>
    public bool ThreadsByLoad => _byLoad;

    /// <summary>
    /// <see cref="Open"/>, plus with <c>onnx_threads_by_load</c> on CPU a second session of the same file with one
    /// intra-op thread of its own, for calls made while other calls run or wait (see <see cref="LoadAwareSession"/>).
    /// </summary>
    public (LoadAwareSession Session, bool OnCuda) OpenLoadAware(string path)
    {
        var (main, onCuda) = Open(path);
        try
        {
            return (WithUnderLoad(main, path, onCuda), onCuda);
        }
        catch
        {
            main.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="main"/> (opened from <paramref name="path"/>), with its 1-thread twin when onnx_threads_by_load applies.</summary>
    public LoadAwareSession WithUnderLoad(InferenceSession main, string path, bool onCuda)
    {
        if (onCuda || !_byLoad) return new LoadAwareSession(main, null, static () => false);
        var underLoad = new InferenceSession(path, BaseOptions(ownSingleThread: true));
        _logger.LogInformation("Loaded {Model} a second time with 1 intra-op thread, for calls under load (onnx_threads_by_load)", Path.GetFileName(path));
        return new LoadAwareSession(main, underLoad, Crowded);
    }

    private bool Crowded() => _limiter is { } limiter && IsCrowded(limiter);

    /// <summary>Another model call runs beside this one or waits for a slot: the shared pool's threads are contended.</summary>
    public static bool IsCrowded(InferenceLimiter limiter) => limiter.Running > 1 || limiter.Waiting > 0;

    public bool WantsCuda => _settings.WantsGpu;

    /// <summary>
    /// <c>device_type=cuda</c> demands the GPU: a model that cannot open on CUDA fails to load (its backend is
    /// unavailable and <c>/ready</c> says why) instead of serving at CPU speed. <c>use_gpu=true</c> with
    /// <c>device_type=auto</c> prefers the GPU and falls back to CPU, saying so in <c>/ready</c> and the log.
    /// </summary>
    public bool RequiresCuda => _settings.DeviceType.Equals("cuda", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the CUDA provider could not be used (the missing library when that is the cause); null when it loaded or was not asked for.</summary>
    public string? CudaError { get; private set; }

    /// <summary>
    /// The ONNX Runtime environment is one per process and takes its thread pool at creation, so the first
    /// <see cref="OnnxSessions"/> decides. A later one that asks for another size (tests host several
    /// services in one process) keeps the existing pool; one that finds an environment without a pool uses
    /// per-session pools.
    /// </summary>
    private static bool EnsureSharedPool(TtsSettings settings, ILogger logger)
    {
        var threads = settings.EffectiveIntraOpThreads;
        lock (EnvironmentLock)
        {
            if (_sharedPoolThreads is { } existing)
            {
                if (existing != threads)
                    logger.LogWarning("ONNX Runtime's shared thread pool already has {Existing} threads in this process; {Wanted} requested, {Existing} kept", existing, threads, existing);
                return true;
            }
            if (OrtEnv.IsCreated)
            {
                logger.LogWarning("ONNX Runtime was started without a shared thread pool in this process; each model gets its own pool of {Threads} threads", threads);
                return false;
            }
            using var threading = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = threads,
                GlobalInterOpNumThreads = 1,
                GlobalSpinControl = settings.OnnxAllowSpinning,
            };
            var options = new EnvironmentCreationOptions { threadOptions = threading, logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
            OrtEnv.CreateInstanceWithOptions(ref options);
            _sharedPoolThreads = threads;
            logger.LogInformation("ONNX Runtime shared intra-op pool: {Threads} threads, spinning {Spinning}", threads, settings.OnnxAllowSpinning);
            if (settings.EffectiveThreadsByLoad && settings.OnnxMemoryArena)
            {
                // Two sessions per model would keep two arenas each as large as the model's largest call; one arena for
                // every session holds only what the calls running at once need.
                using var cpu = new OrtMemoryInfo("Cpu", OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
                using var arena = new OrtArenaCfg(0, -1, -1, -1);
                OrtEnv.Instance().CreateAndRegisterAllocator(cpu, arena);
                _sharedArena = true;
                logger.LogInformation("ONNX Runtime CPU arena shared by every session (onnx_threads_by_load)");
            }
            return true;
        }
    }

    /// <summary>Opens <paramref name="path"/>; returns the session and whether it runs on CUDA.</summary>
    public (InferenceSession Session, bool OnCuda) Open(string path)
    {
        if (WantsCuda)
        {
            var options = BaseOptions();
            try
            {
                options.AppendExecutionProvider_CUDA(0);
                var session = new InferenceSession(path, options);
                _logger.LogInformation("Loaded {Model} on CUDA", Path.GetFileName(path));
                return (session, true);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                CudaError ??= CudaFailureReason(e.Message); // the same for every model file: diagnose once
                if (RequiresCuda)
                    throw new InvalidOperationException($"device_type=cuda, but {Path.GetFileName(path)} cannot run on CUDA: {CudaError}");
                _logger.LogWarning("CUDA execution provider unavailable ({Reason}); {Model} falls back to CPU", CudaError, Path.GetFileName(path));
            }
        }
        var cpu = new InferenceSession(path, BaseOptions());
        _logger.LogInformation("Loaded {Model} on CPU ({Threads} intra-op threads, {Pool} pool)", Path.GetFileName(path),
            _shared ? _sharedPoolThreads : _settings.EffectiveIntraOpThreads, _shared ? "shared" : "own");
        return (cpu, false);
    }

    /// <summary>
    /// ONNX Runtime only says "Failed to load shared library" when its CUDA provider cannot load. What a deployment has
    /// to fix is which library the dynamic loader could not find (a CUDA base image of another major, no cuDNN,
    /// no driver passed in by the NVIDIA container toolkit), so load the provider once more ourselves and read the
    /// loader's message.
    /// </summary>
    internal static string CudaFailureReason(string message)
    {
        var ortLine = message.Split('\n', 2)[0].Trim();
        var provider = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native") }
            .Select(dir => Path.Combine(dir, CudaProviderLibrary)).FirstOrDefault(File.Exists);
        if (provider is null)
            return $"this build has no CUDA provider ({CudaProviderLibrary}): use the GPU image or build with UseGpu=true ({ortLine})";
        try
        {
            System.Runtime.InteropServices.NativeLibrary.Free(System.Runtime.InteropServices.NativeLibrary.Load(provider));
            return ortLine; // the provider itself loads: the failure is past the libraries (driver, device)
        }
        catch (DllNotFoundException e)
        {
            var missing = System.Text.RegularExpressions.Regex.Match(e.Message, @"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object file");
            return missing.Success ? $"{missing.Groups[1].Value} is missing ({ortLine})" : $"{e.Message.Split('\n', 2)[0].Trim()} ({ortLine})";
        }
    }

    private const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    /// <param name="ownSingleThread">A session with one intra-op thread of its own (no pool): a call under load.</param>
    private Microsoft.ML.OnnxRuntime.SessionOptions BaseOptions(bool ownSingleThread = false)
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Each request's inference runs on one inter-op thread; intra-op threads parallelise the MatMuls.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Memory patterns are planned per input shape and kept: every text length is a new shape, so they
            // would only grow. The arena is a setting (onnx_memory_arena): speed against memory kept after a peak.
            EnableMemoryPattern = false,
            EnableCpuMemArena = _settings.OnnxMemoryArena,
        };
        if (_sharedArena && _settings.OnnxMemoryArena) options.AddSessionConfigEntry("session.use_env_allocators", "1");
        if (_shared && !ownSingleThread)
        {
            options.DisablePerSessionThreads();
            return options;
        }
        options.IntraOpNumThreads = ownSingleThread ? 1 : _settings.EffectiveIntraOpThreads;
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", _settings.OnnxAllowSpinning ? "1" : "0");
        return options;
    }
}

/// <summary>
/// A model's sessions when calls may run beside each other. Alone, a call on the shared pool uses every core. Beside
/// other calls the pool's threads are contended, and a call that keeps to one core does more work per second
/// (bench/RealModelBench: 1 thread against the default at ×2 and ×4), so with <c>onnx_threads_by_load</c> a call that
/// starts while another runs or waits takes a second session of the same file with one thread of its own. That costs
/// a second copy of the weights in memory (README, Performance). Without the setting, or on CUDA, both are the same.
/// </summary>
public sealed class LoadAwareSession(InferenceSession main, InferenceSession? underLoad, Func<bool> crowded) : IDisposable
{
    /// <summary>The shared-pool (or CUDA) session; its metadata describes both.</summary>
    public InferenceSession Main => main;

    /// <summary>True when a second, 1-thread session is loaded for calls under load.</summary>
    public bool HasUnderLoadSession => underLoad is not null;

    /// <summary>The session for a call starting now, from the limiter's live state.</summary>
    public InferenceSession ForCall => underLoad is not null && crowded() ? underLoad : main;

    public void Dispose()
    {
        main.Dispose();
        underLoad?.Dispose();
    }
}
