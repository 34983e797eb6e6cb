using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.Vocoder;
using TtsService.Inference.ZipVoice;
using TtsService.Text.Espeak;

namespace TtsService.Tests.Reference;

/// <summary>
/// The whole ZipVoice path, from token ids and prompt features to the waveform, against
/// <c>sample()</c> of k2-fsa/ZipVoice <c>zipvoice/bin/infer_zipvoice_onnx.py</c> and Vocos, run by
/// tools/reference/make_fixtures.py on the realshape random-weight models (the same weights, rebuilt
/// in PyTorch from the realshape seed) with a saved initial noise. Needs the realshape graphs
/// (shared/tools/realshape/make.sh, hundreds of MB): runs only when TTS_REALSHAPE_DIR names that
/// models folder, e.g. TTS_REALSHAPE_DIR=/tmp/realshape/models.
/// </summary>
public class WholeSampleReferenceTests
{
    public const string Variable = "TTS_REALSHAPE_DIR";

    /// <summary>The reference's x₀, whatever the seed.</summary>
    private sealed class FixedNoise(float[] noise) : IInitialNoise
    {
        public void Fill(long seed, Span<float> x)
        {
            Assert.Equal(noise.Length, x.Length);
            noise.CopyTo(x);
        }
    }

    [SkippableTheory]
    [InlineData("zipvoice_distill")]
    [InlineData("zipvoice")]
    public void Sampled_features_and_waveform_match_infer_zipvoice_onnx(string name)
    {
        var dir = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(dir), $"{Variable} is not set: this test needs the realshape models (shared/tools/realshape/make.sh; e.g. {Variable}=/tmp/realshape/models).");
        Skip.IfNot(Directory.Exists(Path.Combine(dir!, name)), $"{Path.Combine(dir!, name)} does not exist.");

        var c = ReferenceFixtures.Manifest.GetProperty("whole").GetProperty("cases").EnumerateArray()
            .Single(e => e.GetProperty("variant").GetString() == name);
        long[] Ids(string key) => c.GetProperty(key).EnumerateArray().Select(e => e.GetInt64()).ToArray();
        float[] Array(string key) => ReferenceFixtures.Npy(c.GetProperty(key).GetString()!).Data;

        var sessions = new OnnxSessions(new TtsSettings(), NullLogger<OnnxSessions>.Instance);
        using var vocoder = new VocosVocoder(ZipVoiceVariant.Locate(dir!, name).Vocoder, sessions);
        using var variant = ZipVoiceVariant.Load(name, ZipVoiceVariant.Locate(dir!, name), sessions, new EspeakPhonemizer(), _ => vocoder, null);
        variant.Sampler.InitialNoise = new FixedNoise(Array("noise"));

        var dim = variant.Metadata.FeatDim;
        var promptFeatures = Array("prompt_features");
        var promptFrames = promptFeatures.Length / dim;
        var promptIds = Ids("prompt_ids");
        var textIds = Ids("text_ids");
        var speed = (float)c.GetProperty("speed").GetDouble();
        var options = new SamplerOptions(c.GetProperty("num_step").GetInt32(), (float)c.GetProperty("guidance_scale").GetDouble(),
            (float)c.GetProperty("t_shift").GetDouble(), Seed: 0);

        // Text encoder: the frame count and text condition the reference sampled with.
        var text = variant.Model.EncodeText(textIds, promptIds, promptFrames, speed, out var frames);
        var referenceText = Array("text_condition");
        Assert.Equal(referenceText.Length / dim, frames);
        ReferenceFixtures.AssertClose(referenceText, text, 1e-3, $"{name} text condition");

        // Sampler: x₀ = the reference's noise, Euler steps on the decoder, prompt frames dropped.
        var features = variant.Sampler.Sample(text, frames, promptFeatures, promptFrames, options);
        var featureError = ReferenceFixtures.AssertClose(Array("features"), features, 1e-3, $"{name} features");

        // The service's own composition: ÷ feat_scale, Vocos, then clamp and the prompt-RMS rule.
        var prompt = new ZipVoiceBackend.PromptFeatures(promptFeatures, promptFrames, (float)c.GetProperty("prompt_rms").GetDouble(), 0.5);
        var wav = ZipVoiceBackend.Synthesize(variant, prompt, promptIds, textIds, speed, options, CancellationToken.None);
        ZipVoiceAudio.ClampAndRestoreLevel(wav, prompt.Rms);
        // The random-weight vocoder speaks softly (peak ~0.03 here), so 1e-3 is also required relative to the peak.
        var referenceWave = Array("waveform");
        var peak = referenceWave.Max(Math.Abs);
        Assert.True(peak > 1e-3, $"the reference waveform is nearly silent (peak {peak})");
        var waveError = ReferenceFixtures.AssertClose(referenceWave, wav, Math.Min(1e-3, 1e-3 * peak), $"{name} waveform");
        Console.WriteLine($"{name}: max |features − reference| {featureError:E2}, max |waveform − reference| {waveError:E2}");
    }
}
