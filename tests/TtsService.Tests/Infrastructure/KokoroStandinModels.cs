using StandinModels;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// A models directory with the Kokoro stand-in (real vocabulary and voices copied from ../shared/models/kokoro when
/// present, plus the synthetic af_standin_* voices). As a class fixture it is the one set written once per test run
/// and shared read-only by every class; a fixture that adds files takes a <see cref="Writable"/> set of its own.
/// </summary>
public sealed class KokoroStandinModels : IDisposable
{
    private static readonly Lazy<string> SharedDir = new(() =>
    {
        var dir = Write();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(dir);
        return dir;
    });

    private readonly bool _owned;

    public string Dir { get; }

    public KokoroStandinModels() => Dir = SharedDir.Value;

    private KokoroStandinModels(string dir, bool owned) => (Dir, _owned) = (dir, owned);

    /// <summary>A set of its own, deleted on dispose, for a fixture that adds models (e.g. a ZipVoice stand-in).</summary>
    public static KokoroStandinModels Writable() => new(Write(), owned: true);

    public void Dispose()
    {
        if (_owned) Delete(Dir);
    }

    private static string Write()
    {
        var dir = Directory.CreateTempSubdirectory("tts-kokoro-standin").FullName;
        KokoroStandin.Write(dir, SharedAssets.KokoroDir);
        return dir;
    }

    private static void Delete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
