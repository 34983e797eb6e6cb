using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Inference.ZipVoice.Dialog;
using TtsService.Tests.Reference;
using TtsService.Tests.ZipVoice;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Voices;

namespace TtsService.Tests.RealModels;

/// <summary>
/// Opt-in: the graphs tools/export wrote (<c>TTS_DIALOG_MODELS_DIR</c>: its OUT folder, holding zipvoice_dialog/ and/or
/// zipvoice_dialog_stereo/; the full-size random-weight export, the --tiny one, or a real export) load in the service
/// and speak a dialogue through the real backend. The vocoder is <c>vocos/vocos_24khz.onnx</c> in that folder or in
/// <c>TTS_REALSHAPE_DIR</c>, else the Vocos stand-in (its output is then not speech; shapes and channels still are).
/// </summary>
public sealed class DialogExportTests : IDisposable
{
    public const string Variable = "TTS_DIALOG_MODELS_DIR";
    private readonly string _dir = Directory.CreateTempSubdirectory("tts-dialog-export").FullName;
    private bool _realVocoder;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>models_dir/zipvoice/&lt;variant&gt;/ linked to the export, plus a vocoder; null (with the reason) when there is nothing to test.</summary>
    private string? Assemble(string variant, out string? skip) => Assemble(_dir, variant, out _realVocoder, out skip);

    /// <summary>
    /// Makes <paramref name="dir"/> a models_dir for <paramref name="variant"/>: zipvoice/&lt;variant&gt;/ linked to the export in
    /// <c>TTS_DIALOG_MODELS_DIR</c>, vocos/vocos_24khz.onnx linked to the one beside the export or in <c>TTS_REALSHAPE_DIR</c>
    /// (<paramref name="realVocoder"/>), else the Vocos stand-in. Null, with the reason, when there is no export to test.
    /// </summary>
    public static string? Assemble(string dir, string variant, out bool realVocoder, out string? skip)
    {
        skip = null;
        realVocoder = false;
        var root = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(root)) { skip = $"{Variable} is not set: point it at tools/export's output folder to test the exported dialog graphs."; return null; }
        var source = Path.Combine(root, variant);
        if (!File.Exists(Path.Combine(source, "fm_decoder.onnx"))) { skip = $"{source} has no export of {variant}."; return null; }
        var target = Directory.CreateDirectory(Path.Combine(dir, "zipvoice", variant)).FullName;
        foreach (var file in Directory.GetFiles(source)) File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), file);
        var vocos = new[] { root, Environment.GetEnvironmentVariable(WholeSampleReferenceTests.Variable) ?? "" }
            .Select(d => Path.Combine(d, "vocos", "vocos_24khz.onnx")).FirstOrDefault(File.Exists);
        Directory.CreateDirectory(Path.Combine(dir, "vocos"));
        var link = Path.Combine(dir, "vocos", "vocos_24khz.onnx");
        if (vocos is not null) { if (!File.Exists(link)) File.CreateSymbolicLink(link, vocos); }
        else if (!File.Exists(link)) VocosStandin.Write(dir);
        realVocoder = vocos is not null;
        return dir;
    }

    private static VoicePrompt Tone(string transcript, string key, float frequency) =>
        new(Enumerable.Range(0, 36000).Select(i => 0.08f * MathF.Sin(2 * MathF.PI * frequency * i / 24000)).ToArray(), transcript, key);

    [SkippableTheory]
    [InlineData("zipvoice_dialog", 1)]
    [InlineData("zipvoice_dialog_stereo", 2)]
    public async Task The_export_loads_with_its_metadata_and_speaks_a_dialogue(string variant, int channels)
    {
        var models = Assemble(variant, out var skip);
        Skip.If(models is null, skip);
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        Assert.True(DialogModelCheck.LooksInstalled(models!, variant));
        var settings = new TtsSettings { ModelsDir = models!, ZipvoiceModel = variant };
        using var backend = new ZipVoiceBackend(settings, new HostingEnvironment { ContentRootPath = models! }, ZipVoiceTestModels.CpuSessions(),
            new InferenceLimiter(settings), new EspeakPhonemizer(), new EnglishTextNormalizer(), NullLogger<ZipVoiceBackend>.Instance);
        await backend.LoadAsync(CancellationToken.None); // as ModelLoader does at start-up
        Assert.True(backend.IsVariantReady(variant, out var reason), reason);
        Assert.Equal(BackendState.Ready, backend.Status.State);

        var request = new ZipVoiceRequest(variant, "[S1] Are you ready? [S2] Yes, let's go.", Tone("Good morning to you.", "p:a", 220), NumSteps: 2, Seed: 1)
            { SecondPrompt = Tone("Hello, how are you?", "p:b", 330) };
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in backend.SynthesizeAsync(request, CancellationToken.None)) chunks.Add(chunk);
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal(channels, c.Channels));
        var samples = chunks.SelectMany(c => c.Samples).ToArray();
        Assert.True(samples.Length > 0 && samples.Length % channels == 0);
        // The Vocos stand-in exponentiates the mel, so a random-weight decoder's large features overflow it; a Vocos graph does not.
        if (_realVocoder) Assert.All(samples, s => Assert.True(float.IsFinite(s) && Math.Abs(s) <= 1f));
    }

    [SkippableTheory]
    [InlineData("zipvoice_dialog", 1)]
    [InlineData("zipvoice_dialog_stereo", 2)]
    public void The_graphs_give_the_frames_and_widths_of_the_contract(string variant, int channels)
    {
        var models = Assemble(variant, out var skip);
        Skip.If(models is null, skip);
        var files = ZipVoiceVariant.Locate(models!, variant);
        using var model = new ZipVoiceModel(files.TextEncoder, files.Decoder, ZipVoiceTestModels.CpuSessions());
        Assert.Equal((channels, variant), (model.Metadata.NumChannels, model.Metadata.ModelName));
        var s1 = long.Parse(model.TextEncoder.ModelMetadata.CustomMetadataMap["spk_a_id"]);
        var s2 = long.Parse(model.TextEncoder.ModelMetadata.CustomMetadataMap["spk_b_id"]);
        long[] prompt = [s1, 10, 11, 12, s2, 13, 14, 15];
        long[] text = [s1, 20, 21, s2, 22, 23, 24];
        const int promptFrames = 40;
        var condition = model.EncodeText(text, prompt, promptFrames, 1f, out var frames);
        // onnx_export.py's rule: F = ceil(prompt_frames / Tp · (Tp + T) / speed).
        Assert.Equal((int)Math.Ceiling(promptFrames / 8.0 * 15), frames);
        Assert.Equal(frames * model.Metadata.FeatDim, condition.Length);
        Assert.All(condition, v => Assert.True(float.IsFinite(v)));

        // The speaker turns matter: the same ids with the marks' order swapped give another condition.
        var swapped = model.EncodeText([s2, 20, 21, s1, 22, 23, 24], [s2, 10, 11, 12, s1, 13, 14, 15], promptFrames, 1f, out _);
        Assert.NotEqual(condition, swapped);

        using var sampler = new FlowMatchingSampler(model);
        var promptFeatures = new float[promptFrames * model.Metadata.FrameWidth];
        var features = sampler.Sample(condition, frames, promptFeatures, promptFrames, new SamplerOptions(2, 1.5f, 0.5f, 1));
        Assert.Equal((frames - promptFrames) * model.Metadata.FeatDim * channels, features.Length);
        Assert.All(features, v => Assert.True(float.IsFinite(v)));
    }
}
