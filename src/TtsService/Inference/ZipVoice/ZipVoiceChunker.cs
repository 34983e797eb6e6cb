using TtsService.Text;

namespace TtsService.Inference.ZipVoice;

/// <summary>
/// Long-text splitting of k2-fsa/ZipVoice <c>zipvoice/utils/infer.py</c>: <c>add_punctuation</c> and
/// <c>chunk_tokens_punctuation</c>, with the chunk budget of <c>generate_sentence</c> in
/// <c>zipvoice/bin/infer_zipvoice_onnx.py</c> (prompt + chunk ≈ 25 s).
/// </summary>
public static class ZipVoiceChunker
{
    /// <summary>infer.py <c>punctuation</c>.</summary>
    public static readonly HashSet<string> Punctuation = [";", ":", ",", ".", "!", "?", "；", "：", "，", "。", "！", "？"];

    /// <summary>generate_sentence: each chunk plus the prompt should last about this long.</summary>
    public const double ChunkSeconds = 25;

    /// <summary>Appends "." when the text does not end in punctuation (after trimming).</summary>
    public static string AddPunctuation(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return text;
        return Punctuation.Contains(text[^1].ToString()) ? text : text + ".";
    }

    /// <summary>
    /// Tokens per chunk: int((budget − prompt_duration) / token_duration) with
    /// token_duration = prompt_duration / (prompt tokens · speed); at least 1.
    /// </summary>
    public static int MaxTokens(double promptSeconds, int promptTokens, float speed, double budgetSeconds = ChunkSeconds)
    {
        var tokenDuration = promptSeconds / (Math.Max(1, promptTokens) * speed);
        if (tokenDuration <= 0) return int.MaxValue;
        var max = (budgetSeconds - promptSeconds) / tokenDuration;
        return max >= int.MaxValue ? int.MaxValue : Math.Max(1, (int)max);
    }

    /// <summary>
    /// Sentences end at punctuation tokens; punctuation or blanks that would start a sentence stick to
    /// the previous one; then sentences are merged while a chunk stays within <paramref name="maxTokens"/>.
    /// </summary>
    public static List<List<string>> Chunk(IReadOnlyList<string> tokens, int maxTokens)
    {
        var sentences = new List<List<string>>();
        var current = new List<string>();
        foreach (var token in tokens)
        {
            if (current.Count == 0 && sentences.Count != 0 && (Punctuation.Contains(token) || token == " "))
            {
                sentences[^1].Add(token);
                continue;
            }
            current.Add(token);
            if (Punctuation.Contains(token))
            {
                sentences.Add(current);
                current = [];
            }
        }
        if (current.Count != 0) sentences.Add(current);

        var chunks = new List<List<string>>();
        var chunk = new List<string>();
        foreach (var sentence in sentences)
        {
            if (chunk.Count + sentence.Count <= maxTokens)
            {
                chunk.AddRange(sentence);
                continue;
            }
            if (chunk.Count > 0) chunks.Add(chunk);
            chunk = [.. sentence];
        }
        if (chunk.Count > 0) chunks.Add(chunk);
        return chunks;
    }

    /// <summary>
    /// A streamed response's calls: each chunk cut again by <paramref name="schedule"/> (one cutter for the
    /// request, so only its first call is short), preferring the space after punctuation, then any space.
    /// </summary>
    public static List<List<string>> CutForStreaming(List<List<string>> chunks, ChunkSchedule schedule)
    {
        var cutter = new ChunkCutter(schedule);
        var result = new List<List<string>>();
        foreach (var chunk in chunks)
            foreach (var (start, length) in cutter.Cut(chunk.Count, i => CutAfter(chunk, i)))
                result.Add(chunk.GetRange(start, length));
        return result;
    }

    private static CutStrength CutAfter(List<string> tokens, int i)
    {
        if (tokens[i] == " ") return i > 0 && Punctuation.Contains(tokens[i - 1]) ? CutStrength.Clause : CutStrength.Word;
        return Punctuation.Contains(tokens[i]) && (i + 1 == tokens.Count || tokens[i + 1] != " ") ? CutStrength.Clause : CutStrength.None;
    }
}
