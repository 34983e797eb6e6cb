using StandinModels;

namespace TtsService.Tests.Infrastructure;

/// <summary>
/// A models directory with the Kokoro stand-in (real vocabulary and voices copied from
/// ../shared/models/kokoro when present, plus the synthetic af_standin_* voices), written once per test class.
/// </summary>
public sealed class KokoroStandinModels : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("tts-kokoro-standin").FullName;

    public KokoroStandinModels() => KokoroStandin.Write(Dir, SharedAssets.KokoroDir);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
