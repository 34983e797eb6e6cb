namespace TtsService.Tests.Infrastructure;

/// <summary>
/// One in-process service on the shared Kokoro stand-ins, shared by every test of a class (a class fixture, as
/// eShop's CatalogApiFixture): for tests that only read, or that write nothing another test looks at.
/// Tests that change settings or stored state build their own <see cref="ServiceFactory"/>.
/// </summary>
public class KokoroService : IDisposable
{
    private readonly KokoroStandinModels _models = new();

    public ServiceFactory Factory { get; }
    public HttpClient Client { get; }
    public string ModelsDir => _models.Dir;

    public KokoroService() : this([]) { }

    protected KokoroService(params (string Key, string? Value)[] settings)
    {
        Factory = ServiceFactory.WithModels(_models.Dir, settings);
        Client = Factory.CreateClient();
    }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The shared service with room for long inputs (<c>max_input_chars</c> 6000).</summary>
public sealed class LongInputKokoroService() : KokoroService(("max_input_chars", "6000"));
