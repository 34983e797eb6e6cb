using Microsoft.Extensions.Options;

namespace TtsService.Configuration;

public static class SettingsCheck
{
    /// <summary>
    /// Builds (and so validates) the settings before anything reads them. Invalid settings are written as one line
    /// per bad setting (which one, its value, what is allowed) instead of a stack trace, and the caller exits.
    /// </summary>
    public static bool HasValidSettings(this WebApplication app)
    {
        try
        {
            _ = app.Services.GetRequiredService<IOptions<TtsSettings>>().Value;
            return true;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) Console.Error.WriteLine(failure);
            return false;
        }
    }
}
