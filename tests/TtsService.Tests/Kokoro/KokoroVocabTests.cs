using TtsService.Text;
using TtsService.Inference.Kokoro;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Kokoro;

public class KokoroVocabTests
{
    [SkippableFact]
    public void Real_vocab_has_114_symbols_and_known_ids()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        var vocab = KokoroVocab.Load(Path.Combine(SharedAssets.KokoroDir!, "config.json"));
        Assert.Equal(114, vocab.Count);
        // "həlˈO ɹʌs": ids read off hexgrad/Kokoro-82M config.json by hand (h=50, ə=83, l=54, ˈ=156, O=31, space=16, ɹ=123, ʌ=138, s=61).
        Assert.Equal([50L, 83, 54, 156, 31, 16, 123, 138, 61], vocab.Encode("həlˈO ɹʌs"));
        // Misaki's single-letter diphthongs and affricates are in the vocabulary; raw espeak's tie bar is not.
        Assert.Equal([24L, 25, 39, 41, 82, 133], vocab.Encode("AIWYʤʧ"));
        Assert.Empty(vocab.Encode("\u0361"));
    }

    [Fact]
    public void Symbols_outside_the_vocab_are_dropped()
    {
        var vocab = new KokoroVocab(new Dictionary<string, long> { ["a"] = 1, ["b"] = 2, [" "] = 3 });
        Assert.Equal([1L, 3, 2], vocab.Encode("a😀 bZ"));
        Assert.Equal("a b", vocab.Filter("a😀 bZ"));
    }

    [Fact]
    public void Long_phoneme_strings_are_cut_at_spaces_under_the_limit()
    {
        var words = string.Join(' ', Enumerable.Repeat("abcdefg", 200)); // 1599 symbols
        var parts = KokoroFrontend.Split(words, new ChunkCutter(KokoroFrontend.WholeSchedule));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, KokoroFrontend.MaxPhonemes));
        Assert.All(parts, p => Assert.DoesNotContain(" ", p[..1] + p[^1..]));
        Assert.Equal(words.Replace(" ", ""), string.Concat(parts).Replace(" ", ""));
    }
}
