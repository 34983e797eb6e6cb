using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Scaling;
using TtsService.Text.Japanese;

namespace TtsService.Tests.Text;

/// <summary>
/// Japanese in the service as it ships: its own process, whose runtimeconfig has invariant globalization (the test
/// host has ICU, so an in-process host cannot show this). There string.Normalize does nothing to non-ASCII text, and
/// full-width ？ and ！ were dropped: "お元気ですか？" → "o ɡeŋkʲi desɨ ka" (issue 20). misaki keeps them as ? and !.
/// </summary>
public sealed class JapaneseServiceProcessTests(KokoroStandinModels models) : IClassFixture<KokoroStandinModels>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tts-ja-process").FullName;
    private ReplicaPair.Replica? _service;

    [SkippableFact]
    public async Task Full_width_question_and_exclamation_marks_survive_in_the_shipped_service()
    {
        Skip.If(MecabTagger.TryCreate(MecabTagger.DefaultDictionary, out var error) is null, $"MeCab + UniDic not installed: {error}");
        var runtimeConfig = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TtsService.runtimeconfig.json"));
        Assert.Contains("\"System.Globalization.Invariant\": true", runtimeConfig); // the condition this test is about
        _service = new ReplicaPair.Replica("ja", ReplicaPair.FreePort(), models.Dir, _root, slowCommitVoice: null);
        _service.Start();
        await _service.WaitReadyAsync();
        foreach (var (text, expected) in new[] { ("お元気ですか？", "o ɡeŋkʲi desɨ ka?"), ("わあ！", "βaː!") })
        {
            var response = await _service.Http.PostAsJsonAsync("/dev/phonemize", new { text, language = "j" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phonemes").GetString());
        }
    }

    public void Dispose()
    {
        _service?.Stop();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
