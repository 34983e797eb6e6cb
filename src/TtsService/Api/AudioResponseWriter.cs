using System.Buffers;
using System.Diagnostics;
using System.Text;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Errors;

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
    /// <param name="copyFormat">Format of the saved copy (Kokoro-FastAPI's <c>download_format</c>); the response's when null.</param>
    public async Task WriteAsync(HttpContext http, IAsyncEnumerable<AudioChunk> audio, AudioFormat format,
        bool stream, float volume, string fileStem = "speech", string backend = "kokoro", bool saveCopy = false, bool sse = false,
        AudioFormat? copyFormat = null)
    {
        var cancellationToken = http.RequestAborted;
        var started = Stopwatch.GetTimestamp();
        var synthesis = TimeSpan.Zero;
        var work = Inference.QueueWaitEstimator.Current;
        work?.SetBackend(backend);
        double audioSeconds = 0;
        await using var source = audio.GetAsyncEnumerator(cancellationToken);
        // Times each synthesis step (not the writes to a slow client) and totals the audio produced.
        async ValueTask<bool> NextAsync()
        {
            var before = Stopwatch.GetTimestamp();
            var more = await source.MoveNextAsync();
            synthesis += Stopwatch.GetElapsedTime(before);
            if (!more) work?.Finish(complete: true); // the rest is sending bytes: it owes no more inference
            if (more) audioSeconds += (double)source.Current.Samples.Length / (source.Current.SampleRate * source.Current.Channels);
            return more;
        }
        var chunks = new ChunkCursor(NextAsync, () => source.Current);
        // Nothing chunked out of the text (only control characters, zero-width or lone combining marks): the input's fault, not ours.
        if (!await chunks.MoveNextAsync())
            throw new InvalidRequestException("input has nothing that can be spoken.", "input", "nothing_to_speak");
        var first = chunks.Current;
        try
        {
            var savedFormat = copyFormat ?? format;
            using var copy = saveCopy ? downloads.Begin(savedFormat) : null;
            if (copy is not null) http.Response.Headers["X-Download-Path"] = $"/v1/download/{copy.Name}";
            // Same format: the copy is the response's bytes. Another format: its own encoder on the same samples.
            var copyTarget = copy is null ? null : new CopyTarget(copy.Stream, savedFormat == format ? null : savedFormat);
            await WriteChunksAsync(http, chunks, first, format, stream || sse, volume, fileStem, started, backend, copyTarget, sse, cancellationToken);
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
        float volume, string fileStem, long started, string backend, CopyTarget? copyTarget, bool sse,
        CancellationToken cancellationToken)
    {
        var copy = copyTarget is { TranscodeTo: null } ? copyTarget.Stream : null;
        var response = http.Response;
        response.ContentType = sse ? "text/event-stream" : format.ContentType();
        if (!sse) response.Headers.ContentDisposition = $"attachment; filename=\"{fileStem}.{format.FileExtension()}\"";
        // Generated audio is never the same twice; as Kokoro-FastAPI, tell caches so on every response.
        response.Headers.CacheControl = "no-cache";
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);

        if (stream)
        {
            // nginx buffers proxied responses by default, which would hold the first sentence back.
            response.Headers["X-Accel-Buffering"] = "no";
            using var encoder = encoders.Create(format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: true));
            using var transcoder = Transcoder(copyTarget, first, streaming: true, totalFrames: null);
            var current = first;
            while (true)
            {
                var samples = AudioVolume.Applied(current.Samples, volume);
                encoder.Write(samples, buffer);
                if (transcoder is not null) await transcoder.WriteAsync(samples, cancellationToken);
                var firstWrite = !response.HasStarted;
                await FlushAsync(response, buffer, copy, sse, cancellationToken);
                if (firstWrite && response.HasStarted) FirstBytes(started, backend);
                if (!await chunks.MoveNextAsync()) break;
                current = chunks.Current;
            }
            encoder.Complete(buffer);
            await FlushAsync(response, buffer, copy, sse, cancellationToken);
            if (transcoder is not null) await transcoder.CompleteAsync(cancellationToken);
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
        using (var transcoder = Transcoder(copyTarget, first, streaming: false, totalFrames))
        {
            if (transcoder is not null)
            {
                foreach (var chunk in all) await transcoder.WriteAsync(chunk, cancellationToken);
                await transcoder.CompleteAsync(cancellationToken);
            }
        }
        response.ContentLength = buffer.WrittenCount;
        FirstBytes(started, backend);
        await FlushAsync(response, buffer, copy, sse, cancellationToken);
    }

    /// <summary>Where the saved copy goes, and the format to re-encode it in when that differs from the response's.</summary>
    private sealed record CopyTarget(Stream Stream, AudioFormat? TranscodeTo);

    private CopyTranscoder? Transcoder(CopyTarget? target, AudioChunk first, bool streaming, long? totalFrames) =>
        target?.TranscodeTo is { } to
            ? new CopyTranscoder(encoders.Create(to, new EncoderOptions(first.SampleRate, first.Channels, streaming, totalFrames)), target.Stream)
            : null;

    /// <summary>Encodes the saved copy in its own format, writing to the copy's file as it goes.</summary>
    private sealed class CopyTranscoder(IAudioEncoder encoder, Stream target) : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

        public Task WriteAsync(float[] samples, CancellationToken cancellationToken)
        {
            encoder.Write(samples, _buffer);
            return FlushAsync(cancellationToken);
        }

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            encoder.Complete(_buffer);
            return FlushAsync(cancellationToken);
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_buffer.WrittenCount == 0) return;
            await target.WriteAsync(_buffer.WrittenMemory, cancellationToken);
            _buffer.ResetWrittenCount();
        }

        public void Dispose() => encoder.Dispose();
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
