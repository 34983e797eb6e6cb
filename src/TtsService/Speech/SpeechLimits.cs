namespace TtsService.Speech;

/// <summary>
/// Limits that mean the same on every route and in the settings. They are declared once, as data annotations on the
/// request types (<see cref="SpeechRequest"/>, <c>DevEndpoints.PhonemesSpeechRequest</c>) that name these constants:
/// <see cref="RequestRules{T}"/> enforces those annotations, Swashbuckle writes them into the OpenAPI document, and
/// the settings validator reads the same constants.
/// </summary>
public static class SpeechLimits
{
    public const double MinSpeed = 0.25;
    public const double MaxSpeed = 4.0;
    public const double MinVolume = 0;
    public const double MaxVolume = 10;
    public const int MinNumSteps = 1;
    public const int MaxNumSteps = 32;
    /// <summary>ZipVoice's classifier-free guidance scale (1.0 for zipvoice, 3.0 for zipvoice_distill by default).</summary>
    public const double MinGuidanceScale = 0;
    public const double MaxGuidanceScale = 10;
    /// <summary>ZipVoice's time-grid shift: (0, 1], exclusive at 0.</summary>
    public const double MinTShift = 0;
    public const double MaxTShift = 1;
}
