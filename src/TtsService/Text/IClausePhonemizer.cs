namespace TtsService.Text;

/// <summary>
/// One clause as espeak-ng's <c>espeak_TextToPhonemes</c> returns it when given a whole text: its IPA
/// (no tie characters), the source text the call consumed (espeak reads one character past the clause
/// end, so <paramref name="Consumed"/> ends with that look-ahead character unless <paramref name="IsLast"/>),
/// and whether the call reached the end of the text.
/// </summary>
public readonly record struct PhonemeClause(string Phonemes, string Consumed, bool IsLast);

/// <summary>
/// A phonemizer that phonemizes a whole text clause by clause, letting espeak-ng decide where clauses
/// end (as piper-phonemize does), instead of being handed pre-split runs.
/// </summary>
public interface IClausePhonemizer
{
    IReadOnlyList<PhonemeClause> ToClauses(string text, string espeakVoice);
}
