using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TtsService.Inference.ZipVoice;

/// <summary>
/// Model metadata, read once at load. Keys and defaults as k2-fsa/sherpa-onnx
/// <c>sherpa-onnx/csrc/offline-tts-zipvoice-model.cc</c> reads them: <c>use_espeak</c> from the text
/// encoder, the rest from the decoder; values as k2-fsa/ZipVoice <c>zipvoice/bin/onnx_export.py</c>
/// writes them (feat_dim 100, 24000 Hz, n_fft 1024, hop 256, window 1024, 100 mels).
/// </summary>
public sealed record ZipVoiceMetadata(
    int Version = 1,
    int FeatDim = 100,
    int SampleRate = 24000,
    int NFft = 1024,
    int HopLength = 256,
    int WindowLength = 1024,
    int NumMels = 100,
    bool UseEspeak = true,
    bool UsePinyin = true,
    int NumChannels = 1,
    string? ModelName = null)
{
    /// <summary>Values per frame of <c>x</c>, <c>speech_condition</c> and <c>v</c>: feat_dim per channel (the dialog-stereo decoder has two).</summary>
    public int FrameWidth => FeatDim * NumChannels;
}

/// <summary>How one model input is fed: its name, element type and the rank the graph declares.</summary>
public sealed record ZipVoiceInput(string Name, TensorElementType Type, int Rank);

/// <summary>
/// The two ZipVoice ONNX sessions (text encoder and flow-matching decoder) and what they expect.
/// Both published layouts use the graphs of k2-fsa/ZipVoice <c>zipvoice/bin/onnx_export.py</c>:
/// text encoder inputs <c>tokens</c> int64 [N,T], <c>prompt_tokens</c> int64 [N,T],
/// <c>prompt_features_len</c> int64 scalar, <c>speed</c> float scalar → <c>text_condition</c> [N,F,feat];
/// decoder inputs <c>t</c> float scalar, <c>x</c>, <c>text_condition</c>, <c>speech_condition</c> float
/// [N,F,feat], <c>guidance_scale</c> float scalar → <c>v</c>. The export declares the scalars rank 0;
/// sherpa-onnx feeds them as shape [1]; a re-export may declare either, so each scalar is fed with the
/// rank its graph declares.
/// </summary>
public sealed class ZipVoiceModel : IDisposable
{
    public InferenceSession TextEncoder { get; }
    public InferenceSession Decoder { get; }
    public bool OnCuda { get; }
    public ZipVoiceMetadata Metadata { get; }
    public string TextEncoderPath { get; }
    public string DecoderPath { get; }

    public ZipVoiceInput Tokens { get; }
    public ZipVoiceInput PromptTokens { get; }
    public ZipVoiceInput PromptFeaturesLen { get; }
    public ZipVoiceInput Speed { get; }
    public string TextConditionOutput { get; }

    public ZipVoiceInput T { get; }
    public ZipVoiceInput X { get; }
    public ZipVoiceInput TextCondition { get; }
    public ZipVoiceInput SpeechCondition { get; }
    public ZipVoiceInput GuidanceScale { get; }
    public string VelocityOutput { get; }

    /// <summary>The decoder's session for a step starting now: with onnx_threads_by_load, a 1-thread copy under load.</summary>
    public InferenceSession DecoderForStep => _decoderSessions?.ForCall ?? Decoder;
    private readonly LoadAwareSession? _decoderSessions;

    public ZipVoiceModel(string textEncoderPath, string decoderPath, OnnxSessions sessions)
        : this(textEncoderPath, decoderPath, sessions.Open)
    {
        // The decoder is nearly all of ZipVoice's work: it alone gets a second session for calls under load.
        try
        {
            _decoderSessions = sessions.WithUnderLoad(Decoder, decoderPath, OnCuda);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal ZipVoiceModel(string textEncoderPath, string decoderPath, Func<string, (InferenceSession, bool)> open)
    {
        TextEncoderPath = textEncoderPath;
        DecoderPath = decoderPath;
        (TextEncoder, OnCuda) = open(textEncoderPath);
        try
        {
            var encoderFile = Path.GetFileName(textEncoderPath);
            var inputs = TextEncoder.InputMetadata;
            Tokens = Require(encoderFile, inputs, "tokens", TensorElementType.Int64, 2);
            PromptTokens = Require(encoderFile, inputs, "prompt_tokens", TensorElementType.Int64, 2);
            PromptFeaturesLen = Require(encoderFile, inputs, "prompt_features_len", TensorElementType.Int64, 0, 1);
            Speed = Require(encoderFile, inputs, "speed", TensorElementType.Float, 0, 1);
            TextConditionOutput = RequireOutput(encoderFile, TextEncoder.OutputMetadata, "text_condition");

            (Decoder, var decoderOnCuda) = open(decoderPath);
            OnCuda &= decoderOnCuda;
            var decoderFile = Path.GetFileName(decoderPath);
            inputs = Decoder.InputMetadata;
            T = Require(decoderFile, inputs, "t", TensorElementType.Float, 0, 1);
            X = Require(decoderFile, inputs, "x", TensorElementType.Float, 3);
            TextCondition = Require(decoderFile, inputs, "text_condition", TensorElementType.Float, 3);
            SpeechCondition = Require(decoderFile, inputs, "speech_condition", TensorElementType.Float, 3);
            GuidanceScale = Require(decoderFile, inputs, "guidance_scale", TensorElementType.Float, 0, 1);
            VelocityOutput = RequireOutput(decoderFile, Decoder.OutputMetadata, "v");

            Metadata = ReadMetadata(TextEncoder, Decoder);
            var featDims = inputs["x"].Dimensions;
            if (featDims[2] > 0 && featDims[2] != Metadata.FrameWidth)
                throw new InvalidDataException($"{decoderFile}: input 'x' has {featDims[2]} features per frame but metadata feat_dim is {Metadata.FeatDim}" +
                                               (Metadata.NumChannels > 1 ? $" × num_channels {Metadata.NumChannels}." : "."));
        }
        catch
        {
            TextEncoder.Dispose();
            Decoder?.Dispose();
            throw;
        }
    }

    private static ZipVoiceInput Require(string file, IReadOnlyDictionary<string, NodeMetadata> inputs, string name,
        TensorElementType type, params int[] ranks)
    {
        if (!inputs.TryGetValue(name, out var meta))
            throw new InvalidDataException($"{file}: missing input '{name}' (inputs: {string.Join(", ", inputs.Keys)}).");
        if (meta.ElementDataType != type)
            throw new InvalidDataException($"{file}: input '{name}' is {meta.ElementDataType}, expected {type}.");
        var rank = meta.Dimensions.Length;
        if (!ranks.Contains(rank))
            throw new InvalidDataException($"{file}: input '{name}' has rank {rank}, expected {string.Join(" or ", ranks)}.");
        return new ZipVoiceInput(name, type, rank);
    }

    private static string RequireOutput(string file, IReadOnlyDictionary<string, NodeMetadata> outputs, string name)
    {
        if (!outputs.TryGetValue(name, out var meta))
            throw new InvalidDataException($"{file}: missing output '{name}' (outputs: {string.Join(", ", outputs.Keys)}).");
        if (meta.ElementDataType != TensorElementType.Float || meta.Dimensions.Length != 3)
            throw new InvalidDataException($"{file}: output '{name}' is {meta.ElementDataType} of rank {meta.Dimensions.Length}, expected float32 [N, F, feat_dim].");
        return name;
    }

    private static ZipVoiceMetadata ReadMetadata(InferenceSession encoder, InferenceSession decoder)
    {
        var e = encoder.ModelMetadata.CustomMetadataMap;
        var d = decoder.ModelMetadata.CustomMetadataMap;
        int Int(IReadOnlyDictionary<string, string> map, string key, int fallback)
        {
            if (!map.TryGetValue(key, out var raw)) return fallback;
            return int.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v
                : throw new InvalidDataException($"ONNX metadata '{key}' is '{raw}', not a non-negative integer.");
        }
        return new ZipVoiceMetadata(
            Version: Int(d, "version", 1),
            FeatDim: Int(d, "feat_dim", 100),
            SampleRate: Int(d, "sample_rate", 24000),
            NFft: Int(d, "n_fft", 1024),
            HopLength: Int(d, "hop_length", 256),
            WindowLength: Int(d, "window_length", 1024),
            NumMels: Int(d, "num_mels", 100),
            UseEspeak: Int(e, "use_espeak", 1) != 0,
            UsePinyin: Int(e, "use_pinyin", 1) != 0,
            // Written by tools/export (the dialog exports): 2 for zipvoice_dialog_stereo's per-channel features.
            NumChannels: Math.Max(1, Int(d, "num_channels", 1)),
            ModelName: e.TryGetValue("model_name", out var name) ? name : d.TryGetValue("model_name", out name) ? name : null);
    }

    /// <summary>
    /// Runs the text encoder: <c>text_condition</c> [1, F, feat_dim] row-major and F, where the model
    /// computes F = ceil(prompt_frames / Tp · (Tp + T) / speed) (onnx_export.py, OnnxTextModel).
    /// </summary>
    public float[] EncodeText(long[] tokens, long[] promptTokens, int promptFrames, float speed, out int frames)
    {
        using var tokensValue = OrtValue.CreateTensorValueFromMemory(tokens, [1, tokens.Length]);
        using var promptValue = OrtValue.CreateTensorValueFromMemory(promptTokens, [1, promptTokens.Length]);
        using var lengthValue = OrtValue.CreateTensorValueFromMemory(new[] { (long)promptFrames }, ScalarShape(PromptFeaturesLen));
        using var speedValue = OrtValue.CreateTensorValueFromMemory(new[] { speed }, ScalarShape(Speed));
        using var runOptions = new RunOptions();
        using var results = TextEncoder.Run(runOptions,
            [Tokens.Name, PromptTokens.Name, PromptFeaturesLen.Name, Speed.Name],
            [tokensValue, promptValue, lengthValue, speedValue],
            [TextConditionOutput]);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || shape[2] != Metadata.FeatDim)
            throw new InvalidDataException($"{Path.GetFileName(TextEncoderPath)}: text_condition has shape [{string.Join(", ", shape)}], expected [1, F, {Metadata.FeatDim}].");
        frames = checked((int)shape[1]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The shape a scalar input is fed with: [] for rank 0, [1] for rank 1.</summary>
    public static long[] ScalarShape(ZipVoiceInput input) => input.Rank == 0 ? [] : [1];

    public void Dispose()
    {
        TextEncoder.Dispose();
        if (_decoderSessions is not null) _decoderSessions.Dispose(); // its main session is Decoder
        else Decoder.Dispose();
    }
}
