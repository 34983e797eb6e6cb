using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>A streamed ZipVoice request: a short first call, then the rest, joined as the whole file is.</summary>
public sealed class ZipVoiceStreamingTests : IDisposable
{
    private readonly ZipVoiceTestModels _models = new();

    public void Dispose() => _models.Dispose();

    private static readonly ChunkSchedule Schedule = ZipVoiceBackend.StreamingSchedule;

    /// <summary>1 s of a quiet 300 Hz tone with its (pretend) transcript.</summary>
    private static readonly VoicePrompt Prompt =
        new(Enumerable.Range(0, 24000).Select(i => 0.05f * MathF.Sin(2 * MathF.PI * 300 * i / 24000)).ToArray(), "Hello there.", "p1");

    /// <summary>Built and loaded, as the host's start-up step (ModelLoader) does.</summary>
    private ZipVoiceBackend Backend(TtsSettings settings, InferenceLimiter? limiter = null)
    {
        var backend = new ZipVoiceBackend(settings, new HostingEnvironment { ContentRootPath = _models.ModelsDir }, ZipVoiceTestModels.CpuSessions(),
            limiter ?? new InferenceLimiter(settings), new EspeakPhonemizer(), new EnglishTextNormalizer(), NullLogger<ZipVoiceBackend>.Instance);
        backend.LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        return backend;
    }

    [Fact]
    public void A_sentence_is_cut_after_its_opening_words_then_kept_whole()
    {
        // "ab cd ef gh ..., ij": words of two tokens, blanks as " " tokens, as the Emilia tokenizer gives them.
        var tokens = new List<string>();
        for (var w = 0; w < 30; w++)
        {
            if (w > 0) tokens.Add(" ");
            tokens.AddRange(["a", "b"]);
            if (w == 20) tokens.Add(",");
        }
        tokens.Add(".");
        var chunks = ZipVoiceChunker.CutForStreaming([tokens], Schedule with { Max = 1000 });
        Assert.Equal(2, chunks.Count);
        Assert.InRange(chunks[0].Count, Schedule.FirstMin, Schedule.FirstMax);
        Assert.Equal(" ", chunks[0][^1]); // cut between words
        Assert.Equal(tokens, chunks.SelectMany(c => c));
    }

    [Fact]
    public void Punctuation_near_the_start_is_the_preferred_cut()
    {
        string[] opening = ["h", "i", ",", " ", "t", "h", "e", "r", "e", " ", "y", "o", "u"];
        var tokens = opening.Concat(Enumerable.Repeat(new[] { " ", "a", "b", "c" }, 20).SelectMany(w => w)).ToList();
        var chunks = ZipVoiceChunker.CutForStreaming([tokens], Schedule with { Max = 1000 });
        // "hi," is shorter than the first call's minimum: the cut is the last word end within the budget.
        Assert.Equal(opening[..10], chunks[0]);
        var withComma = ZipVoiceChunker.CutForStreaming([["a", "b", "c", "d", "e", ",", " ", "k", "l", " ", .. tokens]], Schedule with { Max = 1000 });
        Assert.Equal(7, withComma[0].Count); // a clause end past the minimum beats the later word end after "kl"
        Assert.Equal(",", withComma[0][^2]);
    }

    [Fact]
    public void Later_upstream_chunks_stay_as_upstream_made_them()
    {
        var first = Enumerable.Repeat(new[] { "a", "b", " " }, 20).SelectMany(w => w).ToList();
        var second = Enumerable.Repeat(new[] { "c", "d", " " }, 20).SelectMany(w => w).ToList();
        var chunks = ZipVoiceChunker.CutForStreaming([first, second], Schedule with { Max = 60 });
        Assert.Equal(3, chunks.Count);
        Assert.Equal(second, chunks[2]);
        Assert.All(chunks, c => Assert.True(c.Count <= 60));
    }

    [SkippableFact]
    public async Task A_streamed_request_on_an_idle_server_speaks_a_short_first_call_then_the_rest_and_under_load_whole_sentences()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(velocity: ZipVoiceVelocity.Target);
        Skip.If(Environment.ProcessorCount < 2, "the early call needs a core to run beside the rest");
        var settings = new TtsSettings { ModelsDir = _models.ModelsDir, OnnxIntraOpThreads = 1, MaxConcurrentInferences = 2 };
        var limiter = new InferenceLimiter(settings);
        using var backend = Backend(settings, limiter);
        const string text = "After the long winter the people of the small northern town gathered by the river every evening.";

        async Task<List<AudioChunk>> Run(bool stream)
        {
            var chunks = new List<AudioChunk>();
            await foreach (var c in backend.SynthesizeAsync(new ZipVoiceRequest("zipvoice", text, Prompt, Seed: 1, Stream: stream), CancellationToken.None))
                chunks.Add(c);
            return chunks;
        }
        var whole = await Run(stream: false);
        var streamed = await Run(stream: true);

        // A busy server: the early call would cost the waiting requests its repeat of the prompt, so no cut.
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = limiter.RunAsync(() => release.Task.Result, CancellationToken.None);
        Assert.False(limiter.IsIdle);
        var underLoad = new List<AudioChunk>();
        await foreach (var c in backend.SynthesizeAsync(new ZipVoiceRequest("zipvoice", text, Prompt, Seed: 1, Stream: true), CancellationToken.None))
        {
            release.TrySetResult(0); // tokenized and planned: let the other call finish so this one gets its slot
            underLoad.Add(c);
        }
        await busy;
        Assert.Single(underLoad);
        Assert.Equal(whole[0].Samples, underLoad[0].Samples);

        Assert.Single(whole);
        Assert.Equal(2, streamed.Count);
        Assert.Equal(whole[0].Phonemes, string.Concat(streamed.Select(c => c.Phonemes)));
        var firstTokens = streamed[0].Phonemes!.EnumerateRunes().Count();
        Assert.InRange(firstTokens, Schedule.FirstMin, Schedule.FirstMax);
        // The stand-in's frames follow the token count at the prompt's rate, so the two calls last as long as the
        // one, less the cross-fade that overlaps them and a frame of rounding per call.
        var wholeSamples = whole.Sum(c => c.Samples.Length);
        var streamedSamples = streamed.Sum(c => c.Samples.Length);
        Assert.InRange(streamedSamples, wholeSamples * 0.93, wholeSamples * 1.07);
        Assert.All(streamed, c => Assert.All(c.Samples, v => Assert.True(float.IsFinite(v) && Math.Abs(v) <= 1f)));
    }

    [SkippableFact]
    public async Task An_idle_variant_other_than_the_default_is_unloaded_but_never_while_in_use()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write("zipvoice");
        _models.Write("zipvoice_distill");
        var settings = new TtsSettings { ModelsDir = _models.ModelsDir, ZipvoiceUnloadIdleMinutes = 0 };
        using var backend = Backend(settings);
        ZipVoiceRequest Request(string model) => new(model, "One sentence. And another one.", Prompt, NumSteps: 2, Seed: 1, MaxDuration: 1.5f);

        Assert.Equal(["zipvoice"], backend.LoadedVariants);
        var first = new List<float>();
        await foreach (var c in backend.SynthesizeAsync(Request("zipvoice_distill"), CancellationToken.None)) first.AddRange(c.Samples);
        Assert.Equal(["zipvoice", "zipvoice_distill"], backend.LoadedVariants.Order());

        // In use (a stream between two chunks): not unloaded, however idle the clock says it is.
        await using (var running = backend.SynthesizeAsync(Request("zipvoice_distill"), CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await running.MoveNextAsync());
            backend.UnloadIdle(TimeSpan.Zero);
            Assert.Contains("zipvoice_distill", backend.LoadedVariants);
            while (await running.MoveNextAsync()) { }
        }

        backend.UnloadIdle(TimeSpan.Zero);
        Assert.Equal(["zipvoice"], backend.LoadedVariants); // the default stays
        var again = new List<float>();
        await foreach (var c in backend.SynthesizeAsync(Request("zipvoice_distill"), CancellationToken.None)) again.AddRange(c.Samples);
        Assert.Equal(first, again); // reloaded on use, same files, same seed: same audio
    }

    [SkippableFact]
    public async Task With_every_core_on_one_call_a_stream_keeps_whole_sentences()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        _models.Write(velocity: ZipVoiceVelocity.Target);
        // One call at a time on all the cores: the early call could not overlap the rest, it would only add its cost.
        var settings = new TtsSettings { ModelsDir = _models.ModelsDir, OnnxIntraOpThreads = Environment.ProcessorCount };
        using var backend = Backend(settings);
        var chunks = new List<AudioChunk>();
        await foreach (var c in backend.SynthesizeAsync(new ZipVoiceRequest("zipvoice", "After the long winter the people of the town gathered.", Prompt, Seed: 1, Stream: true), CancellationToken.None))
            chunks.Add(c);
        Assert.Single(chunks);
    }
}
