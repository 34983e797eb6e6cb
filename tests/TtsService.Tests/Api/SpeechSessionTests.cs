using Microsoft.Extensions.DependencyInjection;
using TtsService.Api.Streaming;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// The session engine behind both WebSocket routes, on the real backends of the stand-in service, with a sink that
/// plays the transport: how far synthesis runs ahead of a client that does not take the audio, and when an underrun counts.
/// </summary>
public sealed class SpeechSessionTests(KokoroService service) : IClassFixture<KokoroService>
{
    private SpeechSession Session(ISpeechSessionSink sink, TimeProvider? time = null, Action<TtsSettings>? tune = null)
    {
        var services = service.Factory.Services;
        var settings = services.GetRequiredService<TtsSettings>();
        var copy = new TtsSettings
        {
            StreamMaxBufferedAudioSeconds = settings.StreamMaxBufferedAudioSeconds,
            StreamMaxTextChars = settings.StreamMaxTextChars,
            StreamMaxWaitMs = 0,
        };
        tune?.Invoke(copy);
        return new SpeechSession(new SpeechRequest { Voice = "af_standin_low", Stream = true }, new SessionAudio(AudioFormat.Pcm),
            services.GetRequiredService<BackendManager>(), services.GetRequiredService<AudioEncoderFactory>(), sink, copy, time);
    }

    private static string Sentences(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"Sentence number {i} is spoken on its own line."));

    [Fact]
    public async Task Synthesis_waits_once_about_ten_seconds_of_audio_is_untaken_and_resumes_when_it_is_taken()
    {
        var sink = new RecordingSink { Hold = new TaskCompletionSource() };
        var session = Session(sink);
        Assert.Equal(10, new TtsSettings().StreamMaxBufferedAudioSeconds);
        session.Append(Sentences(100));   // about two minutes of audio
        session.EndInput();
        var run = session.RunAsync(CancellationToken.None);

        // The transport takes nothing: synthesis comes to rest just past the limit.
        double previous;
        do
        {
            previous = session.SynthesizedSeconds;
            await Task.Delay(300);
        } while (session.SynthesizedSeconds != previous || session.BackpressurePauses == 0);
        var ahead = session.SynthesizedSeconds;
        Assert.InRange(ahead, 10, 10 + 2 * sink.LongestChunkBound);
        // Only the chunk being handed over has left; the rest waits.
        Assert.InRange(session.SentSeconds, 0, sink.LongestChunkBound);

        sink.Hold.SetResult();
        await run.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(session.SentSeconds > 100, $"{session.SentSeconds} s sent");
        Assert.Equal(session.SynthesizedSeconds, session.SentSeconds, 6);
        Assert.True(sink.Done);
    }

    [Fact]
    public async Task An_underrun_counts_only_when_the_text_was_there_before_the_audio_ran_out()
    {
        var clock = new ManualClock();
        var sink = new RecordingSink();
        var session = Session(sink, clock);
        var run = session.RunAsync(CancellationToken.None);

        session.Append("The first sentence is here. ");
        await AllSentAsync(session, sink, 1);
        // The listener plays it out and waits with nothing to say: text that comes late is not an underrun.
        clock.Advance(TimeSpan.FromSeconds(session.SentSeconds + 5));
        session.Append("A second one comes late. ");
        await AllSentAsync(session, sink, sink.Chunks.Count + 1);
        Assert.Equal(0, session.Underruns);

        // Now the next text is there while audio is still playing, but its chunk is sent after the audio ran out.
        sink.Hold = new TaskCompletionSource();
        session.Append("Third. ");
        await sink.WaitUntilHeldAsync();
        session.Append("Fourth is ready in time. ");
        clock.Advance(TimeSpan.FromSeconds(30));
        sink.Hold.SetResult();
        session.EndInput();
        await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, session.Underruns);
    }

    private static async Task AllSentAsync(SpeechSession session, RecordingSink sink, int atLeast)
    {
        await sink.WaitForChunksAsync(atLeast);
        for (var i = 0; i < 600 && !session.IsIdle; i++) await Task.Delay(20);
        Assert.True(session.IsIdle);
    }

    /// <summary>A time source the test moves by hand (timestamps only; timers stay real).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>Records what the session sends; while <see cref="Hold"/> is set, the next chunk is not taken until it completes.</summary>
    private sealed class RecordingSink : ISpeechSessionSink
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource? Hold { get; set; }
        public List<SessionChunk> Chunks { get; } = [];
        public bool Done { get; private set; }

        /// <summary>An upper bound of one chunk's seconds (a Kokoro call is at most 510 phonemes of the stand-in's 25 ms).</summary>
        public double LongestChunkBound => 512 * 0.025;

        public async Task ChunkAsync(SessionChunk chunk, CancellationToken cancellationToken)
        {
            if (Hold is { } hold)
            {
                _held.TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }
            lock (Chunks) Chunks.Add(chunk with { Audio = chunk.Audio.ToArray() });
        }

        public Task WaitUntilHeldAsync() => _held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public async Task WaitForChunksAsync(int count)
        {
            for (var i = 0; i < 600; i++)
            {
                lock (Chunks) if (Chunks.Count >= count) return;
                await Task.Delay(50);
            }
            throw new TimeoutException($"{Chunks.Count} chunks, waited for {count}");
        }

        public Task FlushedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CancelledAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DoneAsync(ReadOnlyMemory<byte> trailer, SessionSummary summary, CancellationToken cancellationToken)
        {
            Done = true;
            return Task.CompletedTask;
        }
    }
}
