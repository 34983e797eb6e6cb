using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace TtsService.Configuration;

public static class ConfigurationSources
{
    /// <summary>
    /// Adds the service's own sources in the spec's order: appsettings.json next to the binary (the
    /// default builder already reads the content root's), then the content root's <c>.env</c> just
    /// before the environment variables, so real environment variables still win over the file.
    /// </summary>
    public static void AddServiceSources(this ConfigurationManager configuration, string contentRoot)
    {
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var binaryJson = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var contentJson = Path.Combine(contentRoot, "appsettings.json");
        var envIndex = IndexOfEnvironment(sources);
        if (File.Exists(binaryJson) && !File.Exists(contentJson))
        {
            var json = new ConfigurationBuilder().AddJsonFile(binaryJson, optional: true).Sources[0];
            sources.Insert(envIndex, json);
            envIndex++;
        }
        var dotEnv = DotEnvFile.Read(Path.Combine(contentRoot, ".env")).ToList();
        if (dotEnv.Count > 0)
        {
            var memory = new ConfigurationBuilder().AddInMemoryCollection(dotEnv).Sources[0];
            sources.Insert(envIndex, memory);
        }
    }

    private static int IndexOfEnvironment(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" }) return i;
        return sources.Count;
    }
}
