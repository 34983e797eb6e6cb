using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// The real service in-process, configured with spec setting names (snake_case) like a user would
/// set them in appsettings.json, .env or the environment.
/// </summary>
public sealed class ServiceFactory(IReadOnlyDictionary<string, string?> settings, string? ownedDataDir = null) : WebApplicationFactory<Program>
{
    public static ServiceFactory WithModels(string modelsDir, params (string Key, string? Value)[] extra)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tts-test-data-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?>
        {
            ["models_dir"] = modelsDir,
            ["zipvoice_cache_dir"] = Path.Combine(dataDir, "zipvoice_prompts"),
            ["download_dir"] = Path.Combine(dataDir, "downloads"),
        };
        foreach (var (key, value) in extra) all[key] = value;
        return new ServiceFactory(all, dataDir);
    }

    /// <summary>Removes the per-factory data folder (prompt store, downloads) once the host is gone.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownedDataDir is not null && Directory.Exists(ownedDataDir))
        {
            try { Directory.Delete(ownedDataDir, recursive: true); } catch (IOException) { }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}
