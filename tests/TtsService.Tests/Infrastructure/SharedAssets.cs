namespace TtsService.Tests.Infrastructure;

/// <summary>Finds <c>../shared/models/kokoro</c> (real voices and config) beside the repository, when present.</summary>
public static class SharedAssets
{
    public static string? KokoroDir { get; } = Find();

    public const string MissingMessage = "Real Kokoro assets (../shared/models/kokoro) are not present beside the repository; this test needs them.";

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", "kokoro");
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        return null;
    }
}
