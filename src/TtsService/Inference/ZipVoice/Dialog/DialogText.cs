using System.Text.RegularExpressions;
using TtsService.Errors;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Text;

namespace TtsService.Inference.ZipVoice.Dialog;

/// <summary>
/// Two-speaker text for ZipVoice-Dialog, as k2-fsa/ZipVoice does it: <c>DialogTokenizer</c>
/// (<c>zipvoice/tokenizer/tokenizer.py</c>: whitespace around <c>[S1]</c>/<c>[S2]</c> removed, the marks kept
/// as tokens), the <c>[S1]</c> start that <c>infer_zipvoice_dialog.py</c> asserts, the split-prompt
/// transcription <c>[S1]{text1}[S2]{text2}</c> of its <c>generate_list</c>, and <c>chunk_tokens_dialog</c>
/// (<c>zipvoice/utils/infer.py</c>) with generate_sentence's 40 s budget.
/// </summary>
public static partial class DialogText
{
    public const string Speaker1 = "[S1]";
    public const string Speaker2 = "[S2]";

    /// <summary>generate_sentence (dialog): each chunk plus the prompt should last about this long.</summary>
    public const double ChunkSeconds = 40;

    /// <summary>infer_zipvoice_dialog.py <c>--guidance-scale</c> default (its <c>--num-step</c> is 16, as zipvoice's).</summary>
    public const float DefaultGuidanceScale = 1.5f;

    [GeneratedRegex(@"\s*(\[S[12]\])\s*")]
    private static partial Regex TurnSpacing();

    /// <summary>Any speaker mark <c>[S&lt;n&gt;]</c>, to reject a third speaker.</summary>
    [GeneratedRegex(@"\[S(\d+)\]", RegexOptions.IgnoreCase)]
    private static partial Regex AnySpeakerMark();

    [GeneratedRegex(@"(\[S[12]\])")]
    private static partial Regex TurnSplit();

    /// <summary>True when <paramref name="text"/> holds a speaker mark (any number), i.e. it is written as a dialogue.</summary>
    public static bool HasSpeakerMarks(string? text) => text is not null && AnySpeakerMark().IsMatch(text);

    /// <summary>
    /// 400 unless <paramref name="text"/> starts with <c>[S1]</c> and names no speaker but S1 and S2
    /// (upstream asserts the first; the model has two speaker embeddings only).
    /// </summary>
    public static void Validate(string text, string param)
    {
        foreach (Match m in AnySpeakerMark().Matches(text))
        {
            if (m.Value is Speaker1 or Speaker2) continue;
            if (m.Groups[1].Value is "1" or "2")
                throw new InvalidRequestException(
                    $"{param} has the speaker mark {m.Value}; the marks are upper case: [S1] and [S2].", param, "invalid_speaker_mark");
            throw new InvalidRequestException(
                $"{param} names speaker {m.Value}; ZipVoice-Dialog speaks two speakers only, marked [S1] and [S2].", param, "too_many_speakers");
        }
        if (!text.TrimStart().StartsWith(Speaker1, StringComparison.Ordinal))
            throw new InvalidRequestException(
                $"{param} must start with [S1] and mark each turn with [S1] or [S2], e.g. \"[S1] Hello. [S2] Hi, how are you?\".", param, "dialog_must_start_with_s1");
    }

    /// <summary>The merged transcription of two single-speaker prompts (generate_list): <c>[S1]{text1}[S2]{text2}</c>.</summary>
    public static string JoinTranscripts(string first, string second) => $"{Speaker1}{first.Trim()}{Speaker2}{second.Trim()}";

    /// <summary>
    /// Tokens of a dialogue: add_punctuation, then DialogTokenizer.preprocess_text (no whitespace around the marks)
    /// and texts_to_tokens. The text between marks goes through <paramref name="normalize"/> first (upstream
    /// normalizes each English segment; the marks themselves are never normalized).
    /// </summary>
    public static List<string> Tokens(EmiliaTokenizer tokenizer, string text, Func<string, string> normalize)
    {
        var parts = TurnSplit().Split(text);
        var normalized = string.Concat(parts.Select(p => p is Speaker1 or Speaker2 || string.IsNullOrWhiteSpace(p) ? p : normalize(p)));
        var punctuated = ZipVoiceChunker.AddPunctuation(normalized);
        return tokenizer.TextToTokens(TurnSpacing().Replace(punctuated, "$1"));
    }

    /// <summary>The turns of a dialogue as written: each mark's speaker ("S1"/"S2") and the words after it.</summary>
    public static List<(string Speaker, string Text)> Turns(string text)
    {
        var parts = TurnSplit().Split(text);
        var turns = new List<(string, string)>();
        for (var i = 0; i < parts.Length; i++)
            if (parts[i] is Speaker1 or Speaker2)
                turns.Add((parts[i][1..^1], i + 1 < parts.Length ? parts[i + 1].Trim() : ""));
        return turns;
    }

    /// <summary>
    /// The speaker turns of each chunk (<see cref="Chunk"/>'s output, in order), for captions: a turn is weighed by its
    /// tokens and given the words of <paramref name="written"/>'s turn at the same place. Null when the marks of the
    /// tokens and of the text do not line up (then captions fall back to none).
    /// </summary>
    public static List<List<SpeakerTurn>>? TurnsOfChunks(IReadOnlyList<IReadOnlyList<string>> chunks, IReadOnlyList<(string Speaker, string Text)> written)
    {
        var result = new List<List<SpeakerTurn>>();
        var next = 0;
        foreach (var chunk in chunks)
        {
            var turns = new List<SpeakerTurn>();
            foreach (var token in chunk)
            {
                if (token is Speaker1 or Speaker2)
                {
                    if (next >= written.Count || written[next].Speaker != token[1..^1]) return null;
                    turns.Add(new SpeakerTurn(written[next].Speaker, written[next].Text, 0));
                    next++;
                }
                else if (turns.Count > 0) turns[^1] = turns[^1] with { Weight = turns[^1].Weight + 1 };
            }
            result.Add(turns);
        }
        return next == written.Count ? result : null;
    }

    /// <summary>
    /// chunk_tokens_dialog: a new dialogue starts at every <c>[S1]</c>; dialogues are merged while a chunk stays
    /// within <paramref name="maxTokens"/> (one longer dialogue stays whole).
    /// </summary>
    public static List<List<string>> Chunk(IReadOnlyList<string> tokens, int maxTokens)
    {
        var dialogs = new List<List<string>>();
        var current = new List<string>();
        foreach (var token in tokens)
        {
            if (token == Speaker1 && current.Count != 0)
            {
                dialogs.Add(current);
                current = [];
            }
            current.Add(token);
        }
        if (current.Count != 0) dialogs.Add(current);

        var chunks = new List<List<string>>();
        var chunk = new List<string>();
        foreach (var dialog in dialogs)
        {
            if (chunk.Count + dialog.Count <= maxTokens)
            {
                chunk.AddRange(dialog);
                continue;
            }
            if (chunk.Count > 0) chunks.Add(chunk);
            chunk = [.. dialog];
        }
        if (chunk.Count > 0) chunks.Add(chunk);
        return chunks;
    }
}
