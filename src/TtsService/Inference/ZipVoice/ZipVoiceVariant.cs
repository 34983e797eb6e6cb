using System.Text.Json;
using TtsService.Audio.Dsp;
using TtsService.Inference.Vocoder;
using TtsService.Inference.ZipVoice.Dialog;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Text;

namespace TtsService.Inference.ZipVoice;

/// <summary>Upstream defaults of one variant (<c>model_defaults</c> in infer_zipvoice_onnx.py).</summary>
public sealed record ZipVoiceVariantDefaults(int NumSteps, float GuidanceScale);

/// <summary>Where a variant's files are, in either published layout.</summary>
/// <param name="Directory">The directory holding the two graphs and tokens.txt.</param>
/// <param name="IsSherpaPack">True for a sherpa-onnx pack (encoder/decoder names, lexicon.txt).</param>
public sealed record ZipVoiceFiles(string Directory, string TextEncoder, string Decoder, string Tokens, string? ModelJson,
    string? Lexicon, string Vocoder, bool IsSherpaPack);

/// <summary>
/// One loaded ZipVoice variant: the two graphs, the sampler, the tokenizer and the feature extractor,
/// plus the shared Vocos vocoder.
/// </summary>
public sealed class ZipVoiceVariant : IDisposable
{
    public const string Zipvoice = "zipvoice";
    public const string Distill = "zipvoice_distill";
    public const string Dialog = "zipvoice_dialog";
    public const string DialogStereo = "zipvoice_dialog_stereo";

    /// <summary>Graph file pairs, most preferred first: k2-fsa/ZipVoice export (fp32, int8), then sherpa-onnx pack names.</summary>
    public static readonly (string Encoder, string Decoder, bool Sherpa)[] GraphNames =
    [
        ("text_encoder.onnx", "fm_decoder.onnx", false),
        ("text_encoder_int8.onnx", "fm_decoder_int8.onnx", false),
        ("encoder.int8.onnx", "decoder.int8.onnx", true),
        ("encoder.onnx", "decoder.onnx", true),
    ];

    public const string VocoderFileName = "vocos_24khz.onnx";

    public string Name { get; }
    public ZipVoiceFiles Files { get; }
    public ZipVoiceModel Model { get; }
    public FlowMatchingSampler Sampler { get; }
    public EmiliaTokenizer Tokenizer { get; }
    public MelSpectrogram Features { get; }
    public VocosVocoder Vocoder { get; }
    public ZipVoiceVariantDefaults Defaults { get; }
    public ZipVoiceMetadata Metadata => Model.Metadata;

    private ZipVoiceVariant(string name, ZipVoiceFiles files, ZipVoiceModel model, EmiliaTokenizer tokenizer, VocosVocoder vocoder, ILogger? logger)
    {
        Name = name;
        Files = files;
        Model = model;
        Tokenizer = tokenizer;
        Vocoder = vocoder;
        Defaults = DefaultsFor(name);
        var m = model.Metadata;
        Features = new MelSpectrogram(m.SampleRate, m.NFft, m.HopLength, m.WindowLength, m.NumMels);
        Sampler = new FlowMatchingSampler(model, logger);
    }

    /// <summary>infer_zipvoice_onnx.py <c>model_defaults</c>: zipvoice 16 steps / guidance 1.0, zipvoice_distill 8 / 3.0.</summary>
    /// <remarks>The dialog variants: infer_zipvoice_dialog.py's 16 steps / guidance 1.5.</remarks>
    public static ZipVoiceVariantDefaults DefaultsFor(string variant) =>
        variant == Distill ? new(8, 3.0f) : IsDialogName(variant) ? new(16, DialogText.DefaultGuidanceScale) : new(16, 1.0f);

    public static bool IsDialogName(string variant) => variant is Dialog or DialogStereo;

    /// <summary>Two speakers marked [S1]/[S2] (zipvoice_dialog, zipvoice_dialog_stereo).</summary>
    public bool IsDialog => IsDialogName(Name);

    /// <summary>Output channels: 2 for zipvoice_dialog_stereo (one speaker per channel), else 1.</summary>
    public int Channels => Metadata.NumChannels;

    /// <summary>Directories searched for a variant: models_dir/zipvoice/&lt;variant&gt;, then models_dir/&lt;variant&gt; (models/download.sh).</summary>
    public static string[] CandidateDirectories(string modelsDir, string variant) =>
        [Path.Combine(modelsDir, "zipvoice", variant), Path.Combine(modelsDir, variant)];

    /// <summary>Finds a variant's files; throws <see cref="FileNotFoundException"/> naming the first missing one.</summary>
    public static ZipVoiceFiles Locate(string modelsDir, string variant)
    {
        var dirs = CandidateDirectories(modelsDir, variant);
        foreach (var dir in dirs)
        {
            foreach (var (encoder, decoder, sherpa) in GraphNames)
            {
                var encoderPath = Path.Combine(dir, encoder);
                var decoderPath = Path.Combine(dir, decoder);
                if (!File.Exists(encoderPath) && !File.Exists(decoderPath)) continue;
                if (!File.Exists(encoderPath)) throw new FileNotFoundException($"ZipVoice {variant}: {decoderPath} is there but its text encoder {encoderPath} is missing.");
                if (!File.Exists(decoderPath)) throw new FileNotFoundException($"ZipVoice {variant}: {encoderPath} is there but its decoder {decoderPath} is missing.");
                var tokens = Path.Combine(dir, "tokens.txt");
                if (!File.Exists(tokens)) throw new FileNotFoundException($"ZipVoice {variant}: token table {tokens} is missing.");
                var modelJson = Path.Combine(dir, "model.json");
                var lexicon = Path.Combine(dir, "lexicon.txt");
                var isSherpa = sherpa || File.Exists(lexicon);
                var vocoder = new[] { Path.Combine(dir, VocoderFileName), Path.Combine(modelsDir, "zipvoice", VocoderFileName), Path.Combine(modelsDir, "vocos", VocoderFileName) }
                    .FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException($"ZipVoice vocoder not found: expected {Path.Combine(modelsDir, "vocos", VocoderFileName)} (or in {dir} or {Path.Combine(modelsDir, "zipvoice")}). Run models/download.sh to fetch it.");
                return new ZipVoiceFiles(dir, encoderPath, decoderPath, tokens, File.Exists(modelJson) ? modelJson : null,
                    File.Exists(lexicon) ? lexicon : null, vocoder, isSherpa);
            }
        }
        throw new FileNotFoundException(
            $"ZipVoice {variant} model not found: expected {Path.Combine(dirs[0], GraphNames[0].Encoder)} and {GraphNames[0].Decoder} " +
            $"(or *_int8.onnx, or a sherpa-onnx pack's encoder.int8.onnx + decoder.int8.onnx) in {dirs[0]} or {dirs[1]}. Run models/download.sh to fetch them.");
    }

    /// <summary>Loads a variant; <paramref name="vocoders"/> shares one vocoder per file between variants.</summary>
    public static ZipVoiceVariant Load(string variant, ZipVoiceFiles files, OnnxSessions sessions, IPhonemizer phonemizer,
        Func<string, VocosVocoder> vocoders, ILogger? logger)
    {
        if (files.ModelJson is not null) CheckModelJson(files.ModelJson);
        var tokens = ZipVoiceTokens.Load(files.Tokens);
        // Chinese comes from the tokenizer's own pypinyin route, as upstream's; a sherpa pack's lexicon.txt
        // (pypinyin output flattened into a word list, cut by longest match) is not needed.
        PinyinLexicon? lexicon = null;
        var model = new ZipVoiceModel(files.TextEncoder, files.Decoder, sessions);
        try
        {
            if (model.Metadata.UseEspeak && !phonemizer.IsAvailable)
                throw new InvalidOperationException("espeak-ng is not available (install the Debian packages libespeak-ng1 and espeak-ng-data); ZipVoice needs it for English.");
            var vocoder = vocoders(files.Vocoder);
            if (vocoder.FeatDim is { } vocoderDim && vocoderDim != model.Metadata.FeatDim)
                throw new InvalidDataException($"{Path.GetFileName(files.Vocoder)} takes {vocoderDim} mel bins but {Path.GetFileName(files.Decoder)} produces {model.Metadata.FeatDim}.");
            DialogModelCheck.Check(variant, files, model.Metadata, tokens);
            var tokenizer = new EmiliaTokenizer(tokens, phonemizer, lexicon, logger);
            return new ZipVoiceVariant(variant, files, model, tokenizer, vocoder, logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>model.json's <c>feature</c> block: upstream only supports <c>type: vocos</c> (infer_zipvoice_onnx.py main).</summary>
    private static void CheckModelJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (doc.RootElement.TryGetProperty("feature", out var feature) && feature.TryGetProperty("type", out var type)
            && type.GetString() is { } kind && kind != "vocos")
            throw new InvalidDataException($"{path}: feature type '{kind}' is not supported (ZipVoice's ONNX inference supports only 'vocos').");
    }

    public void Dispose()
    {
        Sampler.Dispose();
        Model.Dispose();
    }
}
