using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TtsService.Audio.Dsp;

namespace TtsService.Inference.Vocoder;

/// <summary>
/// The Vocos vocoder as sherpa-onnx ships it for ZipVoice (<c>vocos_24khz.onnx</c>), called the way
/// k2-fsa/sherpa-onnx <c>sherpa-onnx/csrc/vocos-vocoder.cc</c> calls it: one input, mel float32
/// [1, feat_dim, F]; three outputs mag, x, y float32 [1, n_fft/2+1, F]; the complex spectrum is
/// <c>mag·x + i·mag·y</c> exactly as sherpa-onnx forms it, with no clamp outside the graph (any
/// exp or clip of the magnitude belongs to the export), turned into samples by an inverse STFT
/// whose settings come from the model's metadata (n_fft, hop_length, win_length, center, normalized, window_type, pad_mode), with
/// sherpa-onnx's defaults when a key is absent. ORT sessions are thread-safe, and so is this class.
/// </summary>
public sealed class VocosVocoder : IDisposable
{
    public const string MagOutput = "mag";
    public const string CosOutput = "x";
    public const string SinOutput = "y";

    private readonly LoadAwareSession _sessions;
    private readonly string _input;
    private readonly string[] _outputs;
    private readonly InverseStft _istft;

    public string FilePath { get; }
    public bool OnCuda { get; }
    public StftSettings Settings { get; }

    /// <summary>The model's fixed mel dimension, or null when the export leaves it symbolic.</summary>
    public int? FeatDim { get; }

    public VocosVocoder(string path, OnnxSessions sessions)
    {
        FilePath = path;
        (_sessions, OnCuda) = sessions.OpenLoadAware(path);
        try
        {
            var file = Path.GetFileName(path);
            var inputs = _sessions.Main.InputMetadata;
            if (inputs.Count != 1)
                throw new InvalidDataException($"{file}: expected one input (mel float32 [1, feat_dim, F]), found {inputs.Count} ({string.Join(", ", inputs.Keys)}).");
            var inputName = _sessions.Main.InputNames[0];
            var inputMeta = inputs[inputName];
            _input = inputName;
            if (inputMeta.ElementDataType != TensorElementType.Float || inputMeta.Dimensions.Length != 3)
                throw new InvalidDataException($"{file}: input '{inputName}' is {inputMeta.ElementDataType} rank {inputMeta.Dimensions.Length}, expected float32 rank 3 [1, feat_dim, F].");
            FeatDim = inputMeta.Dimensions[1] > 0 ? inputMeta.Dimensions[1] : null;

            Settings = ReadSettings(_sessions.Main.ModelMetadata.CustomMetadataMap, file);
            _istft = new InverseStft(Settings);

            var outputs = _sessions.Main.OutputMetadata;
            if (outputs.Count != 3)
                throw new InvalidDataException($"{file}: expected three outputs ({MagOutput}, {CosOutput}, {SinOutput}), found {outputs.Count} ({string.Join(", ", outputs.Keys)}).");
            // By name when the export names them so; otherwise in order, as sherpa-onnx reads them.
            string[] named = [MagOutput, CosOutput, SinOutput];
            _outputs = named.All(outputs.ContainsKey) ? named : _sessions.Main.OutputNames.ToArray();
            foreach (var name in _outputs)
            {
                var meta = outputs[name];
                if (meta.ElementDataType != TensorElementType.Float || meta.Dimensions.Length != 3)
                    throw new InvalidDataException($"{file}: output '{name}' is {meta.ElementDataType} rank {meta.Dimensions.Length}, expected float32 rank 3 [1, n_fft/2+1, F].");
                if (meta.Dimensions[1] > 0 && meta.Dimensions[1] != Settings.Bins)
                    throw new InvalidDataException($"{file}: output '{name}' has {meta.Dimensions[1]} bins, but n_fft {Settings.NFft} needs {Settings.Bins}.");
            }
        }
        catch
        {
            _sessions.Dispose();
            throw;
        }
    }

    /// <summary>Samples for <paramref name="frames"/> mel frames: (F − 1)·hop when centred.</summary>
    public int OutputLength(int frames) => _istft.OutputLength(frames);

    /// <summary>
    /// Vocodes <paramref name="mel"/>, row-major [frames, featDim] (the ZipVoice decoder's layout,
    /// already divided by feat_scale), into samples at the model's rate.
    /// </summary>
    public float[] Synthesize(float[] mel, int frames, int featDim)
    {
        ArgumentNullException.ThrowIfNull(mel);
        if (frames <= 0) throw new ArgumentOutOfRangeException(nameof(frames), frames, "At least one frame is needed.");
        if (featDim <= 0) throw new ArgumentOutOfRangeException(nameof(featDim), featDim, "featDim must be positive.");
        if (mel.Length != frames * featDim)
            throw new ArgumentException($"mel holds {mel.Length} values, not frames {frames} × featDim {featDim}.", nameof(mel));
        if (FeatDim is { } expected && expected != featDim)
            throw new ArgumentException($"{Path.GetFileName(FilePath)} takes {expected} mel bins, not {featDim}.", nameof(featDim));

        // [frames, featDim] -> [1, featDim, frames]
        var transposed = new float[mel.Length];
        for (var t = 0; t < frames; t++)
            for (var c = 0; c < featDim; c++)
                transposed[c * frames + t] = mel[t * featDim + c];

        using var input = OrtValue.CreateTensorValueFromMemory(transposed, [1, featDim, frames]);
        using var runOptions = new RunOptions();
        using var results = _sessions.ForCall.Run(runOptions, [_input], [input], _outputs);
        var mag = results[0].GetTensorDataAsSpan<float>();
        var cos = results[1].GetTensorDataAsSpan<float>();
        var sin = results[2].GetTensorDataAsSpan<float>();
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || shape[1] != Settings.Bins || shape[2] <= 0)
            throw new InvalidDataException($"{Path.GetFileName(FilePath)}: output '{_outputs[0]}' has shape [{string.Join(", ", shape)}], expected [1, {Settings.Bins}, F].");
        var outFrames = (int)shape[2];
        var count = Settings.Bins * outFrames;
        if (cos.Length != count || sin.Length != count)
            throw new InvalidDataException($"{Path.GetFileName(FilePath)}: outputs '{_outputs[1]}'/'{_outputs[2]}' do not match '{_outputs[0]}' [1, {Settings.Bins}, {outFrames}].");

        // Both the model's outputs and InverseStft use [bins, frames].
        var real = new float[count];
        var imag = new float[count];
        for (var i = 0; i < count; i++)
        {
            real[i] = mag[i] * cos[i];
            imag[i] = mag[i] * sin[i];
        }
        return _istft.Compute(real, imag, outFrames);
    }

    private static StftSettings ReadSettings(IReadOnlyDictionary<string, string> meta, string file)
    {
        int Int(string key, int fallback)
        {
            if (!meta.TryGetValue(key, out var text)) return fallback;
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidDataException($"{file}: metadata '{key}' = '{text}' is not an integer.");
        }
        string Str(string key, string fallback) => meta.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text) ? text.Trim() : fallback;

        var settings = new StftSettings(
            NFft: Int("n_fft", 1024),
            HopLength: Int("hop_length", 256),
            WinLength: Int("win_length", 1024),
            Center: Int("center", 1) != 0,
            PadMode: Str("pad_mode", "reflect"),
            Window: Str("window_type", "hann"))
        { Normalized = Int("normalized", 0) != 0 };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{file}: unusable STFT metadata: {e.Message}", e);
        }
        return settings;
    }

    public void Dispose() => _sessions.Dispose();
}
