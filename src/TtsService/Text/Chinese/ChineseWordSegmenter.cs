using JiebaNet.Segmenter;
using TtsService.Errors;

namespace TtsService.Text.Chinese;

/// <summary>
/// Chinese word segmentation as misaki and ZipVoice do it: <c>jieba.lcut(text)</c> (accurate mode, HMM
/// for unknown words), here through jieba.NET, the .NET port, with the same 349,046-word dict.txt.
/// The dictionary (about 5 MB on disk) loads on the first Chinese text, from the <c>jieba</c> folder next
/// to the binary. jieba.NET is not documented as thread-safe, so calls are serialized; a sentence takes
/// well under a millisecond.
/// </summary>
public sealed class ChineseWordSegmenter
{
    private static readonly Lazy<ChineseWordSegmenter> SharedInstance = new(() => new ChineseWordSegmenter(Path.Combine(AppContext.BaseDirectory, "jieba")));
    public static ChineseWordSegmenter Shared => SharedInstance.Value;

    private readonly Lock _gate = new();
    private readonly JiebaSegmenter _jieba;

    public ChineseWordSegmenter(string resourceDir)
    {
        if (!File.Exists(Path.Combine(resourceDir, "dict.txt")))
            throw new BackendUnavailableException($"Chinese needs jieba's dictionary, which is missing: {Path.Combine(resourceDir, "dict.txt")} (the build copies it from the jieba.NET package).", "lang_code", "language_unavailable");
        ConfigManager.ConfigFileBaseDir = resourceDir;
        _jieba = new JiebaSegmenter();
    }

    public List<string> Cut(string text)
    {
        lock (_gate) return _jieba.Cut(text, cutAll: false, hmm: true).ToList();
    }
}
