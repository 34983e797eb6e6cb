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
