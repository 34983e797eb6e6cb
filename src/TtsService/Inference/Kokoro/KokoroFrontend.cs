using System.Text;
using TtsService.Text;

namespace TtsService.Inference.Kokoro;

/// <summary>Turns text in a Kokoro language into misaki phonemes (espeak-ng underneath).</summary>
public interface IKokoroG2P
{
    bool IsAvailable { get; }
    string Phonemize(string text, string langCode);
}

/// <summary>
/// Kokoro's text front end: clean → normalize → split into sentence chunks → phonemes → vocab ids,
/// each piece at most <see cref="MaxPhonemes"/> tokens so the padded call fits the model's 512 positions.
/// </summary>
public sealed class KokoroFrontend(ITextNormalizer normalizer, ITextChunker chunker, IKokoroG2P g2p, KokoroVocab vocab)
{
    /// <summary>Phoneme tokens per model call (512 positions minus the two pads).</summary>
    public const int MaxPhonemes = KokoroModel.MaxTokens - 2;

    /// <summary>Characters per text chunk before phonemizing; phonemes rarely outnumber letters, and
    /// <see cref="Split"/> still cuts any chunk that does.</summary>
    public const int MaxChunkChars = 400;

    public KokoroVocab Vocab => vocab;

    /// <summary>The phonemes Kokoro would speak for <paramref name="text"/> (normalized, vocabulary symbols only).</summary>
    public string Phonemize(string text, string langCode, NormalizationOptions options)
    {
        // Pause markers are silence, not words.
        text = string.Join(' ', PauseMarkup.Split(text).Where(p => p.PauseSeconds == 0).Select(p => p.Text));
        var normalized = Prepare(text, langCode, options);
        return vocab.Filter(g2p.Phonemize(normalized, langCode)).Trim();
    }

    /// <summary>
    /// A streamed response's calls (<see cref="ChunkSchedule"/>): at most 16 phonemes first (two or three
    /// words, about 1.5 s of speech), cut at a clause end when one is near, then each call twice the last. A
    /// call's cost is close to proportional to its phonemes (realshape Kokoro-82M, 1 thread: 15 phonemes cost
    /// 10% of 165, 20 cost 13%; bench/RealModelBench/peers/call_cost.js), and Kokoro runs at about 0.6× real time on a core, so a call twice as long as
    /// the one being played is ready in time.
    /// </summary>
    public static readonly ChunkSchedule StreamingSchedule = new(FirstMin: 8, FirstMax: 16, Growth: 2, Max: MaxPhonemes);

    /// <summary>A whole file's calls: whole sentences up to the model's limit.</summary>
    public static readonly ChunkSchedule WholeSchedule = ChunkSchedule.Whole(MaxPhonemes);

    /// <summary>
    /// Yields phoneme-id pieces lazily, so the first sentence can be spoken before the rest is phonemized.
    /// <c>[pause:0.5s]</c> markers become silent pieces (<see cref="PauseMarkup"/>).
    /// </summary>
    public IEnumerable<KokoroPiece> Pieces(string text, string langCode, NormalizationOptions options, ChunkSchedule? schedule = null)
    {
        var cutter = new ChunkCutter(schedule ?? WholeSchedule);
        foreach (var (part, pause) in PauseMarkup.Split(text))
        {
            if (pause > 0) { yield return KokoroPiece.Silence(pause); continue; }
            foreach (var piece in TextPieces(part, langCode, options, cutter)) yield return piece;
        }
    }

    private IEnumerable<KokoroPiece> TextPieces(string text, string langCode, NormalizationOptions options, ChunkCutter cutter)
    {
        var normalized = Prepare(text, langCode, options);
        foreach (var chunk in chunker.Split(normalized, s => s.Length, MaxChunkChars))
        {
            if (string.IsNullOrWhiteSpace(chunk)) continue;
            var phonemes = g2p.Phonemize(chunk, langCode);
            foreach (var piece in PiecesFromPhonemes(phonemes, chunk, cutter)) yield return piece;
        }
    }

    /// <summary>Control characters out, then (English only, when asked) written forms into words.</summary>
    private string Prepare(string text, string langCode, NormalizationOptions options)
    {
        var clean = TextCleaner.StripControlCharacters(text);
        return options.Normalize && KokoroLanguageCodes.IsEnglish(langCode) ? normalizer.Normalize(clean, options) : clean;
    }

    /// <summary>Pieces for a phoneme string given directly (<c>/dev/generate_from_phonemes</c>).</summary>
    public IEnumerable<KokoroPiece> PiecesFromPhonemes(string phonemes, string? sourceText = null, ChunkCutter? cutter = null)
    {
        var filtered = vocab.Filter(phonemes).Trim();
        if (filtered.Length == 0) yield break;
        var parts = Split(filtered, cutter ?? new ChunkCutter(WholeSchedule));
        if (parts.Count == 1)
        {
            yield return new KokoroPiece(sourceText ?? parts[0], parts[0], vocab.Encode(parts[0]));
            yield break;
        }
        // A chunk cut in several parts: hand each part as many source words as it has phoneme words.
        var words = sourceText is null ? null : new Queue<string>(WordTimestamps.Words(sourceText));
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            var count = part.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            // The last part takes every word left, so no caption word is lost when the counts differ.
            var take = words is null ? 0 : p == parts.Count - 1 ? words.Count : Math.Min(count, words.Count);
            var text = words is null ? part : string.Join(' ', Enumerable.Range(0, take).Select(_ => words.Dequeue()));
            yield return new KokoroPiece(text, part, vocab.Encode(part));
        }
    }

    /// <summary>Cuts a phoneme string into calls of the cutter's schedule (at most <see cref="MaxPhonemes"/> symbols), at clause punctuation or spaces when possible.</summary>
    internal static List<string> Split(string phonemes, ChunkCutter cutter)
    {
        var runes = phonemes.EnumerateRunes().ToArray();
        return cutter.Cut(runes.Length, i => CutAfter(runes, i))
            .Select(r => Join(runes, r.Start, r.Start + r.Length).Trim())
            .Where(p => p.Length > 0)
            .ToList();
    }

    /// <summary>A space ends a word; a space after clause punctuation ends a clause.</summary>
    private static CutStrength CutAfter(Rune[] runes, int i)
    {
        if (runes[i].Value != ' ') return CutStrength.None;
        return i > 0 && ClausePunctuation.Contains(runes[i - 1].Value) ? CutStrength.Clause : CutStrength.Word;
    }

    /// <summary>Punctuation symbols of Kokoro's vocabulary after which a speaker pauses.</summary>
    private static readonly HashSet<int> ClausePunctuation = [',', '.', ';', ':', '!', '?', '—', '…'];

    private static string Join(Rune[] runes, int from, int to)
    {
        var sb = new StringBuilder();
        for (var i = from; i < to; i++) sb.Append(runes[i].ToString());
        return sb.ToString();
    }
}

/// <param name="Text">The text this piece speaks (for captions).</param>
/// <param name="Phonemes">Its phonemes, vocabulary symbols only.</param>
/// <param name="Ids">Vocab ids without pads, at most 510.</param>
/// <param name="PauseSeconds">When above 0, this piece is that much silence instead of speech.</param>
public sealed record KokoroPiece(string Text, string Phonemes, List<long> Ids, double PauseSeconds = 0)
{
    public static KokoroPiece Silence(double seconds) => new("", "", [], seconds);
}

/// <summary>Kokoro's one-letter language codes (hexgrad/kokoro pipeline.py); the voice id's first letter is the default.</summary>
public static class KokoroLanguageCodes
{
    public static bool IsEnglish(string langCode) => langCode is "a" or "b";

    public static string FromVoice(string voice)
    {
        var first = voice.TrimStart().FirstOrDefault();
        return char.IsAsciiLetterLower(first) && voice.Length > 2 && voice[2] == '_' ? first.ToString() : "a";
    }
}
