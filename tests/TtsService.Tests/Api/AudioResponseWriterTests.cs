using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Api;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The one audio path: plain and captioned speech go through the same writer, so both record the synthesis
/// metrics and both handle every channel count. Driven directly with known chunks, so the numbers are exact.
/// </summary>
public sealed class AudioResponseWriterTests : IDisposable
{
    private readonly string _downloads = Directory.CreateTempSubdirectory("tts-writer").FullName;

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory MeterFactory => _meters.GetRequiredService<IMeterFactory>();

    private AudioResponseWriter Writer() => new(new AudioEncoderFactory(),
        new DownloadStore(new TtsSettings { DownloadDir = _downloads }, new HostingEnvironment { ContentRootPath = _downloads }, NullLogger<DownloadStore>.Instance),
        new ServiceMetrics(MeterFactory));

    /// <summary>Two stereo chunks of 0.5 s and 0.25 s at 24 kHz, each with its words.</summary>
    private static async IAsyncEnumerable<AudioChunk> StereoChunks([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        yield return new AudioChunk(new float[24000], 24000, Channels: 2) { Text = "Hello there" };
        yield return new AudioChunk(new float[12000], 24000, Channels: 2) { Text = "again" };
    }

    private static DefaultHttpContext Context() => new() { Response = { Body = new MemoryStream() } };

    private static string Body(HttpContext http) => System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());

    [Fact]
    public async Task Captioned_speech_records_metrics_and_times_words_by_frames_not_samples()
    {
        const string backend = "writer-test";
        using var recorded = new RecordedMeasurements(MeterFactory);
        var http = Context();
        await Writer().WriteAsync(http, new SpokenAudio(backend, StereoChunks()),
            new AudioOutput(AudioFormat.Wav, Stream: false, Framing: AudioFraming.Captioned));

        // 0.5 s + 0.25 s of audio, whatever the channel count.
        Assert.Equal(0.75, recorded.Sum("audio_seconds_total", backend), 6);
        Assert.Equal(1, recorded.Count("synthesis_seconds", backend));
        Assert.Equal(1, recorded.Count("time_to_first_audio_seconds", backend));

        using var json = JsonDocument.Parse(Body(http));
        var words = json.RootElement.GetProperty("timestamps").EnumerateArray().ToList();
        Assert.Equal(["Hello", "there", "again"], words.Select(w => w.GetProperty("word").GetString()));
        // The second chunk starts after the first's 12000 frames (0.5 s; counting its 24000 samples would say 1 s).
        // No durations: the estimate gives "again" its 5 letters of 6 weights (the sixth is the gap after it).
        Assert.Equal(0.5, words[2].GetProperty("start_time").GetDouble(), 6);
        Assert.Equal(0.5 + 0.25 * 5 / 6, words[2].GetProperty("end_time").GetDouble(), 6);
        Assert.Equal("estimate", json.RootElement.GetProperty("timestamp_source").GetString());
        // The audio is one stereo WAV of 18000 frames.
        var wav = Convert.FromBase64String(json.RootElement.GetProperty("audio").GetString()!);
        Assert.Equal(2, BitConverter.ToInt16(wav, 22));
        Assert.Equal(18000 * 2 * 2, BitConverter.ToInt32(wav, 40));
    }

    [Fact]
    public async Task Streamed_captions_are_one_json_line_per_chunk_with_that_chunks_audio()
    {
        var http = Context();
        await Writer().WriteAsync(http, new SpokenAudio("writer-test", StereoChunks()),
            new AudioOutput(AudioFormat.Pcm, Stream: true, Framing: AudioFraming.Captioned));
        Assert.Equal("application/x-ndjson", http.Response.ContentType);
        var lines = Body(http).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count); // PCM has no closing bytes, so no trailing line
        Assert.Equal([24000 * 2, 12000 * 2], lines.Select(l => Convert.FromBase64String(l.GetProperty("audio").GetString()!).Length));
        Assert.Equal(["Hello", "there"], lines[0].GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString()));
        Assert.Equal(0.5, lines[1].GetProperty("timestamps")[0].GetProperty("start_time").GetDouble(), 6);
    }

    [Fact]
    public async Task Plain_and_sse_speech_use_the_same_encoder_output()
    {
        var raw = Context();
        await Writer().WriteAsync(raw, new SpokenAudio("writer-test", StereoChunks()), new AudioOutput(AudioFormat.Pcm, Stream: true));
        var sse = Context();
        await Writer().WriteAsync(sse, new SpokenAudio("writer-test", StereoChunks()), new AudioOutput(AudioFormat.Pcm, Stream: true, Framing: AudioFraming.ServerSentEvents));
        var deltas = Body(sse).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.Equal("speech.audio.done", deltas[^1].GetProperty("type").GetString());
        var audio = deltas.SkipLast(1).SelectMany(d => Convert.FromBase64String(d.GetProperty("audio").GetString()!)).ToArray();
        Assert.Equal(((MemoryStream)raw.Response.Body).ToArray(), audio);
    }

    public void Dispose()
    {
        _meters.Dispose();
        try { Directory.Delete(_downloads, recursive: true); } catch (IOException) { }
    }

    /// <summary>A response body that notes, at each write, whether the download copy is already published.</summary>
    private sealed class CopyWatchingBody(string downloads) : MemoryStream
    {
        public List<bool> PublishedAtWrite { get; } = [];

        private bool Published() => Directory.GetFiles(downloads).Any(f => !f.EndsWith(PendingDownload.PartialSuffix, StringComparison.Ordinal));

        public override void Write(byte[] buffer, int offset, int count)
        {
            PublishedAtWrite.Add(Published());
            base.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            PublishedAtWrite.Add(Published());
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            PublishedAtWrite.Add(Published());
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    [Fact]
    public async Task A_whole_file_publishes_its_download_copy_before_the_client_can_have_the_last_byte()
    {
        // A client that has the whole response may fetch X-Download-Path at once, from this replica or another.
        var body = new CopyWatchingBody(_downloads);
        var http = new DefaultHttpContext { Response = { Body = body } };
        await Writer().WriteAsync(http, new SpokenAudio("writer-test", StereoChunks()),
            new AudioOutput(AudioFormat.Wav, Stream: false, SaveCopy: true));
        Assert.NotEmpty(body.PublishedAtWrite);
        Assert.True(body.PublishedAtWrite[^1], "the last bytes went out before the copy was published");
        Assert.StartsWith("/v1/download/", http.Response.Headers["X-Download-Path"].ToString());
    }
}
