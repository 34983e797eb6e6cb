using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TtsService.Inference.Kokoro;

/// <summary>
/// Owns the Kokoro v1.0 ONNX session and knows its input/output names. Two exports are in use:
/// onnx-community/Kokoro-82M-v1.0-ONNX (<c>input_ids</c> → <c>waveform</c>) and
/// thewh1teagle/kokoro-onnx (<c>tokens</c> → <c>audio</c>); both take <c>style</c> float32 [1,256]
/// and <c>speed</c> float32 [1]. A timestamped export adds per-token <c>durations</c>.
/// </summary>
public sealed class KokoroModel : IDisposable
{
    public const int StyleDim = 256;
    /// <summary>Tokens per call including the two pads (the model's position limit).</summary>
    public const int MaxTokens = 512;
    public const int SampleRate = 24000;

    private readonly LoadAwareSession _sessions;
    private readonly string _idsInput;
    private readonly string _audioOutput;
    private readonly string? _durationsOutput;

    public bool HasDurations => _durationsOutput is not null;
    /// <summary>The export's custom metadata (sherpa-onnx packs put <c>speaker_names</c> and <c>sample_rate</c> here).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public bool OnCuda { get; }
    public string FilePath { get; }

    public KokoroModel(string path, OnnxSessions sessions)
    {
        FilePath = path;
        (_sessions, OnCuda) = sessions.OpenLoadAware(path);
        try
        {
            var inputs = _sessions.Main.InputMetadata;
            _idsInput = Require(inputs, ["input_ids", "tokens"], TensorElementType.Int64, 2);
            Require(inputs, ["style"], TensorElementType.Float, 2);
            Require(inputs, ["speed"], TensorElementType.Float, 1);
            var outputs = _sessions.Main.OutputMetadata;
            _audioOutput = new[] { "waveform", "audio" }.FirstOrDefault(outputs.ContainsKey)
                ?? throw new InvalidDataException($"{Path.GetFileName(path)}: no output named 'waveform' or 'audio' (outputs: {string.Join(", ", outputs.Keys)}).");
            if (outputs[_audioOutput].ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"{Path.GetFileName(path)}: output '{_audioOutput}' is {outputs[_audioOutput].ElementDataType}, expected float32.");
            _durationsOutput = outputs.ContainsKey("durations") ? "durations" : outputs.ContainsKey("pred_dur") ? "pred_dur" : null;
            Metadata = _sessions.Main.ModelMetadata.CustomMetadataMap;
            if (Metadata.TryGetValue("sample_rate", out var rate) && rate.Trim() != SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new InvalidDataException($"{Path.GetFileName(path)}: metadata sample_rate is {rate}; Kokoro v1.0 runs at {SampleRate}.");
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
    }

    private string Require(IReadOnlyDictionary<string, NodeMetadata> inputs, string[] names, TensorElementType type, int rank)
    {
        var name = names.FirstOrDefault(inputs.ContainsKey)
            ?? throw new InvalidDataException($"{Path.GetFileName(FilePath)}: missing input '{string.Join("' or '", names)}' (inputs: {string.Join(", ", inputs.Keys)}).");
        var meta = inputs[name];
        if (meta.ElementDataType != type)
            throw new InvalidDataException($"{Path.GetFileName(FilePath)}: input '{name}' is {meta.ElementDataType}, expected {type}.");
        if (meta.Dimensions.Length != rank)
            throw new InvalidDataException($"{Path.GetFileName(FilePath)}: input '{name}' has rank {meta.Dimensions.Length}, expected {rank}.");
        return name;
    }

    /// <summary>Runs one chunk. <paramref name="ids"/> already carries the pad 0 at both ends.</summary>
    public KokoroOutput Run(ReadOnlySpan<long> ids, ReadOnlySpan<float> style, float speed)
    {
        if (ids.Length > MaxTokens) throw new ArgumentOutOfRangeException(nameof(ids), $"{ids.Length} tokens exceed {MaxTokens}.");
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids.ToArray(), [1, ids.Length]);
        using var styleValue = OrtValue.CreateTensorValueFromMemory(style.ToArray(), [1, StyleDim]);
        using var speedValue = OrtValue.CreateTensorValueFromMemory(new[] { speed }, [1]);
        string[] outputNames = _durationsOutput is null ? [_audioOutput] : [_audioOutput, _durationsOutput];
        using var runOptions = new RunOptions();
        using var results = _sessions.ForCall.Run(runOptions, [_idsInput, "style", "speed"], [idsValue, styleValue, speedValue], outputNames);
        var audio = results[0].GetTensorDataAsSpan<float>().ToArray();
        int[]? durations = null;
        if (_durationsOutput is not null)
        {
            var d = results[1];
            durations = d.GetTensorTypeAndShape().ElementDataType switch
            {
                TensorElementType.Int64 => d.GetTensorDataAsSpan<long>().ToArray().Select(x => (int)x).ToArray(),
                TensorElementType.Int32 => d.GetTensorDataAsSpan<int>().ToArray(),
                _ => d.GetTensorDataAsSpan<float>().ToArray().Select(x => (int)MathF.Round(x)).ToArray(),
            };
        }
        return new KokoroOutput(audio, durations);
    }

    public void Dispose() => _sessions.Dispose();
}

/// <param name="Audio">24 kHz samples.</param>
/// <param name="Durations">Per-token durations in model frames, when the export has them.</param>
public sealed record KokoroOutput(float[] Audio, int[]? Durations);
