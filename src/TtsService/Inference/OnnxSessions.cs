using Microsoft.ML.OnnxRuntime;
using TtsService.Configuration;

namespace TtsService.Inference;

/// <summary>
/// Creates ONNX Runtime sessions for every backend with the same device policy: CUDA when
/// <c>use_gpu</c> (or <c>device_type=cuda</c>) asks for it and the provider loads, CPU otherwise,
/// with a log line saying which one was used and why.
/// </summary>
public sealed class OnnxSessions(TtsSettings settings, ILogger<OnnxSessions> logger)
{
    public bool WantsCuda => settings.DeviceType.Equals("cuda", StringComparison.OrdinalIgnoreCase)
        || (settings.UseGpu && !settings.DeviceType.Equals("cpu", StringComparison.OrdinalIgnoreCase));

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
                logger.LogInformation("Loaded {Model} on CUDA", Path.GetFileName(path));
                return (session, true);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                logger.LogWarning("CUDA execution provider unavailable ({Reason}); {Model} falls back to CPU", e.Message, Path.GetFileName(path));
            }
        }
        var cpu = new InferenceSession(path, BaseOptions());
        logger.LogInformation("Loaded {Model} on CPU", Path.GetFileName(path));
        return (cpu, false);
    }

    private Microsoft.ML.OnnxRuntime.SessionOptions BaseOptions()
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Each request's inference runs on one inter-op thread; intra-op threads parallelise the MatMuls.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // 0 keeps ONNX Runtime's default (one thread per core: best latency for one request). Under many
        // concurrent requests, cores / max_concurrent_inferences avoids oversubscribing the CPU.
        if (settings.OnnxIntraOpThreads > 0) options.IntraOpNumThreads = settings.OnnxIntraOpThreads;
        return options;
    }
}
