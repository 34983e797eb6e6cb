using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StandinModels;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Web;

/// <summary>
/// The real service on a loopback socket (Kestrel, Kokoro and ZipVoice stand-ins) and Debian's headless Chromium driven by
/// Playwright, shared by the tests of one class. Playwright's driver and its node runtime ship in the NuGet
/// package; the browser is the system's (<c>scripts/install-deps.sh test</c> installs it), never downloaded.
/// </summary>
public sealed class BrowserServiceFixture : IAsyncLifetime
{
    public const string SkipVariable = "TTS_SKIP_BROWSER_TESTS";
    private const string ChromiumVariable = "TTS_CHROMIUM";

    private readonly KokoroStandinModels _models = KokoroStandinModels.Writable();
    private ServiceFactory? _factory;
    private IPlaywright? _playwright;

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }
    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        ZipVoiceStandin.Write(_models.Dir, "zipvoice");
        (_factory, BaseAddress) = StartService();
        Http = new HttpClient { BaseAddress = BaseAddress };

        if (!File.Exists(ChromiumPath))
        {
            Unavailable = $"Chromium is not installed at {ChromiumPath}: run `scripts/install-deps.sh test` (installs Debian's chromium), " +
                          $"point {ChromiumVariable} at another Chromium, or set {SkipVariable}=1 to skip the browser tests.";
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests click Speak and then wait; let the audio element start without a fresh gesture.
            // A fake microphone (a beep) lets the page's MediaRecorder path run headless.
            Args = ["--autoplay-policy=no-user-gesture-required", "--mute-audio", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        });
    }

    /// <summary>Another instance of the service on its own loopback port (the caller disposes it).</summary>
    public (ServiceFactory Factory, Uri BaseAddress) StartService(params (string Key, string? Value)[] settings)
    {
        var factory = ServiceFactory.WithModels(_models.Dir, settings);
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (factory, new Uri(address));
    }

    /// <summary>Skips when <c>TTS_SKIP_BROWSER_TESTS=1</c>; otherwise a missing browser fails the test with how to fix it.</summary>
    public void RequireBrowser()
    {
        Skip.If(Environment.GetEnvironmentVariable(SkipVariable) == "1", $"{SkipVariable}=1: browser tests skipped.");
        if (Unavailable is not null) Assert.Fail(Unavailable);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        Http?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        _models.Dispose();
    }
}
