namespace TtsService.Tests.Infrastructure;

/// <summary>Finds <c>../shared/models/kokoro</c> (real voices and config) beside the repository, when present.</summary>
public static class SharedAssets
{
    public static string? KokoroDir { get; } = Find();

    public const string MissingMessage = "Real Kokoro assets (../shared/models/kokoro) are not present beside the repository; this test needs them.";

    /// <summary>Set to 1 to behave like a fresh clone without ../shared: every test that needs the assets must then skip, not fail.</summary>
    public const string IgnoreVariable = "TTS_TEST_IGNORE_SHARED_ASSETS";

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(IgnoreVariable) == "1") return null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models", "kokoro");
            if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
        }
        return null;
    }
}
