namespace TtsService.Text;

/// <summary>Splits long text into pieces the model can take, at sentence ends first.</summary>
public interface ITextChunker
{
    /// <summary>
    /// Splits <paramref name="text"/> into chunks; <paramref name="cost"/> measures a candidate chunk
    /// (e.g. its token count) and no chunk may exceed <paramref name="maxCost"/>.
    /// </summary>
    IEnumerable<string> Split(string text, Func<string, int> cost, int maxCost);
}
