using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TtsService.Voices;

/// <summary>
/// A .NET startup hook (DOTNET_STARTUP_HOOKS names this assembly) for the replica processes of the multi-process
/// tests: it injects, through the service's DI container, an <see cref="IVoiceCommitObserver"/> that holds the
/// register of one voice for a minute between its audio write and its commit, so a test can SIGKILL the process in
/// between. It hooks the host as WebApplicationFactory does: on the "HostBuilding" event of Microsoft.Extensions.Hosting.
/// The service itself reads no test variable. The runtime requires this name, outside any namespace.
/// </summary>
internal static class StartupHook
{
    /// <summary>The voice whose register stalls, for the replica this variable is set on.</summary>
    public const string VoiceVariable = "TTS_TEST_SLOW_COMMIT_VOICE";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(VoiceVariable) is not { Length: > 0 } voice) return;
        DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name != "Microsoft.Extensions.Hosting") return;
            listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
            {
                if (e is { Key: "HostBuilding", Value: IHostBuilder host })
                    host.ConfigureServices(services => services.AddSingleton<IVoiceCommitObserver>(new SlowCommit(voice)));
            }));
        }));
    }

    private sealed class SlowCommit(string voice) : IVoiceCommitObserver
    {
        public Task BeforeCommitAsync(string name) => name == voice ? Task.Delay(TimeSpan.FromMinutes(1)) : Task.CompletedTask;
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);
        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
