namespace TtsService.Speech;

/// <summary>
/// Limits that mean the same on every route and in the settings: the request validation, the settings
/// validator and the OpenAPI document all read them from here.
/// </summary>
public static class SpeechLimits
{
    public const double MinSpeed = 0.25;
    public const double MaxSpeed = 4.0;
    public const double MinVolume = 0;
    public const double MaxVolume = 10;
    public const int MinNumSteps = 1;
    public const int MaxNumSteps = 32;
    /// <summary>ZipVoice's time-grid shift: (0, 1], exclusive at 0.</summary>
    public const double MinTShift = 0;
    public const double MaxTShift = 1;
}
