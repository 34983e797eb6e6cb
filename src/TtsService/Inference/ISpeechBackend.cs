using TtsService.Speech;

namespace TtsService.Inference;

/// <summary>Loading: the host is starting and its models are not in yet (<see cref="ISpeechBackend.LoadAsync"/>).</summary>
public enum BackendState { Loading, Ready, Disabled, Unavailable }

/// <summary>What <c>/ready</c> reports for one backend.</summary>
/// <param name="Name">"kokoro" or "zipvoice".</param>
/// <param name="Reason">Why it is not ready (names the missing file and how to get it).</param>
/// <param name="Models">Model ids this backend serves when ready.</param>
public sealed record BackendStatus(string Name, BackendState State, string? Reason, IReadOnlyList<string> Models)
{
    /// <summary>Where its models run when ready: "cuda" or "cpu".</summary>
    public string? Device { get; init; }
}

/// <summary>One piece of synthesized audio, in the order it is to be played.</summary>
/// <param name="Samples">Interleaved samples in [-1, 1].</param>
public sealed record AudioChunk(float[] Samples, int SampleRate, int Channels = 1)
{
    /// <summary>The text this chunk speaks, when known (captions).</summary>
    public string? Text { get; init; }
    /// <summary>The phonemes spoken (vocabulary symbols, words separated by spaces), when known.</summary>
    public string? Phonemes { get; init; }
    /// <summary>Per-token durations in model frames, when the model reports them.</summary>
    public int[]? Durations { get; init; }
    /// <summary>A dialogue chunk's speaker turns, in order (captions name each word's speaker).</summary>
    public IReadOnlyList<Text.SpeakerTurn>? Turns { get; init; }
}

/// <summary>A TTS engine the <see cref="BackendManager"/> routes to: every route reaches every backend this way.</summary>
public interface ISpeechBackend
{
    string Name { get; }
    BackendStatus Status { get; }
    /// <summary>True when <paramref name="modelId"/> (already lower-cased) belongs to this backend.</summary>
    bool Handles(string modelId);

    /// <summary>
    /// Loads the models, once, when the host starts (<see cref="ModelLoader"/>): until then <see cref="Status"/> is
    /// <see cref="BackendState.Loading"/>. A missing or broken file leaves the backend Unavailable (503), never throws.
    /// </summary>
    Task LoadAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Speaks a validated <paramref name="request"/> whose model this backend handles, chunk by chunk. Lazy: errors
    /// surface on the first chunk, which the response writer pulls before it answers, so they still become JSON errors.
    /// </summary>
    /// <param name="work">The request's work record: each model call's queue wait and run time are charged to it.</param>
    IAsyncEnumerable<AudioChunk> SpeakAsync(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken);
}
