using System.Text;
using System.Text.RegularExpressions;
using TtsService.Text;
using TtsService.Text.Chinese;
using TtsService.Text.Espeak;

namespace TtsService.Inference.ZipVoice.Tokenizer;

/// <summary>
/// ZipVoice's default <c>emilia</c> tokenizer (<c>EmiliaTokenizer</c> in k2-fsa/ZipVoice
/// <c>zipvoice/tokenizer/tokenizer.py</c>): map full-width punctuation, split the text into
/// Chinese / English / <c>&lt;pinyin&gt;</c> / <c>[tag]</c> segments exactly as <c>get_segment</c> does,
/// then English → espeak-ng en-us IPA as piper_phonemize's <c>phonemize_espeak</c> returns it (one
/// token per code point, NFD, clause punctuation appended), Chinese → pinyin initials ("n0") and
/// tone-3 finals ("i3") as <c>tokenize_ZH</c> makes them: cn2an numerals, jieba words, pypinyin with
/// tone sandhi (<see cref="Pinyin"/>, <see cref="ToneSandhi"/>), so no lexicon.txt is needed. A
/// <see cref="PinyinLexicon"/> (a sherpa-onnx pack's lexicon.txt) can still be passed to use instead.
/// Tokens missing from tokens.txt are dropped with a debug log.
/// </summary>
public sealed partial class EmiliaTokenizer
{
    private readonly ZipVoiceTokens _tokens;
    private readonly IPhonemizer _phonemizer;
    private readonly PinyinLexicon? _lexicon;
    private readonly ILogger? _logger;

    public EmiliaTokenizer(ZipVoiceTokens tokens, IPhonemizer phonemizer, PinyinLexicon? lexicon, ILogger? logger = null)
    {
        _tokens = tokens;
        _phonemizer = phonemizer;
        _lexicon = lexicon;
        _logger = logger;
    }

    public ZipVoiceTokens Tokens => _tokens;
    /// <summary>Where Chinese readings come from (for the start-up log).</summary>
    public string ChineseSource => _lexicon is null ? "pypinyin + jieba" : "lexicon.txt";

    /// <summary>Token strings of <paramref name="text"/> (upstream <c>texts_to_tokens</c>), OOV ones included.</summary>
    public List<string> TextToTokens(string text)
    {
        var result = new List<string>();
        foreach (var (segment, kind) in Segments(MapPunctuation(text)))
        {
            switch (kind)
            {
                case SegmentKind.Chinese: result.AddRange(TokenizeChinese(segment)); break;
                case SegmentKind.English: result.AddRange(TokenizeEnglish(segment)); break;
                case SegmentKind.Pinyin:
                    var syllable = segment[1..^1];
                    if (IsTone3Pinyin(syllable)) result.AddRange(SeparatePinyin(syllable));
                    else _logger?.LogWarning("Text in <> should be tone-3 pinyin (e.g. <ni3>), got {Text}; skipped", segment);
                    break;
                case SegmentKind.Tag: result.Add(segment); break;
                default:
                    _logger?.LogWarning("No English or Chinese characters in segment {Segment}; skipped", segment);
                    break;
            }
        }
        return result;
    }

    /// <summary>Ids of <paramref name="tokens"/> (upstream <c>tokens_to_token_ids</c>): unknown tokens are dropped.</summary>
    public long[] TokensToIds(IEnumerable<string> tokens)
    {
        var ids = new List<long>();
        foreach (var token in tokens)
        {
            if (_tokens.TryGetId(token, out var id)) ids.Add(id);
            else _logger?.LogDebug("Skip OOV token {Token}", token);
        }
        return ids.ToArray();
    }

    public long[] TextToIds(string text) => TokensToIds(TextToTokens(text));

    // ---- punctuation and segmentation (tokenizer.py: map_punctuations, get_segment, split_segments) ----

    public static string MapPunctuation(string text) => text
        .Replace("，", ",").Replace("。", ".").Replace("！", "!").Replace("？", "?").Replace("；", ";")
        .Replace("：", ":").Replace("、", ",").Replace("‘", "'").Replace("“", "\"").Replace("”", "\"")
        .Replace("’", "'").Replace("⋯", "…").Replace("···", "…").Replace("・・・", "…").Replace("...", "…");

    public enum SegmentKind { Chinese, English, Pinyin, Tag, Other }

    /// <summary>Language segments as upstream's <c>get_segment</c>: "other" characters join the segment before them.</summary>
    public static List<(string Text, SegmentKind Kind)> Segments(string text)
    {
        var parts = PartPattern().Matches(text).Select(m => m.Value).ToList();
        var segments = new List<(string, SegmentKind)>();
        if (parts.Count == 0) return segments;
        var current = new StringBuilder();
        var currentKind = SegmentKind.Other;
        for (var i = 0; i < parts.Count; i++)
        {
            var kind = TypeOf(parts[i]);
            if (i == 0 || currentKind == SegmentKind.Other)
            {
                current.Append(parts[i]);
                currentKind = kind;
            }
            else if (kind == currentKind || kind == SegmentKind.Other)
            {
                current.Append(parts[i]);
            }
            else
            {
                segments.Add((current.ToString(), currentKind));
                current.Clear().Append(parts[i]);
                currentKind = kind;
            }
        }
        segments.Add((current.ToString(), currentKind));

        // split_segments: pull <pinyin> and [tags] out of their segments.
        var result = new List<(string, SegmentKind)>();
        foreach (var (segment, kind) in segments)
        {
            foreach (var part in SpecialPattern().Split(segment))
            {
                if (part.Length == 0) continue;
                if (part.StartsWith('<') && part.EndsWith('>')) result.Add((part, SegmentKind.Pinyin));
                else if (part.StartsWith('[') && part.EndsWith(']')) result.Add((part, SegmentKind.Tag));
                else result.Add((part, kind));
            }
        }
        return result;
    }

    private static SegmentKind TypeOf(string part)
    {
        if (part.Length == 1 && IsChinese(part[0])) return SegmentKind.Chinese;
        if (part.StartsWith('<') && part.EndsWith('>')) return SegmentKind.Chinese; // is_pinyin counts as zh
        if (part.Length == 1 && char.IsAsciiLetter(part[0])) return SegmentKind.English;
        return SegmentKind.Other;
    }

    /// <summary>tokenizer.py <c>is_chinese</c>: U+4E00..U+9FA5.</summary>
    public static bool IsChinese(char c) => c >= '\u4e00' && c <= '\u9fa5';

    // ---- Chinese ----

    private List<string> TokenizeChinese(string segment)
    {
        if (_lexicon is not null) return TokenizeChineseWithLexicon(segment, _lexicon);
        // tokenize_ZH: ChineseTextNormalizer (cn2an an2cn), jieba.cut, lazy_pinyin(TONE3, tone_sandhi,
        // neutral 5); a valid tone-3 syllable splits into initial + final, anything else is a token as is.
        var words = ChineseWordSegmenter.Shared.Cut(ChineseNumbers.Transform(segment));
        var phones = new List<string>();
        foreach (var x in Pinyin.Shared.LazyPinyin(words, toneSandhi: true))
        {
            if (IsTone3Pinyin(x)) phones.AddRange(SeparatePinyin(x));
            else phones.Add(x);
        }
        return phones;
    }

    /// <summary>Chinese through a sherpa-onnx lexicon.txt: forward maximum matching over its words.</summary>
    private List<string> TokenizeChineseWithLexicon(string segment, PinyinLexicon lexicon)
    {
        var phones = new List<string>();
        var i = 0;
        while (i < segment.Length)
        {
            if (IsChinese(segment[i]))
            {
                var start = i;
                while (i < segment.Length && IsChinese(segment[i])) i++;
                phones.AddRange(lexicon.ToPhones(segment[start..i], c => _logger?.LogDebug("No pinyin for {Character}; skipped", c)));
            }
            else if (char.IsWhiteSpace(segment[i]))
            {
                // jieba yields a whitespace run as one piece; pypinyin keeps it as it is.
                var start = i;
                while (i < segment.Length && char.IsWhiteSpace(segment[i])) i++;
                phones.Add(segment[start..i]);
            }
            else
            {
                phones.Add(segment[i].ToString());
                i++;
            }
        }
        return phones;
    }

    private static bool IsTone3Pinyin(string s) =>
        s.Length >= 2 && s[..^1].All(char.IsLetter) && s[^1] is >= '1' and <= '5';

    private static readonly string[] Initials =
        ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w"];

    /// <summary>
    /// tokenizer.py <c>seperate_pinyin</c>: pypinyin's non-strict initial (y and w count) + "0", then the
    /// tone-3 final ("zhong1" → "zh0", "ong1").
    /// </summary>
    public static List<string> SeparatePinyin(string syllable)
    {
        var initial = Initials.FirstOrDefault(i => syllable.StartsWith(i, StringComparison.Ordinal) && syllable.Length > i.Length + 1) ?? "";
        var result = new List<string>(2);
        if (initial.Length > 0) result.Add(initial + "0");
        var final = syllable[initial.Length..];
        if (final.Length > 0) result.Add(final);
        return result;
    }

    // ---- English ----

    private List<string> TokenizeEnglish(string segment)
    {
        if (!_phonemizer.IsAvailable)
        {
            _logger?.LogWarning("English text skipped: espeak-ng is not available");
            return [];
        }
        var text = ExpandAbbreviations(segment);
        // The whole segment goes to espeak, which decides the clauses, as in piper's phonemize_eSpeak.
        if (_phonemizer is IClausePhonemizer clauses) return PiperTokens(clauses.ToClauses(text, "en-us"));
        return PiperTokens(_phonemizer.ToIpa(text, "en-us"));
    }

    /// <summary>
    /// piper-phonemize's <c>phonemize_eSpeak</c> (rhasspy/piper-phonemize <c>src/phonemize.cpp</c>) over
    /// espeak's clauses, flattened as tokenizer.py's <c>tokenize_EN</c> does (<c>reduce</c> over the
    /// sentences): each clause's IPA, NFD-decomposed, without "(lang)" switch flags, then the mark of its
    /// terminator (<see cref="PiperTerminator"/>). One token per code point.
    /// </summary>
    public static List<string> PiperTokens(IEnumerable<PhonemeClause> clauses)
    {
        var sb = new StringBuilder();
        foreach (var clause in clauses)
        {
            var phonemes = clause.Phonemes;
            try { phonemes = phonemes.Normalize(NormalizationForm.FormD); }
            catch (PlatformNotSupportedException) { /* invariant globalization without ICU: keep as is */ }
            var inLanguageFlag = false;
            foreach (var c in phonemes)
            {
                if (inLanguageFlag) { if (c == ')') inLanguageFlag = false; }
                else if (c == '(') inLanguageFlag = true;
                else sb.Append(c);
            }
            sb.Append(PiperTerminator(clause.Consumed, clause.IsLast));
        }
        var tokens = new List<string>(sb.Length);
        foreach (var rune in sb.ToString().EnumerateRunes()) tokens.Add(rune.ToString());
        return tokens;
    }

    /// <summary>
    /// What piper appends after a clause, read from the text espeak consumed for it. piper keeps the
    /// terminator's low 20 bits: CLAUSE_PERIOD → ".", QUESTION → "?", EXCLAMATION → "!" (no space: the
    /// next sentence follows directly), COMMA → ", ", COLON → ": ", SEMICOLON → "; "; anything else adds
    /// nothing: the end of the text without a mark (CLAUSE_EOF), a paragraph break (two newlines after
    /// the mark: CLAUSE_PARAGRAPH, or mark + 35 for ? and !), and the marks espeak-ng flags
    /// CLAUSE_OPTIONAL_SPACE_AFTER (… ¡ ¿ and three or more dots). espeak-ng's ReadClause
    /// (readclause.c) ends a clause at a mark followed by a space, a bracket, "?" or the end of the
    /// text; in a run of ? and ! the first decides ("?!" → "?"); em and en dashes are semicolons.
    /// </summary>
    public static string PiperTerminator(string consumed, bool isLast)
    {
        var text = consumed;
        // espeak reads one character past the clause (the next clause starts with it).
        if (!isLast && text.Length > 0) text = char.IsLowSurrogate(text[^1]) && text.Length > 1 ? text[..^2] : text[..^1];
        var body = text.TrimEnd();
        if (body.Length == 0) return "";
        var newlines = 0;
        for (var i = body.Length; i < text.Length; i++) if (text[i] == '\n') newlines++;
        if (newlines >= 2) return "";
        if (body.EndsWith("...", StringComparison.Ordinal)) return "";
        // The run of clause marks at the end; the first mark that is followed by the end of the run
        // (after skipping a ?/! sequence) or by "?" is the terminator.
        var start = body.Length;
        while (start > 0 && ClauseMark(body[start - 1]) is not null) start--;
        for (var k = start; k < body.Length; k++)
        {
            var j = k + 1;
            if (body[k] is '?' or '!') while (j < body.Length && body[j] is '?' or '!') j++;
            if (j == body.Length || body[j] == '?') return ClauseMark(body[k])!;
            k = j - 1;
        }
        return "";
    }

    private static string? ClauseMark(char c) => c switch
    {
        '.' => ".",
        '?' => "?",
        '!' => "!",
        ',' => ", ",
        ':' => ": ",
        ';' or '\u2013' or '\u2014' => "; ",
        _ => null,
    };

    /// <summary>
    /// Fallback for a phonemizer that cannot hand over espeak's clauses (<see cref="IClausePhonemizer"/>):
    /// <see cref="EspeakPhonemizer"/>'s IPA (ties, kept punctuation) → the code points piper_phonemize's
    /// <c>phonemize_eSpeak</c> (rhasspy/piper-phonemize <c>src/phonemize.cpp</c>) returns: no tie
    /// characters, NFD, and only clause punctuation: after a comma, colon or semicolon the mark and a
    /// space, after a full stop, question or exclamation mark the mark alone (the next sentence follows
    /// directly); dashes end a clause as a semicolon does (espeak-ng's punct_attributes); quotes and
    /// brackets leave no token. The ellipsis and ¡ ¿ end a clause whose terminator carries
    /// CLAUSE_OPTIONAL_SPACE_AFTER, which piper's mask (0x000FFFFF) keeps, so it matches none of its
    /// cases: no mark and no space, and the next clause's phonemes follow directly ("wˈeɪtwˌʌt?").
    /// </summary>
    public static List<string> PiperTokens(string espeakIpa)
    {
        var text = espeakIpa.Replace(EspeakPhonemizer.Tie.ToString(), "");
        try { text = text.Normalize(NormalizationForm.FormD); }
        catch (PlatformNotSupportedException) { /* invariant globalization without ICU: keep as is */ }

        var sb = new StringBuilder(text.Length);
        var sentenceEnded = false;
        var glued = false;
        foreach (var c in text)
        {
            if (glued && char.IsWhiteSpace(c)) continue;
            glued = false;
            switch (c)
            {
                case ',' or ':' or ';':
                    TrimSpaces(sb); sb.Append(c).Append(' '); sentenceEnded = false; break;
                case '—' or '–':
                    TrimSpaces(sb); sb.Append("; "); sentenceEnded = false; break;
                case '.' or '?' or '!':
                    TrimSpaces(sb); sb.Append(c); sentenceEnded = true; break;
                case '…' or '¡' or '¿':
                    // Only a word gap goes; the space piper writes after , : ; stays.
                    if (!sentenceEnded && !(sb.Length >= 2 && sb[^1] == ' ' && sb[^2] is ',' or ':' or ';')) TrimSpaces(sb);
                    glued = true;
                    break;
                case '"' or '«' or '»' or '“' or '”' or '(' or ')':
                    if (!sentenceEnded && sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
                    break;
                default:
                    if (char.IsWhiteSpace(c))
                    {
                        if (!sentenceEnded && sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
                    }
                    else
                    {
                        sb.Append(c);
                        sentenceEnded = false;
                    }
                    break;
            }
        }
        // A clause with no terminator at the end of the text has no trailing separator.
        if (sb.Length > 0 && sb[^1] == ' ' && !(sb.Length >= 2 && sb[^2] is ',' or ':' or ';')) sb.Length--;
        var tokens = new List<string>(sb.Length);
        foreach (var rune in sb.ToString().EnumerateRunes()) tokens.Add(rune.ToString());
        return tokens;
    }

    private static void TrimSpaces(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
    }

    private static readonly (Regex Pattern, string Replacement)[] Abbreviations =
        new (string, string)[]
        {
            ("mrs", "misess"), ("mr", "mister"), ("dr", "doctor"), ("st", "saint"), ("co", "company"), ("jr", "junior"),
            ("maj", "major"), ("gen", "general"), ("drs", "doctors"), ("rev", "reverend"), ("lt", "lieutenant"),
            ("hon", "honorable"), ("sgt", "sergeant"), ("capt", "captain"), ("esq", "esquire"), ("ltd", "limited"),
            ("col", "colonel"), ("ft", "fort"), ("etc", "et cetera"), ("btw", "by the way"),
        }.Select(a => (new Regex($@"\b{a.Item1}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), a.Item2)).ToArray();

    /// <summary>
    /// The abbreviation part of upstream's <c>EnglishTextNormalizer</c> (tokenizer/normalizer.py), same
    /// list and order. Numbers are left to espeak-ng, which reads them itself.
    /// </summary>
    public static string ExpandAbbreviations(string text)
    {
        foreach (var (pattern, replacement) in Abbreviations) text = pattern.Replace(text, replacement);
        return text;
    }

    // tokenizer.py: _part_pattern = r"[<[].*?[>\]]|." and the split in split_segments.
    [GeneratedRegex(@"[<\[].*?[>\]]|.", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PartPattern();

    [GeneratedRegex(@"([<\[].*?[>\]])", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SpecialPattern();
}
