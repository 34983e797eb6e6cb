using Microsoft.Extensions.Logging.Abstractions;
using TtsService.Audio;
using TtsService.Errors;
using TtsService.Voices;

namespace TtsService.Tests.Voices;

public sealed class VoicePromptStoreTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("tts-store-test").FullName;
    private readonly string _root;
    private readonly PromptAudioDecoder _decoder = new();

    public VoicePromptStoreTests() => _root = Path.Combine(_parent, "voices");

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private VoicePromptStore Open() => new(_root, new PromptCache(64 << 20), NullLogger<VoicePromptStore>.Instance);

    /// <summary>The root's entries less the store's own bookkeeping (its lock and generation files).</summary>
    private string[] VoiceEntries() => Directory.GetFileSystemEntries(_root).Select(Path.GetFileName)
        .Where(n => n is not ".lock" and not ".generation").Order(StringComparer.Ordinal).ToArray()!;

    private DecodedAudio Sine(double seconds, double frequency = 220) =>
        _decoder.Decode(TestAudio.SineWav(seconds, 16000, 2, frequency), new AudioDecodeLimits());

    /// <summary>What the commit observer saw when it was called.</summary>
    private sealed class Watcher(string root) : IVoiceCommitObserver
    {
        public readonly List<(string Voice, bool AudioWritten, bool Committed)> Calls = [];

        public Task BeforeCommitAsync(string voice)
        {
            var dir = Path.Combine(root, voice);
            Calls.Add((voice, Directory.GetFiles(dir, "audio-*.wav").Length == 1, File.Exists(Path.Combine(dir, "voice.json"))));
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The crash tests' hook is a DI seam (IVoiceCommitObserver), called between the audio write and the commit; before,
    /// the store itself read TTS_TEST_SLOW_COMMIT_VOICE from the environment and slept a minute.
    /// </summary>
    [Fact]
    public async Task The_commit_observer_is_told_after_the_audio_is_written_and_before_the_commit()
    {
        var watcher = new Watcher(_root);
        var store = new VoicePromptStore(_root, new PromptCache(64 << 20), NullLogger<VoicePromptStore>.Instance, watcher);
        await store.SaveAsync("dora", "Hi.", Sine(1), false, default);
        Assert.Equal([("dora", true, false)], watcher.Calls);
        Assert.True(File.Exists(Path.Combine(_root, "dora", "voice.json")));
    }

    [Fact]
    public async Task Saved_voice_is_listed_and_survives_reopening()
    {
        var store = Open();
        var saved = await store.SaveAsync("alice", "  Hello there.  ", Sine(1.5), overwrite: false, default);
        Assert.Equal("Hello there.", saved.Transcription);
        Assert.Equal(24000, saved.SampleRate);
        Assert.Equal(36000, saved.Samples);
        Assert.Equal("wav", saved.OriginalFormat);
        Assert.Equal(16000, saved.OriginalSampleRate);
        Assert.Equal(2, saved.OriginalChannels);

        var reopened = Open();
        var voice = Assert.Single(reopened.List());
        Assert.Equal(saved with { }, voice);
        var samples = reopened.LoadSamples(voice, _decoder);
        Assert.Equal(36000, samples.Length);
        Assert.InRange(samples.Max(), 0.45f, 0.55f); // the 0.5-amplitude sine came back
    }

    [Fact]
    public async Task Duplicate_is_409_unless_overwrite_and_overwrite_replaces_audio_and_version()
    {
        var store = Open();
        var first = await store.SaveAsync("bob", "One.", Sine(1), false, default);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => store.SaveAsync("bob", "Two.", Sine(2), false, default));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("One.", store.Get("bob").Transcription);

        var second = await store.SaveAsync("bob", "Two.", Sine(2), true, default);
        Assert.NotEqual(first.Version, second.Version);
        Assert.NotEqual(first.CacheKey, second.CacheKey);
        Assert.False(File.Exists(first.AudioPath));
        Assert.Equal(["audio-" + second.Version + ".wav", "voice.json"],
            Directory.GetFiles(Path.Combine(_root, "bob")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("Two.", Open().Get("bob").Transcription);
    }

    [Fact]
    public async Task Delete_removes_the_voice_and_its_directory()
    {
        var store = Open();
        await store.SaveAsync("carol", "Hi.", Sine(1), false, default);
        await store.DeleteAsync("carol", default);
        Assert.Empty(store.List());
        Assert.Empty(VoiceEntries());
        Assert.Equal(404, (await Assert.ThrowsAsync<NotFoundException>(() => store.DeleteAsync("carol", default))).Status);
        Assert.Throws<NotFoundException>(() => store.Get("carol"));
        Assert.Empty(Open().List());
    }

    [Fact]
    public async Task Interrupted_writes_leave_earlier_voices_intact_and_are_cleaned_at_start()
    {
        var store = Open();
        var kept = await store.SaveAsync("kept", "Still here.", Sine(1), false, default);
        var other = await store.SaveAsync("other", "Me too.", Sine(0.5), false, default);

        // What a kill at various points leaves behind:
        File.WriteAllBytes(Path.Combine(_root, ".tmp-" + Guid.NewGuid().ToString("N")), [1, 2, 3]);        // temp in the root
        var half = Directory.CreateDirectory(Path.Combine(_root, "half")).FullName;                          // first registration, no voice.json
        File.WriteAllBytes(Path.Combine(half, "audio-" + Guid.NewGuid().ToString("N") + ".wav"), TestAudio.SineWav(1));
        File.WriteAllBytes(Path.Combine(half, ".tmp-" + Guid.NewGuid().ToString("N")), [0, 0]);
        var keptDir = Path.Combine(_root, "kept");
        File.WriteAllBytes(Path.Combine(keptDir, ".tmp-" + Guid.NewGuid().ToString("N")), [9]);             // overwrite: temp json
        var strayAudio = Path.Combine(keptDir, "audio-" + Guid.NewGuid().ToString("N") + ".wav");           // overwrite: new audio, never committed
        File.WriteAllBytes(strayAudio, TestAudio.SineWav(3));
        var deleting = Directory.CreateDirectory(Path.Combine(_root, ".deleting-" + Guid.NewGuid().ToString("N"))).FullName; // delete after its rename
        File.WriteAllText(Path.Combine(deleting, "voice.json"), "{}");
        var foreign = Path.Combine(_root, "notes.txt");                                                     // not ours: left alone
        File.WriteAllText(foreign, "hands off");

        var reopened = Open();
        Assert.Equal(["kept", "other"], reopened.List().Select(v => v.Name));
        Assert.Equal(kept with { }, reopened.Get("kept"));
        Assert.Equal(other with { }, reopened.Get("other"));
        Assert.Equal(24000, reopened.LoadSamples(reopened.Get("kept"), _decoder).Length);
        Assert.Throws<NotFoundException>(() => reopened.Get("half"));
        Assert.False(Directory.Exists(half));
        Assert.False(Directory.Exists(deleting));
        Assert.False(File.Exists(strayAudio));
        Assert.True(File.Exists(foreign));
        Assert.Equal(["kept", "notes.txt", "other"], VoiceEntries());
        Assert.Equal(2, Directory.GetFiles(keptDir).Length);

        // And the store is writable again: the half name is free.
        await reopened.SaveAsync("half", "Now whole.", Sine(0.5), false, default);
        Assert.Equal("Now whole.", Open().Get("half").Transcription);
    }

    [Fact]
    public async Task A_damaged_voice_json_hides_only_that_voice_and_keeps_its_files()
    {
        var store = Open();
        await store.SaveAsync("good", "Fine.", Sine(0.5), false, default);
        await store.SaveAsync("bad", "Broken.", Sine(0.5), false, default);
        File.WriteAllText(Path.Combine(_root, "bad", "voice.json"), "{ not json");
        var reopened = Open();
        Assert.Equal(["good"], reopened.List().Select(v => v.Name));
        Assert.True(File.Exists(Path.Combine(_root, "bad", "voice.json")));
    }

    [Fact]
    public async Task Thirty_two_concurrent_registrations_of_one_name_give_exactly_one_winner()
    {
        var store = Open();
        var audio = Sine(0.5);
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try { await store.SaveAsync("race", $"Attempt {i}.", audio, false, default); return true; }
            catch (ConflictException) { return false; }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        Assert.Single(results, won => won);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_root, "race")).Length);
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"Attempt {winner}.", Open().Get("race").Transcription);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("CON")]
    [InlineData("")]
    [InlineData("ünïcode")]
    [InlineData("/tmp/abs")]
    public async Task Invalid_names_write_nothing_anywhere(string name)
    {
        var store = Open();
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.SaveAsync(name, "Text.", Sine(0.5), true, default));
        Assert.Throws<InvalidRequestException>(() => store.Get(name));
        await Assert.ThrowsAsync<InvalidRequestException>(() => store.DeleteAsync(name, default));
        Assert.Equal(["voices"], Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
        Assert.Empty(VoiceEntries());
    }

    [Fact]
    public async Task Empty_transcription_is_400()
    {
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => Open().SaveAsync("x", "   ", Sine(0.5), false, default));
        Assert.Equal("transcription", error.Param);
    }
}
