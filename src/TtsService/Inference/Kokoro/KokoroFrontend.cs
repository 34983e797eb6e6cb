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
    /// <see cref="SplitIds"/> still cuts any chunk that does.</summary>
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
    /// Yields phoneme-id pieces lazily, so the first sentence can be spoken before the rest is phonemized.
    /// <c>[pause:0.5s]</c> markers become silent pieces (<see cref="PauseMarkup"/>).
    /// </summary>
    public IEnumerable<KokoroPiece> Pieces(string text, string langCode, NormalizationOptions options)
    {
        foreach (var (part, pause) in PauseMarkup.Split(text))
        {
            if (pause > 0) { yield return KokoroPiece.Silence(pause); continue; }
            foreach (var piece in TextPieces(part, langCode, options)) yield return piece;
        }
    }

    private IEnumerable<KokoroPiece> TextPieces(string text, string langCode, NormalizationOptions options)
    {
        var normalized = Prepare(text, langCode, options);
        foreach (var chunk in chunker.Split(normalized, s => s.Length, MaxChunkChars))
        {
            if (string.IsNullOrWhiteSpace(chunk)) continue;
            var phonemes = g2p.Phonemize(chunk, langCode);
            foreach (var piece in PiecesFromPhonemes(phonemes, chunk)) yield return piece;
        }
    }

    /// <summary>Control characters out, then (English only, when asked) written forms into words.</summary>
    private string Prepare(string text, string langCode, NormalizationOptions options)
    {
        var clean = TextCleaner.StripControlCharacters(text);
        return options.Normalize && KokoroLanguageCodes.IsEnglish(langCode) ? normalizer.Normalize(clean, options) : clean;
    }

    /// <summary>Pieces for a phoneme string given directly (<c>/dev/generate_from_phonemes</c>).</summary>
    public IEnumerable<KokoroPiece> PiecesFromPhonemes(string phonemes, string? sourceText = null)
    {
        var filtered = vocab.Filter(phonemes).Trim();
        if (filtered.Length == 0) yield break;
        var parts = SplitIds(filtered).ToList();
        if (parts.Count == 1)
        {
            yield return new KokoroPiece(sourceText ?? parts[0], parts[0], vocab.Encode(parts[0]));
            yield break;
        }
        // A chunk cut in several parts: hand each part as many source words as it has phoneme words.
        var words = sourceText is null ? null : new Queue<string>(WordTimestamps.Words(sourceText));
        foreach (var part in parts)
        {
            var count = part.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var text = words is null ? part : string.Join(' ', Enumerable.Range(0, Math.Min(count, words.Count)).Select(_ => words.Dequeue()));
            yield return new KokoroPiece(text, part, vocab.Encode(part));
        }
    }

    /// <summary>Cuts a phoneme string into parts of at most <see cref="MaxPhonemes"/> symbols, at spaces when possible.</summary>
    internal static IEnumerable<string> SplitIds(string phonemes)
    {
        var runes = phonemes.EnumerateRunes().ToArray();
        var start = 0;
        while (runes.Length - start > MaxPhonemes)
        {
            var cut = start + MaxPhonemes;
            for (var i = cut; i > start + MaxPhonemes / 2; i--)
                if (runes[i].Value == ' ') { cut = i; break; }
            yield return Join(runes, start, cut).Trim();
            start = cut;
        }
        var rest = Join(runes, start, runes.Length).Trim();
        if (rest.Length > 0) yield return rest;
    }

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
