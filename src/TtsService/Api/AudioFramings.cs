using System.Text;
using System.Text.Json;
using TtsService.Audio;
using TtsService.Inference;
using TtsService.Text;

namespace TtsService.Api;

/// <summary>
/// Puts encoded audio on the wire in one <see cref="AudioFraming"/>. The writer encodes; a framing only decides
/// headers and how each piece of bytes is wrapped, so every route shares one encode path.
/// </summary>
internal abstract class ResponseFraming
{
    public static ResponseFraming For(AudioOutput output) => output.Framing switch
    {
        AudioFraming.ServerSentEvents => new ServerSentEventsFraming(),
        AudioFraming.Captioned => new CaptionedFraming(output.Format, output.Timestamps),
        _ => new RawFraming(output.Format),
    };

    /// <summary>Sets the content type and headers before the first byte.</summary>
    public abstract void Start(HttpResponse response, AudioOutput output);

    /// <summary>Streamed: the bytes encoded from <paramref name="chunk"/> (null: the encoder's closing bytes).</summary>
    public abstract Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> audio, AudioChunk? chunk, CancellationToken cancellationToken);

    /// <summary>Streamed: after the last bytes.</summary>
    public virtual Task EndAsync(HttpResponse response, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Not streamed: the whole file, made from <paramref name="chunks"/>.</summary>
    public abstract Task WriteWholeAsync(HttpResponse response, ReadOnlyMemory<byte> file, IReadOnlyList<AudioChunk> chunks, CancellationToken cancellationToken);

    protected static void Attachment(HttpResponse response, AudioOutput output) =>
        response.Headers.ContentDisposition = $"attachment; filename=\"{output.FileStem}.{output.Format.FileExtension()}\"";

    private sealed class RawFraming(AudioFormat format) : ResponseFraming
    {
        public override void Start(HttpResponse response, AudioOutput output)
        {
            response.ContentType = format.ContentType();
            Attachment(response, output);
        }

        public override async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> audio, AudioChunk? chunk, CancellationToken cancellationToken)
        {
            if (audio.IsEmpty) return;
            await response.Body.WriteAsync(audio, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        public override Task WriteWholeAsync(HttpResponse response, ReadOnlyMemory<byte> file, IReadOnlyList<AudioChunk> chunks, CancellationToken cancellationToken)
        {
            response.ContentLength = file.Length;
            return response.Body.WriteAsync(file, cancellationToken).AsTask();
        }
    }

    private sealed class ServerSentEventsFraming : ResponseFraming
    {
        private static readonly ReadOnlyMemory<byte> Done = "data: {\"type\":\"speech.audio.done\"}\n\n"u8.ToArray();

        public override void Start(HttpResponse response, AudioOutput output) => response.ContentType = "text/event-stream";

        public override async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> audio, AudioChunk? chunk, CancellationToken cancellationToken)
        {
            if (audio.IsEmpty) return;
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
                $"data: {{\"type\":\"speech.audio.delta\",\"audio\":\"{Convert.ToBase64String(audio.Span)}\"}}\n\n"), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        public override async Task EndAsync(HttpResponse response, CancellationToken cancellationToken)
        {
            await response.Body.WriteAsync(Done, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        // SSE always streams (SpeechRequest.IsStreamed); a whole file is one delta and the end.
        public override async Task WriteWholeAsync(HttpResponse response, ReadOnlyMemory<byte> file, IReadOnlyList<AudioChunk> chunks, CancellationToken cancellationToken)
        {
            await WriteAsync(response, file, null, cancellationToken);
            await EndAsync(response, cancellationToken);
        }
    }

    /// <summary>
    /// Kokoro-FastAPI's captioned speech. Streamed: one JSON line per chunk with that chunk's bytes and words.
    /// Whole: one object with the file and every word. Timestamps come from the model's durations when it
    /// reports them, else from an estimate; <c>timestamp_source</c> says which.
    /// </summary>
    private sealed class CaptionedFraming(AudioFormat format, bool withTimestamps) : ResponseFraming
    {
        private static readonly ReadOnlyMemory<byte> Newline = "\n"u8.ToArray();
        private double _offset;

        public override void Start(HttpResponse response, AudioOutput output)
        {
            response.ContentType = output.Stream ? "application/x-ndjson" : "application/json; charset=utf-8";
            Attachment(response, output);
        }

        public override async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> audio, AudioChunk? chunk, CancellationToken cancellationToken)
        {
            var (words, fromDurations) = chunk is not null && withTimestamps ? Next(chunk) : ([], false);
            if (audio.IsEmpty && chunk is null) return;
            var source = chunk is not null && withTimestamps ? Source(fromDurations) : "none";
            await JsonSerializer.SerializeAsync(response.Body, Line(audio, words, source), ErrorResponses.JsonOptions, cancellationToken);
            await response.Body.WriteAsync(Newline, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        public override Task WriteWholeAsync(HttpResponse response, ReadOnlyMemory<byte> file, IReadOnlyList<AudioChunk> chunks, CancellationToken cancellationToken)
        {
            var words = new List<WordTimestamp>();
            var allFromDurations = true;
            foreach (var chunk in chunks)
            {
                if (!withTimestamps) break;
                var (chunkWords, fromDurations) = Next(chunk);
                words.AddRange(chunkWords);
                allFromDurations &= fromDurations;
            }
            var source = withTimestamps ? Source(allFromDurations && words.Count > 0) : "none";
            return JsonSerializer.SerializeAsync(response.Body, Line(file, words, source), ErrorResponses.JsonOptions, cancellationToken);
        }

        private (List<WordTimestamp>, bool) Next(AudioChunk chunk)
        {
            var frames = chunk.Samples.Length / chunk.Channels;
            var result = WordTimestamps.ForChunk(chunk, _offset);
            _offset += (double)frames / chunk.SampleRate;
            return result;
        }

        private CaptionedSpeechEndpoints.CaptionedSpeech Line(ReadOnlyMemory<byte> audio, IReadOnlyList<WordTimestamp> words, string source) =>
            new(Convert.ToBase64String(audio.Span), format.FileExtension(), words, source);

        private static string Source(bool fromDurations) => fromDurations ? "model_durations" : "estimate";
    }
}
