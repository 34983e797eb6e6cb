using System.Buffers;
using System.Text.Json;
using TtsService.Audio;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>
/// Registered ZipVoice prompts on disk, one directory per voice under <c>zipvoice_cache_dir</c>:
/// <c>{name}/audio-{version}.wav</c> (24 kHz mono 16-bit) and <c>{name}/voice.json</c>. The directory may be
/// shared by many replicas (a ReadWriteMany volume, an NFS export); the disk is the only truth.
/// <para>
/// A voice exists exactly when its <c>voice.json</c> does. Every file is written to a temp file in the
/// same directory, flushed, then renamed into place, and <c>voice.json</c> is renamed last, so a crash
/// leaves either the old voice or the new one, never a mix. Deletion renames the directory away first.
/// </para>
/// <para>
/// Writers (any replica) hold <see cref="StoreLock"/> for the whole write and bump <c>.generation</c> (a new
/// random value, written atomically) when they start and when they finish. Readers keep an in-memory index
/// and re-read only that one small file per request; a changed value means "rescan" (so a voice written
/// through another replica is seen on the next request, and its cached prompt and features are dropped).
/// A scan that finds what a dead writer left (temp files, a directory without <c>voice.json</c>, audio no
/// <c>voice.json</c> points to, half-deleted directories) removes it once it can take the lock, which a
/// live writer would hold.
/// </para>
/// </summary>
public sealed class VoicePromptStore
{
    private const string MetadataFile = "voice.json";
    private const string DeletingPrefix = ".deleting-";
    private const string GenerationFile = ".generation";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>What one scan saw: the generation it was taken at, the voices, and whether a dead writer left anything.</summary>
    private sealed record Snapshot(string Generation, IReadOnlyDictionary<string, StoredVoice> Voices, bool HasLeftovers);

    private readonly StoreLock _lock;
    private readonly Lock _scanLock = new();
    private readonly PromptCache _cache;
    private readonly ILogger<VoicePromptStore> _logger;
    private readonly string? _unavailableReason;
    private readonly IVoiceCommitObserver? _commitObserver;
    private volatile Snapshot _snapshot = new("", new Dictionary<string, StoredVoice>(), false);

    /// <param name="commitObserver">Told between a register's audio write and its commit (a seam for crash tests; none in production).</param>
    public VoicePromptStore(string root, PromptCache cache, ILogger<VoicePromptStore> logger, IVoiceCommitObserver? commitObserver = null)
    {
        _commitObserver = commitObserver;
        Root = Path.GetFullPath(root);
        _cache = cache;
        _logger = logger;
        _lock = new StoreLock(Root);
        try
        {
            Directory.CreateDirectory(Root);
            // Another replica may be mid-write: clean up only if nobody holds the lock; otherwise the next look does.
            using (var held = _lock.TryAcquire())
            {
                if (held is not null) CleanUpLocked();
            }
            _snapshot = Scan(ReadGeneration());
            _logger.LogInformation("ZipVoice voice store at {Root}: {Count} voices", Root, _snapshot.Voices.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _unavailableReason = $"the voice directory {Root} cannot be used: {e.Message}";
            _logger.LogError(e, "ZipVoice voice store at {Root} is unavailable", Root);
        }
    }

    public string Root { get; }

    public int Count => Current().Voices.Count;

    public IReadOnlyList<StoredVoice> List() =>
        Current().Voices.Values.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();

    /// <summary>The voice called <paramref name="name"/>; 400 for an invalid name, 404 when not registered.</summary>
    public StoredVoice Get(string? name, string param = "name")
    {
        var valid = VoiceName.Validate(name, param);
        return Current().Voices.TryGetValue(valid, out var voice)
            ? voice
            : throw new NotFoundException($"Voice '{valid}' is not registered. List voices with GET /v1/zipvoice/voices.", param, "voice_not_found");
    }

    /// <summary>Stores <paramref name="audio"/> (already decoded and checked) as <paramref name="name"/>; 409 when it exists and <paramref name="overwrite"/> is false.</summary>
    public async Task<StoredVoice> SaveAsync(string name, string transcription, DecodedAudio audio, bool overwrite, CancellationToken cancellationToken)
    {
        name = VoiceName.Validate(name);
        if (string.IsNullOrWhiteSpace(transcription))
            throw new InvalidRequestException("transcription is required: the exact words spoken in the audio.", "transcription", "empty_transcription");
        EnsureAvailable();
        using var held = await _lock.AcquireAsync(cancellationToken);
        CleanUpLocked();
        var directory = Path.Combine(Root, name);
        // The disk, not the index, says whether the name is taken: another replica may have written it a moment ago.
        var previous = ReadVoice(new DirectoryInfo(directory));
        if (previous is not null && !overwrite)
            throw new ConflictException($"Voice '{name}' already exists; send overwrite=true to replace it.", "name", "voice_exists");

        // Other replicas rescan now, so a write that dies from here on is seen and cleaned by the next one to look.
        BumpGeneration();
        var created = !Directory.Exists(directory);
        if (created)
        {
            Directory.CreateDirectory(directory);
            DurableFiles.FlushDirectory(Root);
        }
        var version = Guid.NewGuid().ToString("N");
        var voice = new StoredVoice
        {
            Name = name,
            Transcription = transcription.Trim(),
            Version = version,
            AudioFile = $"audio-{version}.wav",
            SampleRate = audio.SampleRate,
            Samples = audio.Samples.Length,
            Duration = Math.Round(audio.DurationSeconds, 3),
            OriginalFormat = audio.SourceFormat,
            OriginalSampleRate = audio.SourceSampleRate,
            OriginalChannels = audio.SourceChannels,
            CreatedAt = DateTimeOffset.UtcNow,
            Channels = audio.Stereo is null ? 1 : 2,
            AudioPath = Path.Combine(directory, $"audio-{version}.wav"),
        };
        try
        {
            DurableFiles.WriteAtomic(voice.AudioPath, EncodeWav(audio.Stereo ?? audio.Samples, audio.SampleRate, voice.Channels));
            if (_commitObserver is not null) await _commitObserver.BeforeCommitAsync(name);
            // The commit point: until this rename the previous voice.json (or none) is what exists.
            DurableFiles.WriteAtomic(Path.Combine(directory, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(voice, Json));
        }
        catch
        {
            DurableFiles.TryDelete(voice.AudioPath);
            if (created) TryDeleteDirectory(directory);
            BumpGeneration();
            throw;
        }
        if (previous is not null) DurableFiles.TryDelete(previous.AudioPath);
        BumpGeneration();
        _logger.LogInformation("Registered ZipVoice voice {Voice} ({Duration:F2} s, from {Format}){Replaced}",
            name, voice.Duration, voice.OriginalFormat, previous is null ? "" : ", replacing the previous one");
        return voice;
    }

    /// <summary>Removes the voice; 404 when it does not exist.</summary>
    public async Task DeleteAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = VoiceName.Validate(name);
        EnsureAvailable();
        using var held = await _lock.AcquireAsync(cancellationToken);
        CleanUpLocked();
        var directory = Path.Combine(Root, valid);
        if (ReadVoice(new DirectoryInfo(directory)) is null)
            throw new NotFoundException($"Voice '{valid}' is not registered.", "name", "voice_not_found");
        var doomed = Path.Combine(Root, DeletingPrefix + Guid.NewGuid().ToString("N"));
        // One rename makes the voice disappear; removing the files after may be interrupted safely.
        Directory.Move(directory, doomed);
        DurableFiles.FlushDirectory(Root);
        BumpGeneration();
        TryDeleteDirectory(doomed);
        _logger.LogInformation("Deleted ZipVoice voice {Voice}", valid);
    }

    /// <summary>Reads the stored audio (24 kHz mono).</summary>
    public float[] LoadSamples(StoredVoice voice, PromptAudioDecoder decoder) => LoadAudio(voice, decoder).Samples;

    /// <summary>Reads the stored audio: mono, plus both channels apart when the voice was a two-channel recording.</summary>
    public DecodedAudio LoadAudio(StoredVoice voice, PromptAudioDecoder decoder)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(voice.AudioPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnprocessableException($"The audio of voice '{voice.Name}' cannot be read: {e.Message}. Register it again.", "voice", "voice_unreadable");
        }
        return decoder.Decode(bytes, new AudioDecodeLimits(Math.Max(bytes.Length, 1), Math.Max(voice.Duration + 1, 1)));
    }

    /// <summary>
    /// The index, re-validated against the disk: one read of <c>.generation</c> per call, a rescan when it changed.
    /// </summary>
    private Snapshot Current()
    {
        EnsureAvailable();
        var generation = ReadGeneration();
        var snapshot = _snapshot;
        if (snapshot.Generation != generation)
        {
            lock (_scanLock)
            {
                snapshot = _snapshot;
                if (snapshot.Generation != generation)
                {
                    snapshot = Scan(generation);
                    DropChangedFromCache(_snapshot, snapshot);
                    _snapshot = snapshot;
                }
            }
        }
        if (snapshot.HasLeftovers) TryCleanUp();
        return snapshot;
    }

    /// <summary>Removes a dead writer's leftovers if no writer is alive (nobody holds the lock); else leaves them for the next look.</summary>
    private void TryCleanUp()
    {
        using var held = _lock.TryAcquire();
        if (held is null) return;
        CleanUpLocked();
        lock (_scanLock)
        {
            // Nothing committed changed (cleaning only removes what no voice.json points to): same voices, no leftovers.
            var snapshot = _snapshot;
            _snapshot = snapshot with { HasLeftovers = false };
        }
    }

    private Snapshot Scan(string generation)
    {
        var previous = _snapshot.Voices;
        var voices = new Dictionary<string, StoredVoice>(StringComparer.Ordinal);
        var leftovers = false;
        foreach (var entry in new DirectoryInfo(Root).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.'))
            {
                leftovers |= IsLeftover(entry.Name);
                continue;
            }
            if (entry is not DirectoryInfo directory || !VoiceName.IsValid(entry.Name)) continue; // not ours
            var voice = ReadVoice(directory, logProblems: !previous.ContainsKey(entry.Name));
            if (voice is null)
            {
                leftovers |= !File.Exists(Path.Combine(directory.FullName, MetadataFile));
                continue;
            }
            // Keep the same object for an unchanged voice, so its identity (and the caches keyed by it) stay put.
            voices[voice.Name] = previous.TryGetValue(voice.Name, out var known) && known.Version == voice.Version ? known : voice;
            leftovers |= directory.EnumerateFiles().Any(f => f.Name.StartsWith(DurableFiles.TempPrefix, StringComparison.Ordinal)
                                                             || (f.Name.StartsWith("audio-", StringComparison.Ordinal) && f.Name != voice.AudioFile));
        }
        return new Snapshot(generation, voices, leftovers);
    }

    private void DropChangedFromCache(Snapshot before, Snapshot after)
    {
        foreach (var (name, voice) in before.Voices)
        {
            if (after.Voices.TryGetValue(name, out var now) && now.Version == voice.Version) continue;
            // The decoded prompt ("voice:name:version") and everything derived from it ("...#features:variant").
            var prefix = $"voice:{name}:{voice.Version}";
            var (entries, _) = _cache.RemoveWhere(key => key.StartsWith(prefix, StringComparison.Ordinal));
            if (entries > 0) _logger.LogDebug("Voice {Voice} changed on disk; dropped {Entries} cached prompt entries", name, entries);
        }
    }

    /// <summary>Removes what interrupted writes left. Only with the lock held: then no live writer is mid-write.</summary>
    private void CleanUpLocked()
    {
        var removed = 0;
        foreach (var entry in new DirectoryInfo(Root).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.'))
            {
                if (!IsLeftover(entry.Name)) continue;
                if (entry is DirectoryInfo) TryDeleteDirectory(entry.FullName); else DurableFiles.TryDelete(entry.FullName);
                removed++;
                continue;
            }
            if (entry is not DirectoryInfo directory || !VoiceName.IsValid(entry.Name)) continue; // not ours: leave it alone
            foreach (var temp in directory.EnumerateFiles(DurableFiles.TempPrefix + "*"))
            {
                DurableFiles.TryDelete(temp.FullName);
                removed++;
            }
            if (!File.Exists(Path.Combine(directory.FullName, MetadataFile)))
            {
                // A first registration that never reached its commit point.
                _logger.LogWarning("Removing half-written voice directory {Voice}", directory.Name);
                TryDeleteDirectory(directory.FullName);
                removed++;
                continue;
            }
            if (ReadVoice(directory, logProblems: false) is not { } voice) continue; // damaged: keep the files for a human
            // Audio of an overwrite that died before or after its commit point.
            foreach (var audio in directory.EnumerateFiles("audio-*.wav"))
            {
                if (audio.Name == voice.AudioFile) continue;
                DurableFiles.TryDelete(audio.FullName);
                removed++;
            }
        }
        if (removed > 0) _logger.LogWarning("Voice store: removed {Count} entries left by interrupted writes", removed);
    }

    private static bool IsLeftover(string name) =>
        name.StartsWith(DurableFiles.TempPrefix, StringComparison.Ordinal) || name.StartsWith(DeletingPrefix, StringComparison.Ordinal);

    /// <summary>The committed voice in <paramref name="directory"/>, or null when there is none (or it is damaged).</summary>
    private StoredVoice? ReadVoice(DirectoryInfo directory, bool logProblems = true)
    {
        var metadataPath = Path.Combine(directory.FullName, MetadataFile);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(metadataPath); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        StoredVoice? voice;
        try { voice = JsonSerializer.Deserialize<StoredVoice>(bytes, Json); }
        catch (JsonException e)
        {
            // voice.json only ever appears by rename, so this is damage from outside: keep the files for a human.
            if (logProblems) _logger.LogError(e, "Voice {Voice}: {File} is unreadable; the voice is skipped", directory.Name, MetadataFile);
            return null;
        }
        if (voice is null || voice.Name != directory.Name || !IsOwnAudioFile(voice.AudioFile))
        {
            if (logProblems) _logger.LogError("Voice {Voice}: {File} does not describe this directory; the voice is skipped", directory.Name, MetadataFile);
            return null;
        }
        voice = voice with { AudioPath = Path.Combine(directory.FullName, voice.AudioFile) };
        if (!File.Exists(voice.AudioPath))
        {
            if (logProblems) _logger.LogError("Voice {Voice}: its audio {File} is missing; the voice is skipped", directory.Name, voice.AudioFile);
            return null;
        }
        return voice;
    }

    /// <summary>
    /// The store's generation. Reading the file's content (not its mtime) is what NFS's close-to-open consistency
    /// makes fresh on every open, and it costs one small read.
    /// </summary>
    private string ReadGeneration()
    {
        try { return File.ReadAllText(Path.Combine(Root, GenerationFile)).Trim(); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return ""; }
    }

    /// <summary>Only with the lock held.</summary>
    private void BumpGeneration() =>
        DurableFiles.WriteAtomic(Path.Combine(Root, GenerationFile), System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N")));

    private static bool IsOwnAudioFile(string? file) =>
        file is { Length: 6 + 32 + 4 } && file.StartsWith("audio-", StringComparison.Ordinal) && file.EndsWith(".wav", StringComparison.Ordinal)
        && file.AsSpan(6, 32).IndexOfAnyExcept("0123456789abcdef") < 0;

    private void EnsureAvailable()
    {
        if (_unavailableReason is not null)
            throw new BackendUnavailableException($"The ZipVoice voice store is unavailable: {_unavailableReason}", "voice", "voice_store_unavailable");
    }

    private void TryDeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not remove {Path}; the next writer or start removes it", path);
        }
    }

    private static byte[] EncodeWav(float[] samples, int sampleRate, int channels)
    {
        var buffer = new ArrayBufferWriter<byte>(44 + samples.Length * 2);
        WavEncoder.WriteHeader(buffer, sampleRate, channels, (uint)(samples.Length * 2));
        Pcm16.Write(samples, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Told when a voice's audio is on disk and its metadata is about to be committed. The multi-process tests register
/// one through DI that stalls there, so they can kill a replica mid-register; the service registers none.
/// </summary>
public interface IVoiceCommitObserver
{
    Task BeforeCommitAsync(string voice);
}
