using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;
using DT = Onnx.TensorProto.Types.DataType;

namespace TtsService.Tests.Kokoro;

/// <summary>Every published Kokoro layout loads; a model with the wrong interface is refused with a message naming the file and input.</summary>
public sealed class KokoroLayoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tts-kokoro-layouts").FullName;

    [Theory]
    [InlineData(KokoroExport.OnnxCommunity)]
    [InlineData(KokoroExport.KokoroOnnx)]
    [InlineData(KokoroExport.SherpaOnnx)]
    public async Task Each_layout_loads_and_speaks_the_expected_length(KokoroExport export)
    {
        KokoroStandin.Write(_dir, SharedAssets.KokoroDir, export, withDurations: export == KokoroExport.OnnxCommunity);
        using var factory = ServiceFactory.WithModels(_dir);
        using var client = factory.CreateClient();
        var phonemes = await (await client.PostAsJsonAsync("/dev/phonemize", new { text = "Layouts differ, speech does not.", language = "a" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var tokens = phonemes.GetProperty("tokens").GetArrayLength();
        var response = await client.PostAsJsonAsync("/v1/audio/speech", new { input = "Layouts differ, speech does not.", voice = "af_standin_high", response_format = "pcm", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KokoroStandin.SampleCount(tokens + 2, 1f) * 2, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("ids", DT.Int64, "style", DT.Float, "missing input 'input_ids' or 'tokens'")]
    [InlineData("input_ids", DT.Int32, "style", DT.Float, "input 'input_ids' is Int32, expected Int64")]
    [InlineData("input_ids", DT.Int64, "voice", DT.Float, "missing input 'style'")]
    public async Task A_model_with_the_wrong_interface_is_unavailable_with_a_precise_reason(string idsName, DT idsType, string styleName, DT styleType, string expected)
    {
        KokoroStandin.Write(_dir, SharedAssets.KokoroDir);
        var g = new OnnxGraphBuilder();
        g.Input(idsName, idsType, 1, "T").Input(styleName, styleType, 1, 256).Input("speed", DT.Float, 1);
        g.Node("Identity", [styleName], "waveform");
        g.Output("waveform", DT.Float, 1, 256);
        g.Save(Path.Combine(_dir, "kokoro", "kokoro-v1.0.onnx"));

        using var factory = ServiceFactory.WithModels(_dir);
        using var client = factory.CreateClient();
        var readyResponse = await client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyResponse.StatusCode);
        var ready = await readyResponse.Content.ReadFromJsonAsync<JsonElement>();
        var kokoro = ready.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "kokoro");
        Assert.Equal("unavailable", kokoro.GetProperty("state").GetString());
        var reason = kokoro.GetProperty("reason").GetString()!;
        Assert.Contains("kokoro-v1.0.onnx", reason);
        Assert.Contains(expected, reason);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_corrupt_model_file_never_stops_the_host()
    {
        KokoroStandin.Write(_dir, SharedAssets.KokoroDir);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "kokoro", "kokoro-v1.0.onnx"), "not an onnx model"u8.ToArray());
        using var factory = ServiceFactory.WithModels(_dir);
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/v1/audio/speech", new { input = "Hi.", voice = "af_standin_low" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
