using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.ZipVoice;

/// <summary>Temporary model directories with ZipVoice stand-ins.</summary>
public sealed class ZipVoiceTestModels : IDisposable
{
    public string ModelsDir { get; } = Directory.CreateTempSubdirectory("zipvoice-standins").FullName;

    public static OnnxSessions CpuSessions() => new(new TtsSettings(), NullLogger<OnnxSessions>.Instance);

    public string Write(string variant = "zipvoice", ZipVoiceLayout layout = ZipVoiceLayout.ZipVoiceExport, ZipVoiceVelocity velocity = ZipVoiceVelocity.Target) =>
        ZipVoiceStandin.Write(ModelsDir, variant, layout, velocity);

    public ZipVoiceModel Model(string variant = "zipvoice", ZipVoiceLayout layout = ZipVoiceLayout.ZipVoiceExport, ZipVoiceVelocity velocity = ZipVoiceVelocity.Target)
    {
        var dir = Write(variant, layout, velocity);
        var files = ZipVoiceVariant.Locate(ModelsDir, variant);
        Assert.StartsWith(dir, files.Directory);
        return new ZipVoiceModel(files.TextEncoder, files.Decoder, CpuSessions());
    }

    public void Dispose()
    {
        try { Directory.Delete(ModelsDir, true); } catch (IOException) { }
    }
}
