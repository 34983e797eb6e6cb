using System.Text.RegularExpressions;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>
/// The one gate for voice names: <c>^[A-Za-z0-9_-]{1,64}$</c>, and not a Windows device name
/// (CON, NUL, COM1, ...) so a store copied to Windows stays usable. Checked before any path is built.
/// (\z, not $: $ would also accept a trailing newline.)
/// </summary>
public static partial class VoiceName
{
    public const int MaxLength = 64;

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static bool IsValid(string? name) =>
        name is not null && Pattern().IsMatch(name) && !DeviceNames.Contains(name);

    /// <summary>Returns <paramref name="name"/> when valid; otherwise 400 (the name is not echoed as a path).</summary>
    public static string Validate(string? name, string param = "name")
    {
        if (IsValid(name)) return name!;
        var why = string.IsNullOrEmpty(name) ? "is empty"
            : name.Length > MaxLength ? $"is {name.Length} characters (at most {MaxLength})"
            : DeviceNames.Contains(name) ? "is a reserved device name"
            : "may only contain letters A-Z and a-z, digits, '_' and '-'";
        throw new InvalidRequestException($"Voice name {why}; names match ^[A-Za-z0-9_-]{{1,64}}$.", param, "invalid_voice_name");
    }
}
