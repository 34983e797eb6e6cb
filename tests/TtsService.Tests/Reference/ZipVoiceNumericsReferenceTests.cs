using System.Text.Json;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.Reference;

/// <summary>
/// Our ZipVoice numerics against golden outputs of the reference code itself (k2-fsa/ZipVoice and
/// gemelo-ai/vocos, run under PyTorch by tools/reference/make_fixtures.py; manifest.json names the commits).
/// </summary>
public class ZipVoiceNumericsReferenceTests
{
    public static TheoryData<string> FeatureCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ReferenceFixtures.Manifest.GetProperty("features").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement Case(string section, string key, string name) =>
        ReferenceFixtures.Manifest.GetProperty(section).EnumerateArray().Single(c => c.GetProperty(key).GetString() == name);

    /// <summary>
    /// infer_zipvoice*.py's prompt path: load_prompt_wav (torchaudio.load, then torchaudio's Resample
    /// to 24 kHz), rms_norm to 0.1, VocosFbank().extract. Ours: PromptAudioDecoder (to 24 kHz mono),
    /// ZipVoiceAudio.RmsNormalize, MelSpectrogram.Extract. The log-mel must agree within 1e-3 (the model
    /// sees it × feat_scale 0.1). Bins some 100 dB under a frame's peak are ill-conditioned: float32
    /// rounding moves the reference's own value there by more. The fixture measures how much (the same
    /// extractor in float64, and with its Hann window off by one ulp in the entries where ATen's cos is
    /// not correctly rounded), and twice the larger of the two is allowed on top of 1e-3.
    /// </summary>
    [Theory]
    [MemberData(nameof(FeatureCases))]
    public void Prompt_features_match_zipvoice_feature_extractor(string name)
    {
        var c = Case("features", "name", name);
        var audio = new PromptAudioDecoder().Decode(File.ReadAllBytes(ReferenceFixtures.PathOf(c.GetProperty("wav").GetString()!)), new AudioDecodeLimits());
        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(c.GetProperty("source_rate").GetInt32(), audio.SourceSampleRate);

        var (normalized, rms) = ZipVoiceAudio.RmsNormalize(audio.Samples);
        var referenceRms = (float)c.GetProperty("prompt_rms").GetDouble();
        if (c.GetProperty("channels").GetInt32() == 1)
        {
            Assert.True(Math.Abs(rms - referenceRms) <= 1e-5 * referenceRms, $"prompt RMS {rms}, reference {referenceRms}");
        }
        else
        {
            // Known difference (see the issue 14 note): rms_norm measures both channels before VocosFbank
            // averages them; we keep only the mono mix, so a quiet stereo prompt whose channels differ gets
            // another gain. Apply the reference's gain to our mix to check everything else in the chain.
            Assert.True(referenceRms < ZipVoiceAudio.TargetRms, "the stereo case is meant to take the rms_norm branch");
            normalized = audio.Samples.Select(s => s * (ZipVoiceAudio.TargetRms / referenceRms)).ToArray();
        }

        var mel = new MelSpectrogram().Extract(normalized, out var frames);
        var (shape, expected) = ReferenceFixtures.Npy(c.GetProperty("log_mel").GetString()!);
        var (_, conditioning) = ReferenceFixtures.Npy(c.GetProperty("log_mel_conditioning").GetString()!);
        Assert.Equal([c.GetProperty("frames").GetInt32(), 100], shape);
        Assert.Equal(shape[0], frames);
        var over = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var allowed = 1e-3 + 2 * conditioning[i];
            var d = Math.Abs(mel[i] - expected[i]);
            Assert.True(d <= allowed, $"{name} log-mel [{i / 100}, {i % 100}]: ours {mel[i]}, reference {expected[i]} (moves by {conditioning[i]:E2} under float32 rounding), |d| {d:E3} > {allowed:E3}");
            if (d > 1e-3) over++;
        }
        // Only a handful of the quietest bins may need the float32 allowance.
        Assert.True(over <= expected.Length / 200, $"{name}: {over} of {expected.Length} values differ by more than 1e-3");
        Console.WriteLine($"{name}: {frames} frames, {over} of {expected.Length} log-mel values beyond 1e-3");
    }

    /// <summary>
    /// generate_sentence's prompt path with its silence removal: remove_silence(only_edge=False,
    /// trail_sil=200) (pydub's split_on_silence and detect_leading_silence), rms_norm, VocosFbank, on a
    /// 24 kHz prompt with 0.3 s edges and a 2.5 s pause. Ours: ZipVoiceAudio.RemoveSilence as
    /// ZipVoiceBackend.ComputePromptFeatures calls it, then the same as above.
    /// </summary>
    [Fact]
    public void Prompt_silence_removal_and_features_match_generate_sentence()
    {
        var c = ReferenceFixtures.Manifest.GetProperty("prompt_pipeline").EnumerateArray().Single();
        var audio = new PromptAudioDecoder().Decode(File.ReadAllBytes(ReferenceFixtures.PathOf(c.GetProperty("wav").GetString()!)), new AudioDecodeLimits());
        Assert.Equal(c.GetProperty("source_samples").GetInt32(), audio.Samples.Length);
        var trimmed = ZipVoiceAudio.RemoveSilence(audio.Samples, 24000, onlyEdge: false, trailingSilenceMs: 200);
        Assert.Equal(c.GetProperty("trimmed_samples").GetInt32(), trimmed.Length);
        var (normalized, rms) = ZipVoiceAudio.RmsNormalize(trimmed);
        var referenceRms = c.GetProperty("prompt_rms").GetDouble();
        Assert.True(Math.Abs(rms - referenceRms) <= 1e-5 * referenceRms, $"prompt RMS {rms}, reference {referenceRms}");
        var mel = new MelSpectrogram().Extract(normalized, out var frames);
        var (shape, expected) = ReferenceFixtures.Npy(c.GetProperty("log_mel").GetString()!);
        Assert.Equal(shape[0], frames);
        var worst = ReferenceFixtures.AssertClose(expected, mel, 1e-3, "prompt with pauses, log-mel");
        Console.WriteLine($"prompt with pauses: {trimmed.Length} samples after silence removal, max log-mel difference {worst:E2}");
    }

    /// <summary>zipvoice/models/modules/solver.py get_time_steps, float32 as PyTorch computes it, to 1e-7 (in fact bit for bit).</summary>
    [Fact]
    public void Time_steps_match_get_time_steps()
    {
        var cases = ReferenceFixtures.Manifest.GetProperty("timesteps").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var n = c.GetProperty("num_step").GetInt32();
            var shift = c.GetProperty("t_shift").GetDouble();
            var expected = c.GetProperty("t").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            ReferenceFixtures.AssertClose(expected, FlowMatchingSampler.TimeSteps(n, shift), 1e-7, $"num_step {n}, t_shift {shift}");
            // The service holds t_shift as the float the API parsed; the grid must not move by an ulp.
            Assert.Equal(expected, FlowMatchingSampler.TimeSteps(n, (float)shift));
        }
    }

    public static TheoryData<int> IstftCases()
    {
        var data = new TheoryData<int>();
        foreach (var c in ReferenceFixtures.Manifest.GetProperty("istft").EnumerateArray()) data.Add(c.GetProperty("frames").GetInt32());
        return data;
    }

    /// <summary>
    /// Vocos' ISTFTHead after its linear layer: S = mag·(x + i·y), then vocos/spectral_ops.py ISTFT with
    /// the 24 kHz model's padding "center" (torch.istft). Ours: what VocosVocoder does with the graph's
    /// mag, x, y (real = mag·x, imag = mag·y) and InverseStft with the settings the export's metadata gives.
    /// </summary>
    [Theory]
    [MemberData(nameof(IstftCases))]
    public void Inverse_stft_matches_vocos_istft_head(int frames)
    {
        var c = ReferenceFixtures.Manifest.GetProperty("istft").EnumerateArray().Single(e => e.GetProperty("frames").GetInt32() == frames);
        var (shape, mag) = ReferenceFixtures.Npy(c.GetProperty("mag").GetString()!);
        var (_, x) = ReferenceFixtures.Npy(c.GetProperty("x").GetString()!);
        var (_, y) = ReferenceFixtures.Npy(c.GetProperty("y").GetString()!);
        var (_, expected) = ReferenceFixtures.Npy(c.GetProperty("audio").GetString()!);
        Assert.Equal([513, frames], shape);
        var real = new float[mag.Length];
        var imag = new float[mag.Length];
        for (var i = 0; i < mag.Length; i++) { real[i] = mag[i] * x[i]; imag[i] = mag[i] * y[i]; }
        var istft = new InverseStft(new StftSettings(1024, 256, 1024, Center: true, PadMode: "reflect", Window: "hann"));
        var audio = istft.Compute(real, imag, frames);
        Assert.Equal(istft.OutputLength(frames), audio.Length);
        ReferenceFixtures.AssertClose(expected, audio, 1e-5, $"{frames} frames");
    }
}
