using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TtsService.Api;
using TtsService.Inference;
using TtsService.Inference.ZipVoice;
using TtsService.Voices;
using Microsoft.Extensions.DependencyInjection;

namespace TtsService.Tests.Voices;

/// <summary>
/// Stands in for the ZipVoice model in endpoint tests: records every request (so tests see which
/// prompt and transcript arrived) and answers with a tone of 240 samples per input character.
/// </summary>
internal sealed class FakeZipVoice : IZipVoiceSynthesizer
{
    public const int SamplesPerCharacter = 240;

    public ConcurrentQueue<ZipVoiceRequest> Requests { get; } = new();

    /// <summary>The host's prompt resolver, set when the host registers this fake (see <see cref="Register"/>).</summary>
    public IVoicePromptResolver? Prompts { get; set; }

    /// <summary>Registers this fake ahead of the real ZipVoice backend, resolving prompts with the host's own resolver.</summary>
    public void Register(IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<ISpeechBackend>(sp =>
        {
            Prompts = sp.GetRequiredService<IVoicePromptResolver>();
            return this;
        }));

    // The real backend's path from a speech request: resolve the prompt, then synthesize.
    public IAsyncEnumerable<AudioChunk> SpeakAsync(SpeechRequest request, SpeechWork work, CancellationToken cancellationToken) =>
        ZipVoiceSpeech.SpeakAsync(this, Prompts!, request, work, cancellationToken);

    public string Name => "zipvoice";
    public BackendStatus Status => new("zipvoice", BackendState.Ready, null, ModelCatalog.ZipVoiceModels);
    public bool Handles(string modelId) => ModelCatalog.ZipVoiceModels.Contains(modelId);

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
