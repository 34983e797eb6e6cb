using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TtsService.Api;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;

namespace TtsService.Tests.Voices;

/// <summary>
/// Stands in for the ZipVoice model in endpoint tests: records every request (so tests see which
/// prompt and transcript arrived) and answers with a tone of 240 samples per input character.
/// </summary>
internal sealed class FakeZipVoice : IZipVoiceSynthesizer
{
    public const int SamplesPerCharacter = 240;

    public ConcurrentQueue<ZipVoiceRequest> Requests { get; } = new();

    public string Name => "zipvoice";
    public BackendStatus Status => new("zipvoice", BackendState.Ready, null, ZipVoiceEndpoints.Models);
    public bool Handles(string modelId) => ZipVoiceEndpoints.Models.Contains(modelId);

    public bool IsVariantReady(string model, out string? reason)
    {
        reason = null;
        return true;
    }

    public async IAsyncEnumerable<AudioChunk> SynthesizeAsync(ZipVoiceRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        await Task.Yield();
        var samples = new float[request.Text.Length * SamplesPerCharacter];
        for (var i = 0; i < samples.Length; i++) samples[i] = 0.25f * MathF.Sin(2 * MathF.PI * 440 * i / 24000f);
        yield return new AudioChunk(samples, 24000);
    }

    public ZipVoiceRequest Last => Requests.Last();
}
