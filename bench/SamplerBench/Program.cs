using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using DT = Onnx.TensorProto.Types.DataType;

// Times the ZipVoice Euler sampler on a stand-in decoder sized like the real one (F ≈ 500 frames,
// 100 features, a stack of 512-wide MatMuls), against a naive loop that allocates new tensors and
// runs without IOBinding every step, measured in the same run.
//   dotnet run -c Release --project bench/SamplerBench -- [frames=500] [layers=6] [repeats=3] [cuda]
var frames = args.Length > 0 ? int.Parse(args[0]) : 500;
var layers = args.Length > 1 ? int.Parse(args[1]) : 6;
var repeats = args.Length > 2 ? int.Parse(args[2]) : 3;
var useGpu = args.Contains("cuda");
const int dim = ZipVoiceStandin.FeatDim, hidden = 512, promptFrames = 100;

var dir = Directory.CreateTempSubdirectory("sampler-bench").FullName;
var encoderPath = Path.Combine(dir, "text_encoder.onnx");
var decoderPath = Path.Combine(dir, "fm_decoder.onnx");
ZipVoiceStandin.WriteTextEncoder(encoderPath, 0);
WriteHeavyDecoder(decoderPath, layers);

var settings = new TtsSettings { UseGpu = useGpu, DeviceType = useGpu ? "cuda" : "cpu" };
var sessions = new OnnxSessions(settings, NullLogger<OnnxSessions>.Instance);
using var model = new ZipVoiceModel(encoderPath, decoderPath, sessions);
using var sampler = new FlowMatchingSampler(model);
using var hostSampler = model.OnCuda ? new FlowMatchingSampler(model, useDeviceState: false) : null;
Console.WriteLine($"decoder: F={frames}, feat_dim={dim}, {layers} MatMul layers of {hidden}; device: {(model.OnCuda ? "CUDA" : "CPU")}, device state: {sampler.OnDevice}");

var rng = new Random(1);
var text = Enumerable.Range(0, frames * dim).Select(_ => (float)rng.NextDouble() * 0.1f).ToArray();
var prompt = Enumerable.Range(0, promptFrames * dim).Select(_ => (float)rng.NextDouble() * 0.1f).ToArray();

foreach (var steps in new[] { 16, 8 })
{
    var options = new SamplerOptions(steps, 1f, 0.5f, 7);
    sampler.Sample(text, frames, prompt, promptFrames, options); // warm-up
    Naive(model, text, frames, prompt, promptFrames, options);

    var ours = Best(() => sampler.Sample(text, frames, prompt, promptFrames, options)) / steps;
    var naive = Best(() => Naive(model, text, frames, prompt, promptFrames, options)) / steps;
    var runOnly = Best(() => RunOnly(model, frames, steps)) / steps;
    Console.WriteLine($"{steps,2} steps: sampler {ours:F3} ms/step | naive {naive:F3} ms/step | Run alone {runOnly:F3} ms/step");
    Console.WriteLine($"          naive / sampler = {naive / ours:F3}; our overhead = {(ours - runOnly) / ours * 100:F2}% of a step (goal < 3%)");
    if (hostSampler is not null)
    {
        var host = Best(() => hostSampler.Sample(text, frames, prompt, promptFrames, options)) / steps;
        Console.WriteLine($"          CUDA without device state (host round trip): {host:F3} ms/step; device / host = {ours / host:F3}");
    }
}
Directory.Delete(dir, true);

double Best(Action action)
{
    var best = double.MaxValue;
    for (var i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
    }
    return best;
}

// The baseline: new OrtValues for every input and a fresh output every step, x updated by LINQ-free loop.
static float[] Naive(ZipVoiceModel m, float[] text, int frames, float[] prompt, int promptFrames, SamplerOptions o)
{
    var x = new float[frames * dim];
    new GaussianNoise(o.Seed).Fill(x);
    var speech = new float[frames * dim];
    Array.Copy(prompt, speech, promptFrames * dim);
    var t = FlowMatchingSampler.TimeSteps(o.NumSteps, o.TShift);
    long[] shape = [1, frames, dim];
    for (var i = 0; i < o.NumSteps; i++)
    {
        using var tv = OrtValue.CreateTensorValueFromMemory(new[] { t[i] }, ZipVoiceModel.ScalarShape(m.T));
        using var xv = OrtValue.CreateTensorValueFromMemory(x.ToArray(), shape);
        using var cv = OrtValue.CreateTensorValueFromMemory(text.ToArray(), shape);
        using var sv = OrtValue.CreateTensorValueFromMemory(speech.ToArray(), shape);
        using var gv = OrtValue.CreateTensorValueFromMemory(new[] { o.GuidanceScale }, ZipVoiceModel.ScalarShape(m.GuidanceScale));
        using var ro = new RunOptions();
        using var outputs = m.Decoder.Run(ro, [m.T.Name, m.X.Name, m.TextCondition.Name, m.SpeechCondition.Name, m.GuidanceScale.Name],
            [tv, xv, cv, sv, gv], [m.VelocityOutput]);
        var v = outputs[0].GetTensorDataAsSpan<float>();
        var dt = t[i + 1] - t[i];
        for (var k = 0; k < x.Length; k++) x[k] += v[k] * dt;
    }
    return x[(promptFrames * dim)..];
}

// Only the decoder's Run, all inputs bound once: the floor our sampler is compared with.
static void RunOnly(ZipVoiceModel m, int frames, int steps)
{
    long[] shape = [1, frames, dim];
    var x = new float[frames * dim];
    var v = new float[frames * dim];
    using var xv = OrtValue.CreateTensorValueFromMemory(x, shape);
    using var cv = OrtValue.CreateTensorValueFromMemory(new float[frames * dim], shape);
    using var sv = OrtValue.CreateTensorValueFromMemory(new float[frames * dim], shape);
    using var vv = OrtValue.CreateTensorValueFromMemory(v, shape);
    using var tv = OrtValue.CreateTensorValueFromMemory(new[] { 0.5f }, ZipVoiceModel.ScalarShape(m.T));
    using var gv = OrtValue.CreateTensorValueFromMemory(new[] { 1f }, ZipVoiceModel.ScalarShape(m.GuidanceScale));
    using var binding = m.Decoder.CreateIoBinding();
    binding.BindInput(m.T.Name, tv);
    binding.BindInput(m.X.Name, xv);
    binding.BindInput(m.TextCondition.Name, cv);
    binding.BindInput(m.SpeechCondition.Name, sv);
    binding.BindInput(m.GuidanceScale.Name, gv);
    binding.BindOutput(m.VelocityOutput, vv);
    using var ro = new RunOptions();
    for (var i = 0; i < steps; i++) m.Decoder.RunWithBinding(ro, binding);
    binding.SynchronizeBoundOutputs();
}

// v = W_out·relu(…relu(W_in·[x + text + speech])…)·t·g: the real decoder's interface with MatMul-heavy work.
static void WriteHeavyDecoder(string path, int layers)
{
    var g = new OnnxGraphBuilder();
    g.Input("t", DT.Float).Input("x", DT.Float, 1, "F", dim).Input("text_condition", DT.Float, 1, "F", dim)
     .Input("speech_condition", DT.Float, 1, "F", dim).Input("guidance_scale", DT.Float);
    g.Metadata("feat_dim", dim.ToString());
    var rng = new Random(2);
    float[] Weights(int rows, int cols) => Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() - 0.5) / MathF.Sqrt(rows)).ToArray();
    var h = g.Op("MatMul", g.Op("Add", g.Op("Add", "x", "text_condition"), "speech_condition"), g.Const(Weights(dim, hidden), [dim, hidden]));
    for (var i = 0; i < layers; i++) h = g.Op("Relu", g.Op("MatMul", h, g.Const(Weights(hidden, hidden), [hidden, hidden])));
    var o = g.Op("MatMul", h, g.Const(Weights(hidden, dim), [hidden, dim]));
    g.Node("Mul", [o, g.Op("Mul", "t", "guidance_scale")], "v");
    g.Output("v", DT.Float, 1, "F", dim);
    g.Save(path);
}
