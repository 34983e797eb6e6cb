using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>ZipVoice-Dialog (mono and stereo) through the real backend on the dialog stand-ins, whose output is known in closed form.</summary>
public sealed class DialogBackendTests : IDisposable
{
    private readonly ZipVoiceTestModels _models = new();

    public void Dispose() => _models.Dispose();

    private ZipVoiceBackend Backend(string variant = DialogStandin.Mono)
    {
        var settings = new TtsSettings { ModelsDir = _models.ModelsDir, ZipvoiceModel = variant };
        var backend = new ZipVoiceBackend(settings, new HostingEnvironment { ContentRootPath = _models.ModelsDir }, ZipVoiceTestModels.CpuSessions(),
            new InferenceLimiter(settings), new EspeakPhonemizer(), new EnglishTextNormalizer(), NullLogger<ZipVoiceBackend>.Instance);
        backend.LoadAsync(CancellationToken.None).GetAwaiter().GetResult(); // as ModelLoader does at start-up
        return backend;
    }

    /// <summary>1 s of a 0.05-amplitude tone (quieter than target_rms, so the prompt-RMS rule scales the output down).</summary>
    private static VoicePrompt Tone(string transcript, string key, float frequency = 300) =>
        new(Enumerable.Range(0, 24000).Select(i => 0.05f * MathF.Sin(2 * MathF.PI * frequency * i / 24000)).ToArray(), transcript, key);

    private static async Task<List<AudioChunk>> Speak(ZipVoiceBackend backend, ZipVoiceRequest request)
    {
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in backend.SynthesizeAsync(request, CancellationToken.None)) chunks.Add(chunk);
        return chunks;
    }

    private static void SkipWithoutEspeak() => Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");

    [SkippableFact]
    public async Task Two_voices_are_joined_into_one_prompt_and_speak_the_closed_form_tones_at_the_prompt_level()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir);
        using var backend = Backend();
        Assert.Equal(BackendState.Ready, backend.Status.State);
        var chunks = await Speak(backend, new ZipVoiceRequest("zipvoice_dialog", "[S1] Hi there. [S2] Hello!", Tone("Hello there.", "voice:a:1"), Seed: 1)
            { SecondPrompt = Tone("Nice day.", "voice:b:1", 500) });
        Assert.All(chunks, c => Assert.Equal(1, c.Channels));
        var audio = chunks.SelectMany(c => c.Samples).ToArray();
        // Prompt: both tones one after the other (2 s) + 0.2 s of appended silence; output × prompt_rms / target_rms.
        var gain = 0.05 / Math.Sqrt(2) * Math.Sqrt(48000.0 / (48000 + 4798)) / 0.1;
        Assert.True(audio.Length > 2000);
        for (var n = 0; n < audio.Length; n += 7)
            Assert.Equal(gain * VocosStandin.Expected(n, 0.4 / 0.1, 0.3 / 0.1), audio[n], 3);
        // The text's speaker marks reach the model as tokens.
        Assert.StartsWith("[S1]", chunks[0].Phonemes);
        Assert.Contains("[S2]", chunks[0].Phonemes);
    }

    [SkippableFact]
    public async Task A_merged_prompt_needs_its_turns_marked()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir);
        using var backend = Backend();
        var merged = await Speak(backend, new ZipVoiceRequest("zipvoice_dialog", "[S1] Hi. [S2] Hello.", Tone("[S1] Hello there. [S2] Nice day.", "voice:ab:1"), Seed: 1));
        Assert.NotEmpty(merged.SelectMany(c => c.Samples));

        var e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice_dialog", "[S1] Hi. [S2] Hello.", Tone("Hello there.", "voice:a:1")), CancellationToken.None));
        Assert.Equal("dialog_needs_two_speakers", e.Code);
        e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice_dialog", "Hi. [S2] Hello.", Tone("[S1] Hello. [S2] Hi.", "voice:ab:1")), CancellationToken.None));
        Assert.Equal("dialog_must_start_with_s1", e.Code);
        e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice_dialog", "[S1] Hi. [S3] Hello.", Tone("[S1] Hello. [S2] Hi.", "voice:ab:1")), CancellationToken.None));
        Assert.Equal("too_many_speakers", e.Code);
    }

    [SkippableFact]
    public async Task A_long_conversation_is_cut_at_S1_turns()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir);
        using var backend = Backend();
        const string text = "[S1] Good morning. [S2] Morning! How was the trip? [S1] Long, but fine. [S2] Glad to hear it. [S1] Thanks.";
        // A 3 s budget (prompt 2.2 s) leaves room for a few tokens only: every [S1] dialogue becomes its own call.
        var chunks = await Speak(backend, new ZipVoiceRequest("zipvoice_dialog", text, Tone("Hello there.", "voice:a:1"), MaxDuration: 3, Seed: 1)
            { SecondPrompt = Tone("Nice day.", "voice:b:1") });
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        Assert.All(chunks, c => Assert.StartsWith("[S1]", c.Phonemes));
    }

    [SkippableFact]
    public async Task Stereo_puts_each_feature_set_in_its_own_channel()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir, DialogStandin.Stereo);
        using var backend = Backend(DialogStandin.Stereo);
        Assert.Equal(BackendState.Ready, backend.Status.State);
        var chunks = await Speak(backend, new ZipVoiceRequest("zipvoice_dialog_stereo", "[S1] Hi there. [S2] Hello!", Tone("Hello there.", "voice:a:1"), Seed: 1)
            { SecondPrompt = Tone("Nice day.", "voice:b:1", 500) });
        Assert.All(chunks, c => Assert.Equal(2, c.Channels));
        var audio = chunks.SelectMany(c => c.Samples).ToArray();
        Assert.Equal(0, audio.Length % 2);
        // Prompt: left = first voice then silence, right = silence then second voice, 0.2 s of silence after both:
        // RMS over both channels. Left speaks the stand-in's target TextRow, right RightScale · TextRow.
        var gain = Math.Sqrt(2 * 24000 * 0.05 * 0.05 / 2 / (2.0 * (48000 + 4798))) / 0.1;
        Assert.True(audio.Length > 4000);
        for (var n = 0; n < audio.Length / 2; n += 7)
        {
            Assert.Equal(gain * VocosStandin.Expected(n, 4, 3), audio[2 * n], 3);
            Assert.Equal(gain * VocosStandin.Expected(n, 4 * DialogStandin.RightScale, 3 * DialogStandin.RightScale), audio[2 * n + 1], 3);
        }
    }

    [SkippableFact]
    public async Task Stereo_takes_a_two_channel_merged_prompt()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir, DialogStandin.Stereo);
        using var backend = Backend(DialogStandin.Stereo);
        var left = Tone("", "l", 300).Samples;
        var right = Tone("", "r", 500).Samples;
        var prompt = new VoicePrompt(left.Zip(right, (l, r) => (l + r) / 2).ToArray(), "[S1] Hello there. [S2] Nice day.", "voice:ab:1")
            { Stereo = left.Zip(right, (l, r) => new[] { l, r }).SelectMany(p => p).ToArray() };
        var chunks = await Speak(backend, new ZipVoiceRequest("zipvoice_dialog_stereo", "[S1] Hi. [S2] Hello!", prompt, Seed: 1));
        Assert.All(chunks, c => Assert.Equal(2, c.Channels));
        var audio = chunks.SelectMany(c => c.Samples).ToArray();
        // Both channels carry a 0.05 tone for 1 s, then 0.2 s of appended silence: RMS over both channels.
        var gain = 0.05 / Math.Sqrt(2) * Math.Sqrt(24000.0 / (24000 + 4798)) / 0.1;
        Assert.True(audio.Length > 4000);
        for (var n = 0; n < audio.Length / 2; n += 7)
        {
            Assert.Equal(gain * VocosStandin.Expected(n, 4, 3), audio[2 * n], 3);
            Assert.Equal(gain * VocosStandin.Expected(n, 4 * DialogStandin.RightScale, 3 * DialogStandin.RightScale), audio[2 * n + 1], 3);
        }
    }

    [SkippableFact]
    public void Stereo_refuses_a_mono_merged_prompt()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir, DialogStandin.Stereo);
        using var backend = Backend(DialogStandin.Stereo);
        var e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice_dialog_stereo", "[S1] Hi. [S2] Hello.", Tone("[S1] Hello there. [S2] Nice day.", "voice:ab:1")), CancellationToken.None));
        Assert.Equal("stereo_prompt_is_mono", e.Code);
    }

    [Fact]
    public void A_dialogue_sent_to_a_single_speaker_model_is_400()
    {
        _models.Write();
        using var backend = Backend("zipvoice");
        var e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice", "[S1] Hi. [S2] Hello.", Tone("Hello there.", "voice:a:1")), CancellationToken.None));
        Assert.Equal("dialog_needs_dialog_model", e.Code);
        e = Assert.Throws<InvalidRequestException>(() => backend.SynthesizeAsync(
            new ZipVoiceRequest("zipvoice", "Hi.", Tone("Hello there.", "voice:a:1")) { SecondPrompt = Tone("Nice day.", "voice:b:1") }, CancellationToken.None));
        Assert.Equal("dialog_needs_dialog_model", e.Code);
    }

    [Fact]
    public void Graphs_that_do_not_match_the_variant_leave_it_unavailable_with_the_reason()
    {
        // A two-channel decoder in zipvoice_dialog/, and a dialog export lacking [S1]/[S2] in tokens.txt.
        DialogStandin.Write(_models.ModelsDir, DialogStandin.Mono, channels: 2);
        using (var backend = Backend())
        {
            Assert.False(backend.IsVariantReady(DialogStandin.Mono, out var reason));
            Assert.Contains("num_channels 2", reason);
        }
        var dir = DialogStandin.Write(_models.ModelsDir, DialogStandin.Stereo);
        var tokens = Path.Combine(dir, "tokens.txt");
        File.WriteAllLines(tokens, File.ReadAllLines(tokens).Where(l => !l.StartsWith("[S")));
        using (var backend = Backend(DialogStandin.Stereo))
        {
            Assert.False(backend.IsVariantReady(DialogStandin.Stereo, out var reason));
            Assert.Contains("[S1]", reason);
            Assert.Equal(BackendState.Unavailable, backend.Status.State);
        }
    }

    /// <summary>
    /// The dialog models follow PyTorch's ZipVoice.sample (infer_zipvoice_dialog.py): F = P + ceil(P / Tp · T / speed),
    /// not the graph's onnx_export.py rule ceil(P / Tp · (Tp + T) / speed), which also shrinks the prompt's frames. The
    /// numbers are the dialog reference fixture's mono_split case (speed 1.25): 126 frames, where the graph alone gives 108.
    /// </summary>
    [SkippableFact]
    public void At_other_speeds_the_dialog_text_encoder_gives_generate_sentences_frame_count()
    {
        SkipWithoutEspeak();
        DialogStandin.Write(_models.ModelsDir);
        using var backend = Backend();
        var variant = backend.LoadedVariant("zipvoice_dialog")!;
        var prompt = Enumerable.Range(1, 26).Select(i => (long)i).ToArray();
        var text = Enumerable.Range(1, 12).Select(i => (long)i).ToArray();
        Assert.Equal(126, ZipVoiceBackend.DialogFrames(92, 26, 12, 1.25f));
        ZipVoiceBackend.EncodeText(variant, text, prompt, 92, 1.25f, out var frames);
        Assert.Equal(126, frames);
        variant.Model.EncodeText(text, prompt, 92, 1.25f, out var graphFrames);
        Assert.Equal(108, graphFrames);
        foreach (var speed in new[] { 0.5f, 0.8f, 1f, 1.1f, 1.5f, 2f })
        {
            ZipVoiceBackend.EncodeText(variant, text, prompt, 92, speed, out frames);
            Assert.Equal(92 + (int)MathF.Ceiling(92f / 26 * 12 / speed), frames);
        }
    }
}
