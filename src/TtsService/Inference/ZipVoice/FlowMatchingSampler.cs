using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TtsService.Inference.ZipVoice;

/// <summary>One sampling run's knobs.</summary>
/// <param name="NumSteps">Euler steps (upstream: 16 for zipvoice, 8 for zipvoice_distill).</param>
/// <param name="GuidanceScale">Classifier-free guidance, applied inside the decoder graph.</param>
/// <param name="TShift">Time shift s in (0, 1]; smaller spends more steps near t = 0.</param>
/// <param name="Seed">Seed of x₀; the same seed gives bit-identical output on the same machine.</param>
public sealed record SamplerOptions(int NumSteps, float GuidanceScale, float TShift, long Seed);

/// <summary>Where x₀ comes from. The service draws seeded Gaussian noise; a test can hand in the
/// reference implementation's own tensor and compare the whole sampler against it.</summary>
public interface IInitialNoise
{
    /// <summary>Fills <paramref name="x"/> ([frames, feat_dim], row-major) for a run with <paramref name="seed"/>.</summary>
    void Fill(long seed, Span<float> x);
}

/// <summary>N(0, I) from <see cref="GaussianNoise"/>: the same seed gives the same x₀ everywhere.</summary>
public sealed class SeededGaussianNoise : IInitialNoise
{
    public static SeededGaussianNoise Instance { get; } = new();

    public void Fill(long seed, Span<float> x) => new GaussianNoise(seed).Fill(x);
}

/// <summary>
/// Euler flow-matching sampler of ZipVoice, as <c>sample()</c> in k2-fsa/ZipVoice
/// <c>zipvoice/bin/infer_zipvoice_onnx.py</c> and <c>Run</c> in k2-fsa/sherpa-onnx
/// <c>sherpa-onnx/csrc/offline-tts-zipvoice-model.cc</c>: x₀ ~ N(0, I) of shape [1, F, feat_dim];
/// speech_condition = prompt features zero-padded to F frames; for i in 0..N−1:
/// x += v(tᵢ, x) · (tᵢ₊₁ − tᵢ) with tᵢ = s·uᵢ / (1 + (s−1)·uᵢ), uᵢ = i/N
/// (<c>get_time_steps</c> in <c>zipvoice/models/modules/solver.py</c>); then the prompt frames are dropped.
/// <para>
/// All step tensors are bound once through IOBinding and reused: on CPU, x and v are pinned managed
/// arrays updated in place; on CUDA, x, v and both conditions live on the device and the Euler
/// update runs there too (a tiny graph), so nothing crosses the bus between steps but t.
/// </para>
/// </summary>
public sealed class FlowMatchingSampler : IDisposable
{
    private readonly ZipVoiceModel _model;
    private readonly InferenceSession? _eulerStep;
    private readonly InferenceSession? _upload;
    private readonly OrtMemoryInfo? _cudaMemory;
    private readonly OrtAllocator? _cudaAllocator;

    /// <summary>True when the state stays on the CUDA device between steps.</summary>
    public bool OnDevice { get; }

    /// <summary>The source of x₀ (seeded Gaussian noise; tests set a fixed tensor here).</summary>
    public IInitialNoise InitialNoise { get; internal set; } = SeededGaussianNoise.Instance;

    /// <param name="useDeviceState">On CUDA, keep the state on the device (the default); false measures the host round trip.</param>
    public FlowMatchingSampler(ZipVoiceModel model, ILogger? logger = null, bool useDeviceState = true)
    {
        _model = model;
        if (!model.OnCuda || !useDeviceState) return;
        try
        {
            _eulerStep = OpenCuda(TinyOnnxGraphs.EulerStep());
            _upload = OpenCuda(TinyOnnxGraphs.Upload());
            _cudaMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
            _cudaAllocator = new OrtAllocator(model.Decoder, _cudaMemory);
            OnDevice = true;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            DisposeDevice();
            logger?.LogWarning("ZipVoice sampler keeps its state on the host: the CUDA helper graphs failed to load ({Reason})", e.Message);
        }
    }

    private static InferenceSession OpenCuda(byte[] graph)
    {
        var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        try
        {
            options.AppendExecutionProvider_CUDA(0);
            return new InferenceSession(graph, options);
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>
    /// The N + 1 time points tᵢ = s·uᵢ / (1 + (s − 1)·uᵢ) of <c>get_time_steps</c>, bit for bit as
    /// PyTorch computes them: uᵢ from <c>torch.linspace(0, 1, N + 1)</c> in float32 (step 1/N, counted
    /// up from 0 for the first half and down from 1 for the second, as ATen's linspace kernel does),
    /// and every operation in float32 with s and s − 1 rounded from the caller's double.
    /// </summary>
    /// <summary>
    /// <see cref="TimeSteps(int, double)"/> for a t_shift the API parsed as float: Python keeps the
    /// client's decimal as a double and rounds s − 1 from it, which differs by an ulp from
    /// float(s) − 1 for values such as 0.6, so the float goes back to its shortest decimal first.
    /// </summary>
    public static float[] TimeSteps(int numSteps, float tShift) =>
        TimeSteps(numSteps, double.Parse(tShift.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    public static float[] TimeSteps(int numSteps, double tShift)
    {
        if (numSteps < 1) throw new ArgumentOutOfRangeException(nameof(numSteps));
        var s = (float)tShift;
        var sMinusOne = (float)(tShift - 1.0);
        var step = 1f / numSteps;
        var points = numSteps + 1;
        var halfway = points / 2;
        var t = new float[points];
        for (var i = 0; i < points; i++)
        {
            var u = i < halfway ? step * i : 1f - step * (points - i - 1);
            t[i] = s * u / (1f + sMinusOne * u);
        }
        return t;
    }

    /// <summary>
    /// Samples features for <paramref name="frames"/> frames and returns those after the prompt:
    /// row-major [frames − promptFrames, feat_dim], still multiplied by feat_scale.
    /// </summary>
    /// <param name="textCondition">The text encoder's output, [frames, feat_dim].</param>
    /// <param name="promptFeatures">Prompt features × feat_scale, [promptFrames, feat_dim].</param>
    public float[] Sample(float[] textCondition, int frames, float[] promptFeatures, int promptFrames,
        SamplerOptions options, CancellationToken cancellationToken = default)
    {
        var dim = _model.Metadata.FrameWidth; // x, speech_condition and v: feat_dim per channel
        var count = frames * dim;
        var textDim = _model.Metadata.FeatDim;
        if (textCondition.Length != frames * textDim) throw new ArgumentException($"text condition has {textCondition.Length} values, expected {frames}×{textDim}.", nameof(textCondition));
        if (promptFrames >= frames) throw new ArgumentException($"the text encoder returned {frames} frames, not more than the {promptFrames} prompt frames.", nameof(frames));
        if (promptFeatures.Length < promptFrames * dim) throw new ArgumentException("prompt features are shorter than promptFrames.", nameof(promptFeatures));

        var x = new float[count];
        InitialNoise.Fill(options.Seed, x);
        var speech = new float[count];
        Array.Copy(promptFeatures, speech, promptFrames * dim);
        var timesteps = TimeSteps(options.NumSteps, options.TShift);

        if (OnDevice) RunOnDevice(x, textCondition, speech, frames, timesteps, options.GuidanceScale, cancellationToken);
        else RunOnHost(x, textCondition, speech, frames, timesteps, options.GuidanceScale, cancellationToken);

        return x.AsSpan(promptFrames * dim).ToArray();
    }

    private void RunOnHost(float[] x, float[] text, float[] speech, int frames, float[] timesteps, float guidance, CancellationToken cancellationToken)
    {
        var m = _model;
        long[] shape = [1, frames, m.Metadata.FrameWidth];
        long[] textShape = [1, frames, m.Metadata.FeatDim];
        var v = new float[x.Length];
        var t = new float[1];
        var scale = new[] { guidance };
        using var xValue = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var vValue = OrtValue.CreateTensorValueFromMemory(v, shape);
        using var textValue = OrtValue.CreateTensorValueFromMemory(text, textShape);
        using var speechValue = OrtValue.CreateTensorValueFromMemory(speech, shape);
        using var tValue = OrtValue.CreateTensorValueFromMemory(t, ZipVoiceModel.ScalarShape(m.T));
        using var scaleValue = OrtValue.CreateTensorValueFromMemory(scale, ZipVoiceModel.ScalarShape(m.GuidanceScale));
        string[] inputNames = [m.T.Name, m.X.Name, m.TextCondition.Name, m.SpeechCondition.Name, m.GuidanceScale.Name];
        OrtValue[] inputs = [tValue, xValue, textValue, speechValue, scaleValue];
        string[] outputNames = [m.VelocityOutput];
        OrtValue[] outputs = [vValue];
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        for (var step = 0; step < timesteps.Length - 1; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            t[0] = timesteps[step];
            // The session is picked per step: a step that starts while other calls run takes the 1-thread one.
            m.DecoderForStep.Run(runOptions, inputNames, inputs, outputNames, outputs);
            EulerUpdate(x, v, timesteps[step + 1] - timesteps[step]);
        }
    }

    /// <summary>x += v · dt, vectorized.</summary>
    internal static void EulerUpdate(Span<float> x, ReadOnlySpan<float> v, float dt)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vs = MemoryMarshal.Cast<float, Vector<float>>(v);
            var d = new Vector<float>(dt);
            for (var k = 0; k < xs.Length; k++) xs[k] += vs[k] * d;
            i = xs.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) x[i] += v[i] * dt;
    }

    private void RunOnDevice(float[] x, float[] text, float[] speech, int frames, float[] timesteps, float guidance, CancellationToken cancellationToken)
    {
        var m = _model;
        long[] shape = [1, frames, m.Metadata.FrameWidth];
        long[] textShape = [1, frames, m.Metadata.FeatDim];
        var t = new float[1];
        var dt = new float[1];
        var scale = new[] { guidance };
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        using var xHost = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var xA = OrtValue.CreateAllocatedTensorValue(_cudaAllocator!, TensorElementType.Float, shape);
        using var xB = OrtValue.CreateAllocatedTensorValue(_cudaAllocator!, TensorElementType.Float, shape);
        using var vDevice = OrtValue.CreateAllocatedTensorValue(_cudaAllocator!, TensorElementType.Float, shape);
        using var textDevice = Upload(text, textShape, runOptions);
        using var speechDevice = Upload(speech, shape, runOptions);
        using var tValue = OrtValue.CreateTensorValueFromMemory(t, ZipVoiceModel.ScalarShape(m.T));
        using var dtValue = OrtValue.CreateTensorValueFromMemory(dt, []);
        using var scaleValue = OrtValue.CreateTensorValueFromMemory(scale, ZipVoiceModel.ScalarShape(m.GuidanceScale));
        CopyToDevice(xHost, xA, runOptions);

        using var decoderBinding = m.Decoder.CreateIoBinding();
        decoderBinding.BindInput(m.T.Name, tValue);
        decoderBinding.BindInput(m.TextCondition.Name, textDevice);
        decoderBinding.BindInput(m.SpeechCondition.Name, speechDevice);
        decoderBinding.BindInput(m.GuidanceScale.Name, scaleValue);
        decoderBinding.BindOutput(m.VelocityOutput, vDevice);
        using var stepBinding = _eulerStep!.CreateIoBinding();
        stepBinding.BindInput("v", vDevice);
        stepBinding.BindInput("dt", dtValue);

        var current = xA;
        var next = xB;
        var steps = timesteps.Length - 1;
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            t[0] = timesteps[step];
            dt[0] = timesteps[step + 1] - timesteps[step];
            decoderBinding.BindInput(m.X.Name, current);
            decoderBinding.SynchronizeBoundInputs();
            m.Decoder.RunWithBinding(runOptions, decoderBinding);
            stepBinding.BindInput("x", current);
            // The last update writes straight into the host array.
            stepBinding.BindOutput("y", step == steps - 1 ? xHost : next);
            stepBinding.SynchronizeBoundInputs();
            _eulerStep.RunWithBinding(runOptions, stepBinding);
            (current, next) = (next, current);
        }
        stepBinding.SynchronizeBoundOutputs();
    }

    private OrtValue Upload(float[] host, long[] shape, RunOptions runOptions)
    {
        var device = OrtValue.CreateAllocatedTensorValue(_cudaAllocator!, TensorElementType.Float, shape);
        using var source = OrtValue.CreateTensorValueFromMemory(host, shape);
        CopyToDevice(source, device, runOptions);
        return device;
    }

    private void CopyToDevice(OrtValue source, OrtValue destination, RunOptions runOptions)
    {
        using var binding = _upload!.CreateIoBinding();
        binding.BindInput("a", source);
        binding.BindOutput("b", destination);
        _upload.RunWithBinding(runOptions, binding);
        binding.SynchronizeBoundOutputs();
    }

    private void DisposeDevice()
    {
        _cudaAllocator?.Dispose();
        _cudaMemory?.Dispose();
        _eulerStep?.Dispose();
        _upload?.Dispose();
    }

    public void Dispose() => DisposeDevice();
}
