using TtsService.Inference.ZipVoice;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;

namespace TtsService.Tests.ZipVoice;

/// <summary>
/// Token ids pinned to what k2-fsa/ZipVoice's own front end gives. Derivation:
/// <list type="bullet">
/// <item>zipvoice/bin/infer_zipvoice_onnx.py <c>generate_sentence</c>: <c>add_punctuation</c> (utils/infer.py:
/// append "." unless the text ends in ; : , . ! ?), then <c>tokenizer.texts_to_tokens</c>.</item>
/// <item>zipvoice/tokenizer/tokenizer.py <c>EmiliaTokenizer.tokenize_EN</c>: <c>phonemize_espeak(text, "en-us")</c>
/// and <c>reduce(lambda x, y: x + y, tokens)</c>: the sentences are concatenated, nothing between them.</item>
/// <item>rhasspy/piper-phonemize src/phonemize.cpp <c>phonemize_eSpeak</c>: the whole text through
/// <c>espeak_TextToPhonemesWithTerminator(..., phonememode 0x02 /* IPA, no ties */)</c> clause by clause,
/// NFD, "(lang)" flags dropped, then by <c>terminator &amp; 0x000FFFFF</c>: PERIOD ".", QUESTION "?",
/// EXCLAMATION "!", COMMA ", ", COLON ": ", SEMICOLON "; ", else nothing.</item>
/// <item>ids: tokens.txt's espeak part is piper's DEFAULT_PHONEME_ID_MAP (src/phoneme_ids.hpp), id = position
/// in <see cref="PiperSymbols"/>.</item>
/// </list>
/// The IPA itself is espeak-ng's (Debian 1.51 data); the expectations were cross-checked against a build of
/// rhasspy/espeak-ng (the fork piper links, which has espeak_TextToPhonemesWithTerminator) run with the same data.
/// </summary>
public sealed class ReferenceTokensTests
{
    /// <summary>piper-phonemize src/phoneme_ids.hpp DEFAULT_PHONEME_ID_MAP, ids 0..158 in order.</summary>
    private const string PiperSymbols =
        "_^$ !'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ0123456789\u0327\u0303\u032a\u032f\u0329ʰˤε↓#\"↑\u033a\u033bgʦX\u031d\u030a";

    private static readonly ZipVoiceTokens Tokens = ZipVoiceTokens.Parse(PiperSymbols.EnumerateRunes().Select((r, i) => $"{r}\t{i}"));

    private const string PromptText = "The weather was calm and the lake was quiet today.";
    private const string Text = "After the long winter the people of the small northern town gathered by the river every evening " +
                                "to talk about the harvest, the weather, and the plans they had for the summer";

    private static EmiliaTokenizer Tokenizer()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "espeak-ng is not installed");
        return new EmiliaTokenizer(Tokens, espeak, null);
    }

    /// <summary>The service's path: normalizer, add_punctuation, tokenizer (ZipVoiceBackend.SynthesizeAsync).</summary>
    private static List<string> ServiceTokens(EmiliaTokenizer tokenizer, string text) =>
        tokenizer.TextToTokens(ZipVoiceChunker.AddPunctuation(new EnglishTextNormalizer().Normalize(text, NormalizationOptions.Default)));

    [Fact]
    public void Token_table_is_pipers_map()
    {
        Assert.Equal(159, Tokens.Count);
        Assert.True(Tokens.TryGetId(" ", out var space) && space == 3);
        Assert.True(Tokens.TryGetId("ˈ", out var stress) && stress == 120);
        Assert.True(Tokens.TryGetId("\u030a", out var last) && last == 158);
    }

    [SkippableFact]
    public void Prompt_text_gives_the_reference_ids()
    {
        var tokenizer = Tokenizer();
        var tokens = ServiceTokens(tokenizer, PromptText);
        // One clause ending in CLAUSE_PERIOD: "." straight after the last word, no blank before it.
        Assert.Equal("ðə wˈɛðɚ wʌz kˈɑːm ænd ðə lˈeɪk wʌz kwˈaɪət tədˈeɪ.", string.Concat(tokens));
        Assert.Equal(
            [41, 59, 3, 35, 120, 61, 41, 60, 3, 35, 102, 38, 3, 23, 120, 51, 122, 25, 3, 39, 26, 17, 3, 41, 59, 3, 24, 120, 18, 74, 23, 3,
             35, 102, 38, 3, 23, 35, 120, 14, 74, 59, 32, 3, 32, 59, 17, 120, 18, 74, 10],
            tokenizer.TokensToIds(tokens));
    }

    [SkippableFact]
    public void Text_gives_the_reference_ids()
    {
        var tokenizer = Tokenizer();
        var tokens = ServiceTokens(tokenizer, Text);
        // add_punctuation appends "."; the commas are CLAUSE_COMMA → ", "; espeak phonemizes each clause as a
        // whole, so "of the" → ʌvðə, "for the" → fɚðə, "by" → baɪ, "to" → tə, "about" → ɐbˌaʊt, "river every" → ɹˈɪvɚɹ ˈɛvɹi.
        Assert.Equal(
            "ˈæftɚ ðə lˈɔŋ wˈɪntɚ ðə pˈiːpəl ʌvðə smˈɔːl nˈɔːɹðɚn tˈaʊn ɡˈæðɚd baɪ ðə ɹˈɪvɚɹ ˈɛvɹi ˈiːvnɪŋ tə tˈɔːk ɐbˌaʊt ðə " +
            "hˈɑːɹvɪst, ðə wˈɛðɚ, ænd ðə plˈænz ðeɪ hæd fɚðə sˈʌmɚ.",
            string.Concat(tokens));
        Assert.Equal(
            [120, 39, 19, 32, 60, 3, 41, 59, 3, 24, 120, 54, 44, 3, 35, 120, 74, 26, 32, 60, 3, 41, 59, 3, 28, 120, 21, 122, 28, 59, 24, 3,
             102, 34, 41, 59, 3, 31, 25, 120, 54, 122, 24, 3, 26, 120, 54, 122, 88, 41, 60, 26, 3, 32, 120, 14, 100, 26, 3, 66, 120, 39, 41,
             60, 17, 3, 15, 14, 74, 3, 41, 59, 3, 88, 120, 74, 34, 60, 88, 3, 120, 61, 34, 88, 21, 3, 120, 21, 122, 34, 26, 74, 44, 3, 32,
             59, 3, 32, 120, 54, 122, 23, 3, 50, 15, 121, 14, 100, 32, 3, 41, 59, 3, 20, 120, 51, 122, 88, 34, 74, 31, 32, 8, 3, 41, 59, 3,
             35, 120, 61, 41, 60, 8, 3, 39, 26, 17, 3, 41, 59, 3, 28, 24, 120, 39, 26, 38, 3, 41, 18, 74, 3, 20, 39, 17, 3, 19, 60, 41,
             59, 3, 31, 120, 102, 25, 60, 10],
            tokenizer.TokensToIds(tokens));
        // 167 text and 51 prompt tokens; with the 300-frame prompt (3.0 s + 0.2 s trailing silence) the text
        // encoder (onnx_export.py OnnxTextModel: ceil(300 / 51 * 218)) gives 1283 frames, 983 of them new.
        Assert.Equal(167, tokens.Count);
    }

    [SkippableTheory]
    // Punctuation: espeak-ng ReadClause (readclause.c) ends a clause only at a mark followed by a space, a
    // bracket, "?" or the end; in a run of ? and ! the first decides; "…" (CLAUSE_OPTIONAL_SPACE_AFTER)
    // matches none of piper's cases, so the next clause follows directly.
    [InlineData("Really?! Yes!! No...", "ɹˈiəli?jˈɛs!nˈoʊ")]
    [InlineData("Hello, world. How are you?", "həlˈoʊ, wˈɜːld.hˈaʊ ɑːɹ juː?")]
    [InlineData("Hello,world.How are you?", "həlˈoʊ wˈɜːld dˈɑːt hˈaʊ ɑːɹ juː?")]
    [InlineData("First line;second line:third line", "fˈɜːst lˈaɪn sˈɛkənd lˈaɪn kˈoʊlən θˈɜːd lˈaɪn")]
    [InlineData("He said: \"Go!\" Then — left.", "hiː sˈɛd: ɡˈoʊ!ðˈɛn; lˈɛft.")]
    [InlineData("It was—as far as I know—fine.", "ɪt wʌz æz fˈɑːɹ æz aɪ nˈoʊ fˈaɪn.")]
    [InlineData("Wait… what? (Bracketed sentence.) Next", "wˈeɪtwˌʌt?bɹˈækɪɾᵻd sˈɛntəns.nˈɛkst")]
    // A dot before a lower-case word is an abbreviation, not a clause end: espeak reads e.g. and U.S. itself.
    [InlineData("A fact, e.g. this one.", "ɐ fˈækt, fˌɔːɹɛɡzˈæmpəl ðˈɪswˌʌn.")]
    [InlineData("The U.S. army arrived. Then it left.", "ðə jˌuːˈɛs ˈɑːɹmi ɚɹˈaɪvd.ðˈɛn ɪt lˈɛft.")]
    // get_segment splits the text with re.findall(r"[<[].*?[>\]]|.") and "." does not match "\n": newlines are
    // dropped before espeak sees the text, which then reads "Hi.Para" as "Hi dot Para".
    [InlineData("Hi.\n\nPara two.", "hˈaɪ dˈɑːt pˈæɹə tˈuː.")]
    // Apostrophes stay inside words; quotes leave no token.
    [InlineData("Don't stop; it's the dogs' bones, isn't it?", "dˈoʊnt stˈɑːp; ɪts ðə dˈɑːɡz bˈoʊnz, ˈɪzənt ɪt?")]
    [InlineData("Rock 'n' roll, ain't it?", "ɹˈɑːk ˈɛn ɹˈoʊl, ˈeɪnt ɪt?")]
    [InlineData("She whispered 'goodbye' and left.", "ʃiː wˈɪspɚd ɡʊdbˈaɪ ænd lˈɛft.")]
    [InlineData("\"Quoted,\" she said, \"twice.\"", "kwˈoʊɾᵻd, ʃiː sˈɛd, twˈaɪs.")]
    public void Punctuation_follows_espeaks_clauses_as_piper_reads_them(string text, string expected)
    {
        var tokenizer = Tokenizer();
        Assert.Equal(expected, string.Concat(tokenizer.TextToTokens(text)));
    }

    [SkippableTheory]
    // tokenizer/normalizer.py EnglishTextNormalizer.normalize_numbers (inflect, andword=""): where the
    // service's normalizer writes the same words, the tokens are the reference's.
    [InlineData("I have 3 cats and 123 dogs.", "I have  three  cats and  one hundred  twenty-three  dogs.")]
    [InlineData("In 1999 we moved, and in 2024 we came back.", "In  nineteen ninety-nine  we moved, and in  twenty twenty-four  we came back.")]
    [InlineData("The 21st of May, and 2000, 1905 and 1500.", "The  twenty-first  of May, and  two thousand ,  nineteen oh five  and  fifteen hundred .")]
    [InlineData("Down 50% today.", "Down  fifty  percent  today.")]
    public void Numbers_read_as_upstreams_normalizer_reads_them(string text, string upstreamNormalized)
    {
        var tokenizer = Tokenizer();
        Assert.Equal(string.Concat(tokenizer.TextToTokens(upstreamNormalized)), string.Concat(ServiceTokens(tokenizer, text)));
    }

    [Theory]
    // (consumed text, last clause) → piper's mark; the consumed text ends with espeak's look-ahead character.
    [InlineData("The weather was calm today.", true, ".")]
    [InlineData("the summer", true, "")]
    [InlineData("Hello, w", false, ", ")]
    [InlineData("orld. H", false, ".")]
    [InlineData("Really?! Y", false, "?")]
    [InlineData("es!! N", false, "!")]
    [InlineData("Really.? Y", false, ".")]
    [InlineData("hat? (", false, "?")]
    [InlineData("He said: \"", false, ": ")]
    [InlineData(" Then — l", false, "; ")]
    [InlineData("Wait… w", false, "")]
    [InlineData("Hmm... o", false, "")]
    [InlineData("Hmm.. o", false, ".")]
    [InlineData("Hi.\n\nP", false, "")]
    [InlineData("Go!\n\n\nN", false, "")]
    [InlineData("Bracketed sentence.)", false, ".")]
    [InlineData("", true, "")]
    public void Terminator_is_read_from_the_consumed_text(string consumed, bool last, string expected) =>
        Assert.Equal(expected, EmiliaTokenizer.PiperTerminator(consumed, last));

    [Fact]
    public void Clauses_are_joined_with_their_marks_nfd_and_without_language_flags()
    {
        var clauses = new[]
        {
            new PhonemeClause("həlˈoʊ", "Hello, w", false),
            new PhonemeClause("ʃˈæ(fr)tø(en)", "chateau? Y", false),
            new PhonemeClause("jˈɛs", "es", true),
        };
        Assert.Equal("həlˈoʊ, ʃˈætø?jˈɛs", string.Concat(EmiliaTokenizer.PiperTokens(clauses)));
        // NFD: precomposed ç becomes c + combining cedilla, two tokens.
        Assert.Equal(["c", "\u0327", "."], EmiliaTokenizer.PiperTokens([new PhonemeClause("ç", "ç.", true)]));
    }
}
