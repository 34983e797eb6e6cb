using System.Buffers;
using System.Text.Json;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Errors;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Text;

namespace TtsService.Api;

/// <summary>
/// Speech with word timestamps (<c>POST /v1/audio/speech/captioned</c>, also <c>/dev/captioned_speech</c>).
/// Not streamed: one JSON object with the whole file in base64. Streamed (<c>"stream": true</c>):
/// JSON lines, one per synthesized chunk, each with that chunk's encoded bytes and its words.
/// </summary>
public static class CaptionedSpeechEndpoints
{
    public sealed record CaptionedSpeech(string Audio, string AudioFormat, IReadOnlyList<WordTimestamp> Timestamps, string TimestampSource);

    public static void MapCaptionedSpeech(this IEndpointRouteBuilder routes, string pattern) =>
        routes.MapPost(pattern, SpeakAsync)
            .AddEndpointFilter<ValidationFilter<SpeechRequest>>()
            .WithTags("Speech")
            .WithSummary("Speech plus word timestamps [{word, start_time, end_time}]")
            .Produces<CaptionedSpeech>(200);

    private static async Task SpeakAsync(HttpContext http, SpeechRequest request, BackendManager backends, AudioEncoderFactory encoders)
    {
        var kokoro = backends.Get<KokoroBackend>();
        var format = request.Format;
        var volume = request.EffectiveVolume;
        var cancellationToken = http.RequestAborted;
        var chunks = kokoro.SynthesizeAsync(SpeechEndpoints.ToKokoro(request) with { Stream = request.Stream == true }, cancellationToken);
        var withTimestamps = request.ReturnTimestamps ?? true;
        // Kokoro-FastAPI's headers: a file name for clients that save the body, and no caching of generated audio.
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"speech.{format.FileExtension()}\"";
        http.Response.Headers.CacheControl = "no-cache";
        var json = ErrorResponses.JsonOptions;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        double offset = 0;
        var allFromDurations = true;

        if (request.Stream == true)
        {
            IAudioEncoder? encoder = null;
            try
            {
                await foreach (var chunk in chunks)
                {
                    if (encoder is null)
                    {
                        encoder = encoders.Create(format, new EncoderOptions(chunk.SampleRate, chunk.Channels, Streaming: true));
                        http.Response.ContentType = "application/x-ndjson";
                        http.Response.Headers["X-Accel-Buffering"] = "no";
                    }
                    var (words, fromDurations) = withTimestamps ? Timestamps(chunk, offset) : ([], false);
                    offset += (double)chunk.Samples.Length / chunk.Channels / chunk.SampleRate;
                    encoder.Write(AudioVolume.Applied(chunk.Samples, volume), buffer);
                    await WriteLineAsync(http, new CaptionedSpeech(Convert.ToBase64String(buffer.WrittenSpan), format.FileExtension(), words, withTimestamps ? Source(fromDurations) : "none"), json, cancellationToken);
                    buffer.ResetWrittenCount();
                }
                if (encoder is null) throw NothingToSpeak(); // nothing sent yet: the error can still be the response
                encoder.Complete(buffer);
                if (buffer.WrittenCount > 0)
                    await WriteLineAsync(http, new CaptionedSpeech(Convert.ToBase64String(buffer.WrittenSpan), format.FileExtension(), [], "none"), json, cancellationToken);
            }
            finally { encoder?.Dispose(); }
            return;
        }

        var samples = new List<float[]>();
        var timestamps = new List<WordTimestamp>();
        var sampleRate = KokoroModel.SampleRate;
        await foreach (var chunk in chunks)
        {
            var (words, fromDurations) = withTimestamps ? Timestamps(chunk, offset) : ([], false);
            allFromDurations &= fromDurations;
            timestamps.AddRange(words);
            offset += (double)chunk.Samples.Length / chunk.SampleRate;
            samples.Add(AudioVolume.Applied(chunk.Samples, volume));
            sampleRate = chunk.SampleRate;
        }
        if (samples.Count == 0) throw NothingToSpeak();
        using (var encoder = encoders.Create(format, new EncoderOptions(sampleRate, 1, Streaming: false, samples.Sum(s => (long)s.Length))))
        {
            foreach (var s in samples) encoder.Write(s, buffer);
            encoder.Complete(buffer);
        }
        await http.Response.WriteAsJsonAsync(
            new CaptionedSpeech(Convert.ToBase64String(buffer.WrittenSpan), format.FileExtension(), timestamps, withTimestamps ? Source(allFromDurations && timestamps.Count > 0) : "none"),
            json, cancellationToken);
    }

    private static (List<WordTimestamp>, bool) Timestamps(AudioChunk chunk, double offset) =>
        WordTimestamps.ForChunk(chunk.Text ?? "", chunk.Phonemes ?? "", chunk.Durations, chunk.Samples.Length, chunk.SampleRate, offset);

    /// <summary>As the plain speech route: text that chunks into nothing is the input's fault.</summary>
    private static InvalidRequestException NothingToSpeak() => new("input has nothing that can be spoken.", "input", "nothing_to_speak");

    private static string Source(bool fromDurations) => fromDurations ? "model_durations" : "estimate";

    private static async Task WriteLineAsync(HttpContext http, CaptionedSpeech line, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(http.Response.Body, line, json, cancellationToken);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
