using System.Text.RegularExpressions;
using TtsService.Errors;
using TtsService.Speech;
using TtsService.Voices;

namespace TtsService.Inference.ZipVoice.Dialog;

/// <summary>
/// The speakers of a dialog request. <c>voice</c> is one prompt (a registered two-speaker voice, or url+/base64+/file+
/// with a <c>[S1]…[S2]…</c> prompt_text: a merged prompt) or two prompts, [S1] first (split prompts): registered
/// names (<c>"alice+bob"</c> or <c>["alice", "bob"]</c>) or inline ones in a list (<c>["url+…", "base64+…"]</c>; on a
/// form, <c>voice</c> twice, and <c>file+</c> entries take the uploaded <c>prompt_wav_file</c>s in order). prompt_text
/// is <c>[S1] first transcript [S2] second transcript</c>: it replaces registered voices' stored transcriptions and is
/// needed for inline ones.
/// </summary>
public static partial class DialogPrompts
{
    [GeneratedRegex(@"^\s*\[S1\](?<first>.*?)\[S2\](?<second>.*)$", RegexOptions.Singleline)]
    private static partial Regex TwoTurns();

    /// <summary>The request's prompt(s): the second is set for two voices. 400s for dialog forms sent to a single-speaker model.</summary>
    public static async Task<(VoicePrompt First, VoicePrompt? Second)> ResolveAsync(string model, IVoicePromptResolver prompts,
        SpeechRequest request, CancellationToken cancellationToken)
    {
        var dialogModel = ZipVoiceVariant.IsDialogName(model);
        if (!dialogModel && DialogText.HasSpeakerMarks(request.Input))
            throw new InvalidRequestException(
                $"{model} speaks one voice; input with [S1]/[S2] turns is a dialogue: use model zipvoice_dialog or zipvoice_dialog_stereo.", "model", "dialog_needs_dialog_model");
        var names = VoiceList.Split(request.Voice);
        if (names is null)
            return (await prompts.ResolveAsync(request.Voice ?? "", request.PromptText, request.PromptFile, cancellationToken), null);
        if (names.Count > 2)
            throw new InvalidRequestException(
                $"voice names {names.Count} speakers; ZipVoice-Dialog speaks two ([S1] and [S2]).", "voice", "too_many_speakers");
        if (!dialogModel)
            throw new InvalidRequestException(
                $"{model} speaks one voice; two voices make a dialogue: use model zipvoice_dialog or zipvoice_dialog_stereo.", "model", "dialog_needs_dialog_model");
        string? first = null, second = null;
        if (!string.IsNullOrWhiteSpace(request.PromptText))
        {
            DialogText.Validate(request.PromptText, "prompt_text");
            var m = TwoTurns().Match(request.PromptText);
            if (!m.Success || DialogText.HasSpeakerMarks(m.Groups["second"].Value))
                throw new InvalidRequestException(
                    "With two voices, prompt_text is \"[S1] what the first says [S2] what the second says\" (one turn each), or absent to use their stored transcriptions.",
                    "prompt_text", "invalid_dialog_prompt_text");
            (first, second) = (m.Groups["first"].Value.Trim(), m.Groups["second"].Value.Trim());
        }
        else if (names.Any(VoiceList.IsInline))
            throw new InvalidRequestException(
                "An inline prompt (url+, base64+, data:, file+) needs its transcription: prompt_text \"[S1] what the first says [S2] what the second says\".",
                "prompt_text", "missing_prompt_text");
        // file+ entries take the uploaded files in order: the first file+ the first prompt_wav_file, the second the second.
        var files = new Queue<IFormFile?>([request.PromptFile, request.SecondPromptFile]);
        IFormFile? FileFor(string voice) => voice.StartsWith("file+", StringComparison.OrdinalIgnoreCase) && files.Count > 0 ? files.Dequeue() : null;
        var a = await prompts.ResolveAsync(names[0], first, FileFor(names[0]), cancellationToken);
        var b = await prompts.ResolveAsync(names[1], second, FileFor(names[1]), cancellationToken);
        return (a, b);
    }
}
