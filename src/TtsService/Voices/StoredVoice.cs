namespace TtsService.Voices;

/// <summary>
/// A registered voice as kept in <c>voice.json</c> next to its audio. <see cref="Version"/> changes on
/// every (re)registration, so caches keyed by name + version never serve an overwritten prompt.
/// </summary>
public sealed record StoredVoice
{
    public required string Name { get; init; }
    public required string Transcription { get; init; }
    public required string Version { get; init; }
    /// <summary>File name of the 24 kHz 16-bit WAV inside the voice's directory (mono, or stereo for a two-channel recording).</summary>
    public required string AudioFile { get; init; }
    public required int SampleRate { get; init; }
    public required int Samples { get; init; }
    public required double Duration { get; init; }
    public required string OriginalFormat { get; init; }
    public required int OriginalSampleRate { get; init; }
    public required int OriginalChannels { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Channels of the stored WAV: 2 when the recording had two (kept apart for zipvoice_dialog_stereo's merged prompts), else 1.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Full path of the audio; set when loaded, not stored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string AudioPath { get; init; } = "";

    public string CacheKey => $"voice:{Name}:{Version}";
}
