using System.Text.Json;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Tests.RealModels;
using TtsService.Tests.ZipVoice;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Voices;

namespace TtsService.Tests.Reference;

/// <summary>
/// ZipVoice-Dialog against k2-fsa/ZipVoice's own <c>generate_sentence</c> and <c>generate_sentence_stereo</c>
/// (<c>zipvoice/bin/infer_zipvoice_dialog.py</c>), run by tools/reference/make_fixtures.py (<c>--only dialog</c>) on
/// the random-weight dialog models that tools/export/make.sh --random-weights exports (the same weights, rebuilt in
/// PyTorch from the seed) with a saved initial noise, and the realshape Vocos. Per case (mono and stereo model, a merged
/// prompt of both speakers and a split prompt of two recordings) the service's own code runs from the WAV files and
/// the texts: prompt decoding, joining and features, DialogText tokens, the text encoder graph, the sampler with the
/// reference's noise, per-channel vocoding, clamp, prompt-RMS rule and edge-silence trimming (the whole backend).
/// Needs the exported graphs (hundreds of MB): runs when <c>TTS_DIALOG_MODELS_DIR</c> names tools/export's output
/// folder and a Vocos graph is found (vocos/ beside it or in <c>TTS_REALSHAPE_DIR</c>).
/// </summary>
public sealed class DialogReferenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tts-dialog-reference").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The reference's x₀, whatever the seed.</summary>
    private sealed class FixedNoise(float[] noise) : IInitialNoise
    {
        public void Fill(long seed, Span<float> x)
        {
            Assert.Equal(noise.Length, x.Length);
            noise.CopyTo(x);
        }
    }

    public static TheoryData<string> Cases() => ["mono_merged", "mono_split", "stereo_merged", "stereo_split"];

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task Dialog_matches_infer_zipvoice_dialog(string name)
    {
        var c = ReferenceFixtures.Manifest.GetProperty("dialog").GetProperty("cases").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == name);
        var variantName = c.GetProperty("variant").GetString()!;
        var models = DialogExportTests.Assemble(_dir, variantName, out var realVocoder, out var skip);
        Skip.If(models is null, skip);
        Skip.IfNot(realVocoder, $"No Vocos graph: set {WholeSampleReferenceTests.Variable} to the realshape models folder (its vocos/vocos_24khz.onnx) " +
                                $"or put vocos/ beside the dialog graphs in {DialogExportTests.Variable}.");
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");

        long[] Ids(string key) => c.GetProperty(key).EnumerateArray().Select(e => e.GetInt64()).ToArray();
        string[] Strings(string key) => c.GetProperty(key).EnumerateArray().Select(e => e.GetString()!).ToArray();
        float[] Array(string key) => ReferenceFixtures.Npy(c.GetProperty(key).GetString()!).Data;
        float Float(string key) => (float)c.GetProperty(key).GetDouble();

        var settings = new TtsSettings { ModelsDir = models!, ZipvoiceModel = variantName };
        using var backend = new ZipVoiceBackend(settings, new HostingEnvironment { ContentRootPath = models! }, ZipVoiceTestModels.CpuSessions(),
            new InferenceLimiter(settings), new EspeakPhonemizer(), new EnglishTextNormalizer(), NullLogger<ZipVoiceBackend>.Instance);
        var variant = backend.LoadedVariant(variantName);
        Assert.True(variant is not null, $"{variantName} did not load");
        variant!.Sampler.InitialNoise = new FixedNoise(Array("noise"));

        // The prompt recordings as a client sends them, through the service's decoder.
        var decoder = new PromptAudioDecoder();
        var wavs = Strings("wavs");
        var transcripts = Strings("transcripts");
        var prompts = wavs.Select((wav, i) =>
        {
            var decoded = decoder.Decode(File.ReadAllBytes(ReferenceFixtures.PathOf(wav)), new AudioDecodeLimits());
            return new VoicePrompt(decoded.Samples, transcripts[i], $"{name}:{i}") { Stereo = decoded.Stereo };
        }).ToArray();
        var speed = Float("speed");
        var request = new ZipVoiceRequest(variantName, c.GetProperty("text").GetString()!, prompts[0], speed,
            NumSteps: c.GetProperty("num_step").GetInt32(), GuidanceScale: Float("guidance_scale"), TShift: Float("t_shift"),
            RemoveLongSilence: false, Seed: 0) { SecondPrompt = prompts.Length > 1 ? prompts[1] : null };
        var options = new SamplerOptions(request.NumSteps!.Value, request.GuidanceScale!.Value, request.TShift!.Value, Seed: 0);

        // Tokens: DialogText on the transcription(s) and the text, as DialogTokenizer gives them.
        var plan = backend.PlanDialog(variant, request);
        Assert.Equal(Strings("prompt_tokens"), plan.PromptTokens);
        Assert.Equal(Strings("text_tokens"), plan.TextTokens);
        Assert.Equal(Ids("prompt_ids"), plan.PromptIds);
        var chunk = Assert.Single(plan.Chunks);
        var textIds = variant.Tokenizer.TokensToIds(chunk);
        Assert.Equal(Ids("text_ids"), textIds);

        // Prompt: joined, trimmed, RMS-normalized, log-mel × feat_scale (both channels for the stereo model).
        var width = variant.Metadata.FrameWidth;
        Assert.Equal(c.GetProperty("prompt_frames").GetInt32(), plan.Prompt.Frames);
        Assert.Equal(Float("prompt_rms"), plan.Prompt.Rms, 1e-6f);
        // Plus how far the reference's own float32 rounding moves it (float64 run), as the single-speaker tests allow.
        var promptError = ReferenceFixtures.AssertClose(Array("prompt_features"), plan.Prompt.Features.AsSpan(0, plan.Prompt.Frames * width),
            1e-3 + c.GetProperty("prompt_features_float64_gap").GetDouble(), $"{name} prompt features");

        // Text encoder (with the speaker-turn embedding): the frame count and the condition the reference sampled with.
        var text = ZipVoiceBackend.EncodeText(variant, textIds, plan.PromptIds, plan.Prompt.Frames, speed, out var frames);
        Assert.Equal(c.GetProperty("frames").GetInt32(), frames);
        var textError = ReferenceFixtures.AssertClose(Array("text_condition"), text, 1e-3, $"{name} text condition");

        // Sampler: the reference's x₀, Euler steps on the decoder, prompt frames dropped.
        var features = variant.Sampler.Sample(text, frames, plan.Prompt.Features, plan.Prompt.Frames, options);
        var featureError = ReferenceFixtures.AssertClose(Array("features"), features, 1e-3, $"{name} features");

        // The whole request through the backend: ÷ feat_scale, Vocos per channel, clamp, prompt-RMS rule, edge silences.
        var output = new List<float>();
        var channels = 0;
        await foreach (var audio in backend.SynthesizeAsync(request, CancellationToken.None))
        {
            channels = audio.Channels;
            output.AddRange(audio.Samples);
        }
        Assert.Equal(variant.Channels, channels);
        var (shape, reference) = ReferenceFixtures.Npy(c.GetProperty("waveform").GetString()!);
        Assert.Equal(channels, shape[0]);
        // Upstream's (C, T) tensor, interleaved as the service streams it.
        var expected = new float[reference.Length];
        for (var ch = 0; ch < channels; ch++)
            for (var t = 0; t < shape[1]; t++) expected[t * channels + ch] = reference[ch * shape[1] + t];
        var peak = expected.Max(Math.Abs);
        Assert.True(peak > 1e-3, $"the reference waveform is nearly silent (peak {peak})");
        // The random-weight vocoder speaks softly, so 1e-3 is also required relative to the peak; plus one 16-bit step:
        // upstream's remove_silence goes through pydub's int16 samples (trunc(x · 32768) / 32768), the service keeps floats.
        var waveError = ReferenceFixtures.AssertClose(expected, output.ToArray(), Math.Min(1e-3, 1e-3 * peak) + 1.0 / 32768, $"{name} waveform");
        // Upstream's float before its int16 step lies within one step of its output, towards zero's far side
        // (trunc): how far ours lies outside that interval is the service's own difference.
        const double step = 1.0 / 32768;
        var intervalError = expected.Zip(output, (e, o) =>
        {
            var (low, high) = e > 0 ? (e, e + step) : e < 0 ? (e - step, e) : (-step, step);
            return o < low ? low - o : o > high ? o - high : 0;
        }).Max();
        Console.WriteLine($"{name}: max |ours − reference|: prompt features {promptError:E2}, text condition {textError:E2}, " +
                          $"features {featureError:E2}, waveform {waveError:E2}, beyond pydub's int16 step {intervalError:E2} (peak {peak:F4})");
    }
}
