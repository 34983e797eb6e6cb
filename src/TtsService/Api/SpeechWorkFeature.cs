using TtsService.Inference;

namespace TtsService.Api;

/// <summary>The request's <see cref="SpeechWork"/>, set by the admission middleware on the routes that synthesize.</summary>
public interface ISpeechWorkFeature
{
    SpeechWork Work { get; }
}

public sealed record SpeechWorkFeature(SpeechWork Work) : ISpeechWorkFeature;

public static class SpeechWorkExtensions
{
    /// <summary>This request's work record; an untracked one on a route that admission does not guard.</summary>
    public static SpeechWork SpeechWork(this HttpContext http)
    {
        if (http.Features.Get<ISpeechWorkFeature>() is { } feature) return feature.Work;
        var work = Inference.SpeechWork.Untracked();
        http.Features.Set<ISpeechWorkFeature>(new SpeechWorkFeature(work));
        return work;
    }
}
