using StandinModels;
using TtsService.Inference.ZipVoice;
using DT = Onnx.TensorProto.Types.DataType;

namespace TtsService.Tests.ZipVoice;

public sealed class ZipVoiceModelTests : IDisposable
{
    private readonly ZipVoiceTestModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void ZipVoice_export_declares_rank_0_scalars_and_full_metadata()
    {
        using var model = _models.Model(layout: ZipVoiceLayout.ZipVoiceExport);
        Assert.Equal(0, model.PromptFeaturesLen.Rank);
        Assert.Equal(0, model.Speed.Rank);
        Assert.Equal(0, model.T.Rank);
        Assert.Equal(0, model.GuidanceScale.Rank);
        Assert.Equal(new ZipVoiceMetadata(1, 100, 24000, 1024, 256, 1024, 100, true, true), model.Metadata);
        Assert.EndsWith("text_encoder.onnx", model.TextEncoderPath);
    }

    [Fact]
    public void Sherpa_pack_declares_shape_1_scalars_and_gets_upstream_defaults()
    {
        using var model = _models.Model(layout: ZipVoiceLayout.SherpaPack);
        Assert.Equal(1, model.PromptFeaturesLen.Rank);
        Assert.Equal(1, model.T.Rank);
        Assert.Equal(new ZipVoiceMetadata(), model.Metadata);
        Assert.EndsWith("encoder.int8.onnx", model.TextEncoderPath);
        var files = ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice");
        Assert.True(files.IsSherpaPack);
        Assert.NotNull(files.Lexicon);
    }

    [Theory]
    [InlineData(ZipVoiceLayout.ZipVoiceExport, 1.0f)]
    [InlineData(ZipVoiceLayout.SherpaPack, 1.0f)]
    [InlineData(ZipVoiceLayout.ZipVoiceExport, 1.3f)]
    [InlineData(ZipVoiceLayout.SherpaPack, 0.7f)]
    public void Text_encoder_gives_the_export_frame_count(ZipVoiceLayout layout, float speed)
    {
        using var model = _models.Model(layout: layout);
        var text = model.EncodeText([5, 6, 7, 8, 9, 10, 11], [3, 4, 5], 50, speed, out var frames);
        // onnx_export.py: ceil(50 / 3 · (3 + 7) / speed)
        Assert.Equal((int)MathF.Ceiling(50f / 3 * 10 / speed), frames);
        Assert.Equal(ZipVoiceStandin.Frames(50, 3, 7, speed), frames);
        Assert.Equal(frames * 100, text.Length);
        Assert.Equal(ZipVoiceStandin.TextChannel0, text[0]);
    }

    [Fact]
    public void A_renamed_input_names_the_file_and_the_input()
    {
        var dir = _models.Write();
        ZipVoiceStandin.WriteDecoder(Path.Combine(dir, "fm_decoder.onnx"), 0, ZipVoiceVelocity.Target, rename: ("guidance_scale", "cfg"));
        var files = ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice");
        var e = Assert.Throws<InvalidDataException>(() => new ZipVoiceModel(files.TextEncoder, files.Decoder, ZipVoiceTestModels.CpuSessions()));
        Assert.Contains("fm_decoder.onnx", e.Message);
        Assert.Contains("'guidance_scale'", e.Message);
    }

    [Fact]
    public void A_wrong_dtype_names_the_file_the_input_and_the_types()
    {
        var dir = _models.Write();
        ZipVoiceStandin.WriteTextEncoder(Path.Combine(dir, "text_encoder.onnx"), 0, retype: DT.Int64);
        var files = ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice");
        var e = Assert.Throws<InvalidDataException>(() => new ZipVoiceModel(files.TextEncoder, files.Decoder, ZipVoiceTestModels.CpuSessions()));
        Assert.Contains("text_encoder.onnx", e.Message);
        Assert.Contains("'speed'", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float", e.Message);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice_distill"));
        Assert.Contains("text_encoder.onnx", e.Message);
        Assert.Contains("download.sh", e.Message);

        var dir = _models.Write("zipvoice_distill");
        File.Delete(Path.Combine(dir, "tokens.txt"));
        e = Assert.Throws<FileNotFoundException>(() => ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice_distill"));
        Assert.Contains("tokens.txt", e.Message);
    }

    [Fact]
    public void Download_script_layout_is_found_too()
    {
        // models/download.sh puts the files in models_dir/zipvoice_distill/.
        var dir = _models.Write("zipvoice_distill");
        var flat = Path.Combine(_models.ModelsDir, "zipvoice_distill");
        Directory.Move(dir, flat);
        Assert.Equal(flat, ZipVoiceVariant.Locate(_models.ModelsDir, "zipvoice_distill").Directory);
    }

    [Fact]
    public void Variant_defaults_are_upstreams()
    {
        Assert.Equal(new ZipVoiceVariantDefaults(16, 1.0f), ZipVoiceVariant.DefaultsFor("zipvoice"));
        Assert.Equal(new ZipVoiceVariantDefaults(8, 3.0f), ZipVoiceVariant.DefaultsFor("zipvoice_distill"));
    }
}
