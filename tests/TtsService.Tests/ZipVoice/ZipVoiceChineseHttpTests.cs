using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;

using TtsService.Tests.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>
/// The k2-fsa export layout (tokens.txt, no lexicon.txt) speaks Chinese over HTTP: the stand-in's output
/// length grows with the text's token count (<see cref="ZipVoiceStandin.Frames"/>), so a text whose Chinese
/// were skipped would come out no longer than its punctuation alone. 你好 → n0 i2 h0 ao3 and 世界 → sh0 i4
/// j0 ie4 (ZipVoiceChineseTokensTests' derivation), all tokens of the stand-in's table.
/// </summary>
public sealed class ZipVoiceChineseHttpTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("tts-zipvoice-zh").FullName;
    private readonly ServiceFactory _factory;
    private readonly HttpClient _client;

    public ZipVoiceChineseHttpTests()
    {
        KokoroStandin.Write(_models, SharedAssets.KokoroDir);
        var dir = ZipVoiceStandin.Write(_models, "zipvoice", ZipVoiceLayout.ZipVoiceExport);
        Assert.False(File.Exists(Path.Combine(dir, "lexicon.txt")));
        _factory = ServiceFactory.WithModels(_models);
        _client = _factory.CreateClient();
    }

    private async Task<int> Samples(string prompt, string input)
    {
        var response = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice", input, voice = "base64+" + prompt, prompt_text = "A short prompt for cloning.",
            response_format = "wav", stream = false, seed = 3, remove_long_silence = false,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Ffmpeg.DecodeToFloat(await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [SkippableFact]
    public async Task Chinese_text_is_spoken_without_a_lexicon()
    {
        Skip.IfNot(File.Exists("/usr/bin/espeak-ng"), "espeak-ng (the prompt's voice) is not installed");
        var prompt = Convert.ToBase64String(TestAudio.SpokenWav("A short prompt for cloning."));
        var two = await Samples(prompt, "你好。");     // n0 i2 h0 ao3 .
        var four = await Samples(prompt, "你好世界。"); // n0 i2 h0 ao3 sh0 i4 j0 ie4 .
        Assert.True(two > 0);
        // Four more tokens, so a longer clip: the Chinese reached the model.
        Assert.True(four > two, $"你好世界 gave {four} samples, 你好 {two}");
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        try { Directory.Delete(_models, recursive: true); } catch (IOException) { }
    }
}
