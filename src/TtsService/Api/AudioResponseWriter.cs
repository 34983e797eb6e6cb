using System.Buffers;
using System.Diagnostics;
using System.Text;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Observability;

namespace TtsService.Api;

/// <summary>
/// Sends synthesized audio to the client in the requested format. Streaming responses are chunked:
/// each backend chunk is encoded and flushed as soon as it exists. Nothing is written before the
/// first chunk is ready, so a failure before any audio still gets a proper JSON error.
/// </summary>
public sealed class AudioResponseWriter(AudioEncoderFactory encoders, DownloadStore downloads)
{
    /// <param name="backend">Metrics label: which backend produced the audio.</param>
    /// <param name="saveCopy">Also keep the file for <c>GET /v1/download/...</c> (<c>return_download_link</c>).</param>
    /// <param name="sse">OpenAI's <c>stream_format: "sse"</c>: server-sent events <c>speech.audio.delta</c>
    /// (base64 audio) then <c>speech.audio.done</c>, instead of raw bytes.</param>
    public async Task WriteAsync(HttpContext http, IAsyncEnumerable<AudioChunk> audio, AudioFormat format,
        bool stream, float volume, string fileStem = "speech", string backend = "kokoro", bool saveCopy = false, bool sse = false)
    {
        var cancellationToken = http.RequestAborted;
        var started = Stopwatch.GetTimestamp();
        var synthesis = TimeSpan.Zero;
        double audioSeconds = 0;
        await using var source = audio.GetAsyncEnumerator(cancellationToken);
        // Times each synthesis step (not the writes to a slow client) and totals the audio produced.
        async ValueTask<bool> NextAsync()
        {
            var before = Stopwatch.GetTimestamp();
            var more = await source.MoveNextAsync();
            synthesis += Stopwatch.GetElapsedTime(before);
            if (more) audioSeconds += (double)source.Current.Samples.Length / (source.Current.SampleRate * source.Current.Channels);
            return more;
        }
        var chunks = new ChunkCursor(NextAsync, () => source.Current);
        if (!await chunks.MoveNextAsync())
            throw new InvalidOperationException("The backend produced no audio.");
        var first = chunks.Current;
        try
        {
            using var copy = saveCopy ? downloads.Begin(format) : null;
            if (copy is not null) http.Response.Headers["X-Download-Path"] = $"/v1/download/{copy.Name}";
            await WriteChunksAsync(http, chunks, first, format, stream || sse, volume, fileStem, started, backend, copy?.Stream, sse, cancellationToken);
            if (copy is not null) await copy.CommitAsync(cancellationToken);
        }
        finally
        {
            ServiceMetrics.SynthesisSeconds.WithLabels(backend).Observe(synthesis.TotalSeconds);
            ServiceMetrics.AudioSeconds.WithLabels(backend).Inc(audioSeconds);
            if (audioSeconds > 0) ServiceMetrics.RealTimeFactor.WithLabels(backend).Observe(synthesis.TotalSeconds / audioSeconds);
        }
    }

    private sealed class ChunkCursor(Func<ValueTask<bool>> next, Func<AudioChunk> current)
    {
        public AudioChunk Current => current();
        public ValueTask<bool> MoveNextAsync() => next();
    }

    private static void FirstBytes(long started, string backend) =>
        ServiceMetrics.TimeToFirstByte.WithLabels(backend).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);

    private async Task WriteChunksAsync(HttpContext http, ChunkCursor chunks, AudioChunk first, AudioFormat format, bool stream,
        float volume, string fileStem, long started, string backend, Stream? copy, bool sse, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.ContentType = sse ? "text/event-stream" : format.ContentType();
        if (!sse) response.Headers.ContentDisposition = $"attachment; filename=\"{fileStem}.{format.FileExtension()}\"";
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);

        if (stream)
        {
            response.Headers.CacheControl = "no-cache";
            using var encoder = encoders.Create(format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: true));
            var current = first;
            while (true)
            {
                encoder.Write(AudioVolume.Applied(current.Samples, volume), buffer);
                var firstWrite = !response.HasStarted;
                await FlushAsync(response, buffer, copy, sse, cancellationToken);
                if (firstWrite && response.HasStarted) FirstBytes(started, backend);
                if (!await chunks.MoveNextAsync()) break;
                current = chunks.Current;
            }
            encoder.Complete(buffer);
            await FlushAsync(response, buffer, copy, sse, cancellationToken);
            if (sse)
            {
                await response.Body.WriteAsync("data: {\"type\":\"speech.audio.done\"}\n\n"u8.ToArray(), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
            return;
        }

        // Whole file: gather, then encode once with the length known (WAV gets exact sizes).
        var all = new List<float[]> { AudioVolume.Applied(first.Samples, volume) };
        while (await chunks.MoveNextAsync()) all.Add(AudioVolume.Applied(chunks.Current.Samples, volume));
        var totalFrames = all.Sum(c => (long)c.Length) / first.Channels;
        using (var encoder = encoders.Create(format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: false, totalFrames)))
        {
            foreach (var chunk in all) encoder.Write(chunk, buffer);
            encoder.Complete(buffer);
        }
        response.ContentLength = buffer.WrittenCount;
        FirstBytes(started, backend);
        await FlushAsync(response, buffer, copy, sse, cancellationToken);
    }

    private static async Task FlushAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, Stream? copy, bool sse, CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount == 0) return;
        if (copy is not null) await copy.WriteAsync(buffer.WrittenMemory, cancellationToken);
        if (sse)
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
                $"data: {{\"type\":\"speech.audio.delta\",\"audio\":\"{Convert.ToBase64String(buffer.WrittenSpan)}\"}}\n\n"), cancellationToken);
        else
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        buffer.ResetWrittenCount();
    }
}
