using System.Buffers;
using System.Diagnostics;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Errors;

namespace TtsService.Api;

/// <summary>
/// The one path from synthesized audio to the client, for every speech route: encodes each chunk in the
/// requested format and hands the bytes to the request's <see cref="AudioFraming"/> (raw, SSE or captioned JSON).
/// Streaming responses send each chunk as soon as it exists. Nothing is written before the first chunk is
/// ready, so a failure before any audio still gets a proper JSON error. Records the synthesis metrics, and each
/// piece's encoding and sending as <c>tts.encode</c> and <c>tts.write</c> spans.
/// </summary>
public sealed class AudioResponseWriter(AudioEncoderFactory encoders, DownloadStore downloads, ServiceMetrics metrics)
{
    public async Task WriteAsync(HttpContext http, SpokenAudio speech, AudioOutput output)
    {
        var cancellationToken = http.RequestAborted;
        var started = Stopwatch.GetTimestamp();
        var synthesis = TimeSpan.Zero;
        var work = speech.Work;
        work.SetBackend(speech.Backend);
        double audioSeconds = 0;
        await using var source = speech.Audio.GetAsyncEnumerator(cancellationToken);
        // Times each synthesis step (not the writes to a slow client) and totals the audio produced.
        async ValueTask<AudioChunk?> NextAsync()
        {
            var before = Stopwatch.GetTimestamp();
            var more = await source.MoveNextAsync();
            synthesis += Stopwatch.GetElapsedTime(before);
            if (!more)
            {
                work.Finish(complete: true); // the rest is sending bytes: it owes no more inference
                return null;
            }
            audioSeconds += (double)source.Current.Samples.Length / (source.Current.SampleRate * source.Current.Channels);
            return source.Current;
        }
        // Nothing chunked out of the text (only control characters, zero-width or lone combining marks): the input's fault, not ours.
        var first = await NextAsync()
            ?? throw new InvalidRequestException("input has nothing that can be spoken.", "input", "nothing_to_speak");
        try
        {
            var savedFormat = output.CopyFormat ?? output.Format;
            using var copy = output.SaveCopy ? downloads.Begin(savedFormat) : null;
            if (copy is not null) http.Response.Headers["X-Download-Path"] = $"/v1/download/{copy.Name}";
            // Same format: the copy is the response's bytes. Another format: its own encoder on the same samples.
            var copyTarget = copy is null ? null : new CopyTarget(copy.Stream, savedFormat == output.Format ? null : savedFormat);
            await WriteChunksAsync(http.Response, NextAsync, first, output, () => FirstBytes(started, speech.Backend), copyTarget,
                copy is null ? null : () => copy.CommitAsync(cancellationToken), cancellationToken);
        }
        finally
        {
            var backend = ServiceMetrics.Backend(speech.Backend);
            metrics.SynthesisSeconds.Record(synthesis.TotalSeconds, backend);
            metrics.AudioSeconds.Add(audioSeconds, backend);
            if (audioSeconds > 0) metrics.RealTimeFactor.Record(synthesis.TotalSeconds / audioSeconds, backend);
        }
    }

    private void FirstBytes(long started, string backend) =>
        metrics.TimeToFirstAudio.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, ServiceMetrics.Backend(backend));

    /// <summary>Encodes one piece (or the whole file, or the encoder's tail) inside a <c>tts.encode</c> span.</summary>
    private static void Encode(Action encode)
    {
        using var span = SpeechTracing.Source.StartActivity(SpeechTracing.Encode);
        encode();
    }

    /// <param name="commitCopy">Publishes the saved copy: called once it is whole and before the response can end, so a
    /// client that has the whole response can fetch the link at once (from any replica).</param>
    private async Task WriteChunksAsync(HttpResponse response, Func<ValueTask<AudioChunk?>> next, AudioChunk first, AudioOutput output,
        Action firstBytes, CopyTarget? copyTarget, Func<Task>? commitCopy, CancellationToken cancellationToken)
    {
        var copy = copyTarget is { TranscodeTo: null } ? copyTarget.Stream : null;
        var framing = ResponseFraming.For(output);
        framing.Start(response, output);
        // Generated audio is never the same twice; as Kokoro-FastAPI, tell caches so on every response.
        response.Headers.CacheControl = "no-cache";
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);

        // Sends what the encoder produced (also to the saved copy), framed; the first write is the time to first audio.
        async Task SendAsync(AudioChunk? chunk)
        {
            if (copy is not null && buffer.WrittenCount > 0) await copy.WriteAsync(buffer.WrittenMemory, cancellationToken);
            var firstWrite = !response.HasStarted;
            using (SpeechTracing.Source.StartActivity(SpeechTracing.Write))
                await framing.WriteAsync(response, buffer.WrittenMemory, chunk, cancellationToken);
            if (firstWrite && response.HasStarted) firstBytes();
            buffer.ResetWrittenCount();
        }

        if (output.Stream)
        {
            // nginx buffers proxied responses by default, which would hold the first sentence back.
            response.Headers["X-Accel-Buffering"] = "no";
            using var encoder = encoders.Create(output.Format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: true));
            using var transcoder = Transcoder(copyTarget, first, streaming: true, totalFrames: null);
            for (var chunk = first; chunk is not null; chunk = await next())
            {
                var samples = AudioVolume.Applied(chunk.Samples, output.Volume);
                Encode(() => encoder.Write(samples, buffer));
                if (transcoder is not null) await transcoder.WriteAsync(samples, cancellationToken);
                await SendAsync(chunk);
            }
            Encode(() => encoder.Complete(buffer));
            await SendAsync(null);
            if (transcoder is not null) await transcoder.CompleteAsync(cancellationToken);
            if (commitCopy is not null) await commitCopy();
            await framing.EndAsync(response, cancellationToken);
            return;
        }

        // Whole file: gather, then encode once with the length known (WAV gets exact sizes).
        var chunks = new List<AudioChunk> { first };
        while (await next() is { } more) chunks.Add(more);
        var all = chunks.Select(c => AudioVolume.Applied(c.Samples, output.Volume)).ToList();
        var totalFrames = all.Sum(c => (long)c.Length) / first.Channels;
        using (var encoder = encoders.Create(output.Format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: false, totalFrames)))
            Encode(() =>
            {
                foreach (var samples in all) encoder.Write(samples, buffer);
                encoder.Complete(buffer);
            });
        using (var transcoder = Transcoder(copyTarget, first, streaming: false, totalFrames))
        {
            if (transcoder is not null)
            {
                foreach (var samples in all) await transcoder.WriteAsync(samples, cancellationToken);
                await transcoder.CompleteAsync(cancellationToken);
            }
        }
        if (copy is not null) await copy.WriteAsync(buffer.WrittenMemory, cancellationToken);
        if (commitCopy is not null) await commitCopy();
        firstBytes();
        using (SpeechTracing.Source.StartActivity(SpeechTracing.Write))
            await framing.WriteWholeAsync(response, buffer.WrittenMemory, chunks, cancellationToken);
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
}
