using StandinModels;
using TtsService.Inference.ZipVoice;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Text.Espeak;
using Kind = TtsService.Inference.ZipVoice.Tokenizer.EmiliaTokenizer.SegmentKind;

namespace TtsService.Tests.ZipVoice;

/// <summary>Expected sequences derived by hand from k2-fsa/ZipVoice zipvoice/tokenizer/tokenizer.py and piper-phonemize's phonemize.cpp.</summary>
public sealed class EmiliaTokenizerTests
{
    private static readonly ZipVoiceTokens Tokens = ZipVoiceTokens.Parse(ZipVoiceStandin.Tokens.Select((t, i) => $"{t}\t{i}"));

    [Fact]
    public void Segments_follow_get_segment_docstring_example()
    {
        // tokenizer.py get_segment docstring.
        var segments = EmiliaTokenizer.Segments("我们是小米人,是吗? Yes I think so!霍...啦啦啦");
        Assert.Equal(
            [("我们是小米人,是吗? ", Kind.Chinese), ("Yes I think so!", Kind.English), ("霍...啦啦啦", Kind.Chinese)],
            segments);
    }

    [Fact]
    public void Pinyin_and_tags_are_split_out()
    {
        var segments = EmiliaTokenizer.Segments("[S1]你<hao3>, ok");
        Assert.Equal([("[S1]", Kind.Tag), ("你", Kind.Chinese), ("<hao3>", Kind.Pinyin), (", ", Kind.Chinese), ("ok", Kind.English)], segments);
    }

    [Theory]
    [InlineData("zhong1", new[] { "zh0", "ong1" })]
    [InlineData("yi1", new[] { "y0", "i1" })]
    [InlineData("wu3", new[] { "w0", "u3" })]
    [InlineData("er2", new[] { "er2" })]
    [InlineData("lv4", new[] { "l0", "v4" })]
    public void Pinyin_separates_into_initial_0_and_tone3_final(string syllable, string[] expected) =>
        Assert.Equal(expected, EmiliaTokenizer.SeparatePinyin(syllable));

    [Fact]
    public void Punctuation_is_mapped_as_upstream()
    {
        Assert.Equal("你好,世界.\"a\"…", EmiliaTokenizer.MapPunctuation("你好，世界。“a”..."));
    }

    [Fact]
    public void Espeak_ipa_becomes_piper_code_points()
    {
        // phonemize_eSpeak: comma → ", ", full stop ends the sentence (no space), ties gone, quotes gone.
        var tokens = EmiliaTokenizer.PiperTokens("həlˈo^ʊ, wˈɜːld. \"hˈa^ʊ\" ɑːɹ juː?");
        Assert.Equal("həlˈoʊ, wˈɜːld.hˈaʊ ɑːɹ juː?", string.Concat(tokens));
        Assert.All(tokens, t => Assert.Single(t.EnumerateRunes()));
        Assert.Equal("a; b", string.Concat(EmiliaTokenizer.PiperTokens("a — b")));
    }

    [Fact]
    public void Ellipsis_and_inverted_marks_glue_the_next_clause_as_piper_does()
    {
        // espeak-ng gives "…", "¡", "¿" CLAUSE_SEMICOLON | CLAUSE_OPTIONAL_SPACE_AFTER; piper masks with
        // 0x000FFFFF, so none of its terminator cases match: no mark, no space, next clause follows directly.
        Assert.Equal("wˈeɪtwˌʌt?", string.Concat(EmiliaTokenizer.PiperTokens("wˈe^ɪt… wˌʌt?")));
        Assert.Equal("ˈoʊlæ!", string.Concat(EmiliaTokenizer.PiperTokens("¡ ˈo^ʊlæ!")));
        // The space piper writes after a comma is not a word gap and stays.
        Assert.Equal("wˈɛl, ˌoʊkˈeɪ.", string.Concat(EmiliaTokenizer.PiperTokens("wˈɛl, … ˌo^ʊkˈe^ɪ.")));
    }

    [SkippableFact]
    public void Ellipsis_in_text_glues_words_end_to_end()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "espeak-ng is not installed");
        var tokenizer = new EmiliaTokenizer(Tokens, espeak, null);
        // map_punctuations turns "..." into "…"; espeak-ng en-us: wait → wˈeɪt, what → wˌʌt (or wˈʌt).
        var tokens = string.Concat(tokenizer.TextToTokens("Wait... what?"));
        Assert.DoesNotContain(" ", tokens);
        Assert.StartsWith("wˈeɪtw", tokens);
        Assert.EndsWith("?", tokens);
    }

    [Fact]
    public void Chinese_uses_the_lexicon_with_longest_match()
    {
        var tokenizer = new EmiliaTokenizer(Tokens, new EspeakPhonemizer(), PinyinLexicon.Parse(ZipVoiceStandin.Lexicon));
        // 你好 is one lexicon word with tone sandhi (ni2 hao3), as pypinyin(tone_sandhi=True) writes it.
        Assert.Equal(["n0", "i2", "h0", "ao3", ",", "sh0", "i4", "j0", "ie4", "."], tokenizer.TextToTokens("你好，世界。"));
        Assert.Equal(["n0", "i3"], tokenizer.TextToTokens("你"));
    }

    [Fact]
    public void Chinese_without_a_lexicon_uses_the_pinyin_engine()
    {
        // k2-fsa/ZipVoice EmiliaTokenizer.tokenize_ZH on "你好," (upstream's output, see ZipVoiceChineseTokensTests).
        var tokenizer = new EmiliaTokenizer(Tokens, new EspeakPhonemizer(), lexicon: null);
        Assert.Equal("pypinyin + jieba", tokenizer.ChineseSource);
        Assert.Equal(["n0", "i2", "h0", "ao3", ","], tokenizer.TextToTokens("你好，"));
    }

    [SkippableFact]
    public void English_goes_through_espeak_en_us()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "espeak-ng is not installed");
        var tokenizer = new EmiliaTokenizer(Tokens, espeak, null);
        // espeak-ng en-us: "Hello" → həlˈoʊ, "world" → wˈɜːld (espeak-ng --ipa -v en-us).
        Assert.Equal("həlˈoʊ, wˈɜːld.", string.Concat(tokenizer.TextToTokens("Hello, world.")));
        // Abbreviations are expanded first (EnglishTextNormalizer): "Dr." → "doctor".
        Assert.Equal(string.Concat(tokenizer.TextToTokens("doctor.")), string.Concat(tokenizer.TextToTokens("Dr.")));
    }

    [Fact]
    public void Unknown_tokens_are_dropped()
    {
        var tokenizer = new EmiliaTokenizer(Tokens, new EspeakPhonemizer(), null);
        Tokens.TryGetId("h", out var h);
        Tokens.TryGetId(".", out var dot);
        Assert.Equal([h, dot], tokenizer.TokensToIds(["h", "☃", "."]));
    }

    [Fact]
    public void Tokens_txt_keeps_the_space_token_and_needs_a_pad()
    {
        var tokens = ZipVoiceTokens.Parse(["_\t0", " \t1", "a\t2"]);
        Assert.True(tokens.TryGetId(" ", out var space));
        Assert.Equal(1, space);
        Assert.Equal(0, tokens.PadId);
        Assert.Throws<InvalidDataException>(() => ZipVoiceTokens.Parse(["a\t2"]));
    }

    [Fact]
    public void Chunks_split_at_punctuation_and_merge_up_to_the_budget()
    {
        // chunk_tokens_punctuation: a blank after a full stop sticks to the previous sentence.
        string[] tokens = ["a", ",", "b", ".", " ", "c", "."];
        Assert.Equal([["a", ","], ["b", ".", " "], ["c", "."]], ZipVoiceChunker.Chunk(tokens, 3));
        Assert.Equal([["a", ",", "b", ".", " "], ["c", "."]], ZipVoiceChunker.Chunk(tokens, 5));
        Assert.Equal([tokens.ToList()], ZipVoiceChunker.Chunk(tokens, 100));
        Assert.Equal("Hi.", ZipVoiceChunker.AddPunctuation(" Hi "));
        Assert.Equal("Hi?", ZipVoiceChunker.AddPunctuation("Hi?"));
        // 2 s prompt of 20 tokens at speed 1: 0.1 s per token, (25 − 2) / 0.1 = 230 tokens.
        Assert.Equal(230, ZipVoiceChunker.MaxTokens(2.0, 20, 1f));
    }
}
