using System.Buffers;
using TtsService.Audio;
using TtsService.Audio.Dsp;
using TtsService.Inference;

namespace TtsService.Api;

/// <summary>
/// Sends synthesized audio to the client in the requested format. Streaming responses are chunked:
/// each backend chunk is encoded and flushed as soon as it exists. Nothing is written before the
/// first chunk is ready, so a failure before any audio still gets a proper JSON error.
/// </summary>
public sealed class AudioResponseWriter(AudioEncoderFactory encoders)
{
    public async Task WriteAsync(HttpContext http, IAsyncEnumerable<AudioChunk> audio, AudioFormat format,
        bool stream, float volume, string fileStem = "speech")
    {
        var cancellationToken = http.RequestAborted;
        await using var chunks = audio.GetAsyncEnumerator(cancellationToken);
        if (!await chunks.MoveNextAsync())
            throw new InvalidOperationException("The backend produced no audio.");
        var first = chunks.Current;
        var response = http.Response;
        response.ContentType = format.ContentType();
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileStem}.{format.FileExtension()}\"";
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);

        if (stream)
        {
            response.Headers.CacheControl = "no-cache";
            using var encoder = encoders.Create(format, new EncoderOptions(first.SampleRate, first.Channels, Streaming: true));
            var current = first;
            while (true)
            {
                encoder.Write(AudioVolume.Applied(current.Samples, volume), buffer);
                await FlushAsync(response, buffer, cancellationToken);
                if (!await chunks.MoveNextAsync()) break;
                current = chunks.Current;
            }
            encoder.Complete(buffer);
            await FlushAsync(response, buffer, cancellationToken);
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
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    private static async Task FlushAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount == 0) return;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        buffer.ResetWrittenCount();
    }
}
