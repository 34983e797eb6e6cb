using TtsService.Inference.ZipVoice.Tokenizer;

namespace TtsService.Inference.ZipVoice.Dialog;

/// <summary>
/// Load-time checks that a variant's files are what its name promises: the dialog variants need [S1]/[S2] in
/// tokens.txt, zipvoice_dialog_stereo a two-channel decoder (tools/export writes <c>num_channels</c> and
/// <c>model_name</c> into the graphs), and no other variant may have more than one channel. A mismatch makes
/// only that variant unavailable, with the reason naming the file (so <c>/v1/models</c> leaves it out).
/// </summary>
public static class DialogModelCheck
{
    /// <summary>
    /// Whether <paramref name="variant"/>'s files are in place, without loading the graphs: for the dialog variants also
    /// the [S1]/[S2] tokens and, when the export wrote it, the decoder's num_channels (read from the ONNX metadata).
    /// </summary>
    public static bool LooksInstalled(string modelsDir, string variant)
    {
        ZipVoiceFiles files;
        try { files = ZipVoiceVariant.Locate(modelsDir, variant); }
        catch (FileNotFoundException) { return false; }
        if (!ZipVoiceVariant.IsDialogName(variant)) return true;
        try
        {
            var tokens = ZipVoiceTokens.Load(files.Tokens);
            if (!tokens.Contains(DialogText.Speaker1) || !tokens.Contains(DialogText.Speaker2)) return false;
            var channels = OnnxMetadata.Read(files.Decoder).TryGetValue("num_channels", out var raw) && int.TryParse(raw, out var n) ? n : 1;
            return channels == (variant == ZipVoiceVariant.DialogStereo ? 2 : 1);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    public static void Check(string variant, ZipVoiceFiles files, ZipVoiceMetadata metadata, ZipVoiceTokens tokens)
    {
        var decoder = Path.GetFileName(files.Decoder);
        var expectedChannels = variant == ZipVoiceVariant.DialogStereo ? 2 : 1;
        if (metadata.ModelName is { } name && ZipVoiceVariant.IsDialogName(name) && name != variant)
            throw new InvalidDataException($"{files.Directory}: the graphs are an export of {name} (metadata model_name), not {variant}; " +
                                           $"put them in the {name} directory.");
        if (metadata.NumChannels != expectedChannels)
            throw new InvalidDataException($"{decoder}: decoder has num_channels {metadata.NumChannels}, but {variant} needs {expectedChannels}" +
                                           (variant == ZipVoiceVariant.DialogStereo ? " (export it with tools/export --model-name zipvoice_dialog_stereo)." : "."));
        if (!ZipVoiceVariant.IsDialogName(variant)) return;
        foreach (var mark in new[] { DialogText.Speaker1, DialogText.Speaker2 })
            if (!tokens.Contains(mark))
                throw new InvalidDataException($"{files.Tokens} has no {mark} token: {variant} needs the dialog model's tokens.txt " +
                                               "(published with the zipvoice_dialog checkpoints; see models/README.md).");
    }
}
