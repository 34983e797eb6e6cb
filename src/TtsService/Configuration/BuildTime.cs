using System.Reflection;

namespace TtsService.Configuration;

/// <summary>
/// True while the build generates the OpenAPI document (Microsoft.Extensions.ApiDescription.Server runs the app's
/// entry point under its GetDocument.Insider tool and starts the host to read the endpoints). Then nothing that
/// starts work is registered: no models load, no folder is created, no timer runs (as eShop's <c>IsBuild()</c>).
/// </summary>
public static class BuildTime
{
    public static bool IsGeneratingDocument { get; } =
        Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";
}
