using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Audio;
using TtsService.Errors;
using TtsService.Voices;

namespace TtsService.Tests.Voices;

/// <summary>
/// Several replicas on one voice directory, simulated by several <see cref="VoicePromptStore"/>s (each with its
/// own cache, index and in-process lock) on the same folder; a dead writer is a child process holding the lock.
/// </summary>
public sealed class SharedVoiceStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tts-shared-store").FullName;
    private readonly PromptAudioDecoder _decoder = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (VoicePromptStore Store, PromptCache Cache) Replica()
    {
        var cache = new PromptCache(64 << 20);
        return (new VoicePromptStore(_root, cache, NullLogger<VoicePromptStore>.Instance), cache);
    }

    private DecodedAudio Sine(double seconds, double frequency = 220) =>
        _decoder.Decode(TestAudio.SineWav(seconds, 24000, 1, frequency), new AudioDecodeLimits());

    [Fact]
    public async Task Register_overwrite_and_delete_on_one_replica_are_seen_by_the_other_on_its_next_call()
    {
        var (a, _) = Replica();
        var (b, bCache) = Replica();
        Assert.Throws<NotFoundException>(() => b.Get("shared"));

        var first = await a.SaveAsync("shared", "First words.", Sine(1), overwrite: false, default);
        Assert.Equal(first.Version, b.Get("shared").Version);
        Assert.Equal(["shared"], b.List().Select(v => v.Name));

        // B has the prompt decoded and its features derived, as a request through B would leave them.
        bCache.Set(first.CacheKey, new float[10], 100);
        bCache.Set(PromptCache.FeaturesKey(first.CacheKey, "zipvoice"), new float[10], 100);

        var second = await a.SaveAsync("shared", "Second words.", Sine(2), overwrite: true, default);
        var seen = b.Get("shared");
        Assert.Equal(second.Version, seen.Version);
        Assert.Equal("Second words.", seen.Transcription);
        Assert.Equal(48000, b.LoadSamples(seen, _decoder).Length);
        Assert.False(bCache.TryGet<float[]>(first.CacheKey, out _), "the old decoded prompt must be dropped");
        Assert.False(bCache.TryGet<float[]>(PromptCache.FeaturesKey(first.CacheKey, "zipvoice"), out _), "the old features must be dropped");

        // Registering without overwrite through B now conflicts with A's voice.
        await Assert.ThrowsAsync<ConflictException>(() => b.SaveAsync("shared", "Third.", Sine(1), overwrite: false, default));

        await a.DeleteAsync("shared", default);
        Assert.Throws<NotFoundException>(() => b.Get("shared"));
        Assert.Empty(b.List());
        await Assert.ThrowsAsync<NotFoundException>(() => b.DeleteAsync("shared", default));
    }

    [Fact]
    public async Task Same_name_registered_on_two_replicas_at_once_gives_exactly_one_winner()
    {
        var replicas = new[] { Replica().Store, Replica().Store };
        var audio = Sine(0.5);
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try { await replicas[i % 2].SaveAsync("race", $"Attempt {i}.", audio, false, default); return true; }
            catch (ConflictException) { return false; }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        var winner = Assert.Single(Enumerable.Range(0, 16), i => results[i]);
        foreach (var replica in replicas) Assert.Equal($"Attempt {winner}.", replica.Get("race").Transcription);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_root, "race")).Length);
    }

    [Fact]
    public async Task Concurrent_overwrites_on_two_replicas_leave_one_writer_whole()
    {
        var replicas = new[] { Replica().Store, Replica().Store };
        // Each writer's audio has its own length, so a mix of one's transcript and another's audio would show.
        var audio = Enumerable.Range(0, 12).Select(i => Sine(0.25 + 0.05 * i)).ToArray();
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            start.Wait();
            await replicas[i % 2].SaveAsync("last", $"Attempt {i}.", audio[i], overwrite: true, default);
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);
        foreach (var replica in replicas)
        {
            var voice = replica.Get("last");
            var attempt = int.Parse(voice.Transcription["Attempt ".Length..^1]);
            Assert.Equal(audio[attempt].Samples.Length, voice.Samples);
            Assert.Equal(audio[attempt].Samples.Length, replica.LoadSamples(voice, _decoder).Length);
        }
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_root, "last")).Length);
    }

    [SkippableFact]
    public async Task A_writer_killed_mid_register_leaves_nothing_visible_and_the_next_look_cleans_up()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs flock(1) and SIGKILL");
        var (a, _) = Replica();
        var kept = await a.SaveAsync("kept", "Still here.", Sine(0.5), false, default);

        // A writer in another process, mid-register: it holds the store's lock (flock(1) takes the same flock(2)
        // lock the service does) and has written a new voice's audio and an overwrite's audio, no voice.json yet.
        using var writer = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", Path.Combine(_root, ".lock"), "sleep", "60"]))!;
        Assert.True(WaitUntil(() => !TryFlock(Path.Combine(_root, ".lock"))), "the child must hold the lock");
        var half = Directory.CreateDirectory(Path.Combine(_root, "half")).FullName;
        File.WriteAllBytes(Path.Combine(half, "audio-" + Guid.NewGuid().ToString("N") + ".wav"), TestAudio.SineWav(1));
        File.WriteAllBytes(Path.Combine(half, ".tmp-" + Guid.NewGuid().ToString("N")), [1, 2]);
        var strayAudio = Path.Combine(_root, "kept", "audio-" + Guid.NewGuid().ToString("N") + ".wav");
        File.WriteAllBytes(strayAudio, TestAudio.SineWav(2));
        // Its begin-of-write generation bump, as SaveAsync does, so other replicas rescan.
        File.WriteAllText(Path.Combine(_root, ".generation"), Guid.NewGuid().ToString("N"));

        var (b, _) = Replica();
        Assert.Equal(["kept"], b.List().Select(v => v.Name));
        Assert.True(Directory.Exists(half), "a live writer's files must not be touched");
        Assert.True(File.Exists(strayAudio));

        writer.Kill(entireProcessTree: true); // SIGKILL; --close kept the lock in flock itself, not in its sleep child
        writer.WaitForExit();
        // The kernel released the dead writer's lock; the next look (a listing) removes what it left.
        Assert.Equal(["kept"], b.List().Select(v => v.Name));
        Assert.False(Directory.Exists(half));
        Assert.False(File.Exists(strayAudio));
        Assert.Equal(kept.Version, b.Get("kept").Version);
        Assert.Equal(12000, b.LoadSamples(b.Get("kept"), _decoder).Length);
        // The store is writable again from either replica, and the half-written name is free.
        await b.SaveAsync("half", "Now whole.", Sine(0.5), false, default);
        Assert.Equal("Now whole.", a.Get("half").Transcription);
    }

    /// <summary>Whether the lock is free now (flock -n exits 1 when another process holds it).</summary>
    private static bool TryFlock(string path)
    {
        using var probe = Process.Start(new ProcessStartInfo("flock", ["--nonblock", "--exclusive", path, "true"]))!;
        probe.WaitForExit();
        return probe.ExitCode == 0;
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (condition()) return true;
            Thread.Sleep(25);
        }
        return false;
    }
}
