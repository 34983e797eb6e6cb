using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using TtsService.Audio;
using TtsService.Errors;

namespace TtsService.Voices;

/// <summary>
/// Registered ZipVoice prompts on disk, one directory per voice under <c>zipvoice_cache_dir</c>:
/// <c>{name}/audio-{version}.wav</c> (24 kHz mono 16-bit) and <c>{name}/voice.json</c>.
/// <para>
/// A voice exists exactly when its <c>voice.json</c> does. Every file is written to a temp file in the
/// same directory, flushed, then renamed into place, and <c>voice.json</c> is renamed last, so a crash
/// leaves either the old voice or the new one, never a mix. Deletion renames the directory away first.
/// At start, temp files, directories without <c>voice.json</c>, half-deleted directories and audio no
/// <c>voice.json</c> points to are removed.
/// </para>
/// </summary>
public sealed class VoicePromptStore
{
    private const string MetadataFile = "voice.json";
    private const string DeletingPrefix = ".deleting-";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    private readonly ConcurrentDictionary<string, StoredVoice> _voices = new(StringComparer.Ordinal);
    // Registrations are rare; one writer at a time makes "exactly one wins" obvious.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly PromptCache _cache;
    private readonly ILogger<VoicePromptStore> _logger;
    private readonly string? _unavailableReason;

    public VoicePromptStore(string root, PromptCache cache, ILogger<VoicePromptStore> logger)
    {
        Root = Path.GetFullPath(root);
        _cache = cache;
        _logger = logger;
        try
        {
            Directory.CreateDirectory(Root);
            Recover();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _unavailableReason = $"the voice directory {Root} cannot be used: {e.Message}";
            _logger.LogError(e, "ZipVoice voice store at {Root} is unavailable", Root);
        }
    }

    public string Root { get; }

    public int Count => _voices.Count;

    public IReadOnlyList<StoredVoice> List()
    {
        EnsureAvailable();
        return _voices.Values.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The voice called <paramref name="name"/>; 400 for an invalid name, 404 when not registered.</summary>
    public StoredVoice Get(string? name, string param = "name")
    {
        var valid = VoiceName.Validate(name, param);
        EnsureAvailable();
        return _voices.TryGetValue(valid, out var voice)
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
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _voices.TryGetValue(name, out var previous);
            if (previous is not null && !overwrite)
                throw new ConflictException($"Voice '{name}' already exists; send overwrite=true to replace it.", "name", "voice_exists");

            var directory = Path.Combine(Root, name);
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
                AudioPath = Path.Combine(directory, $"audio-{version}.wav"),
            };
            try
            {
                DurableFiles.WriteAtomic(voice.AudioPath, EncodeWav(audio.Samples, audio.SampleRate));
                // The commit point: until this rename the previous voice.json (or none) is what exists.
                DurableFiles.WriteAtomic(Path.Combine(directory, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(voice, Json));
            }
            catch
            {
                DurableFiles.TryDelete(voice.AudioPath);
                if (created) TryDeleteDirectory(directory);
                throw;
            }
            _voices[name] = voice;
            if (previous is not null)
            {
                DurableFiles.TryDelete(previous.AudioPath);
                _cache.Remove(previous.CacheKey);
            }
            _logger.LogInformation("Registered ZipVoice voice {Voice} ({Duration:F2} s, from {Format}){Replaced}",
                name, voice.Duration, voice.OriginalFormat, previous is null ? "" : ", replacing the previous one");
            return voice;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Removes the voice; 404 when it does not exist.</summary>
    public async Task DeleteAsync(string? name, CancellationToken cancellationToken)
    {
        var valid = VoiceName.Validate(name);
        EnsureAvailable();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (!_voices.TryGetValue(valid, out var voice))
                throw new NotFoundException($"Voice '{valid}' is not registered.", "name", "voice_not_found");
            var directory = Path.Combine(Root, valid);
            var doomed = Path.Combine(Root, DeletingPrefix + Guid.NewGuid().ToString("N"));
            // One rename makes the voice disappear; removing the files after may be interrupted safely.
            Directory.Move(directory, doomed);
            DurableFiles.FlushDirectory(Root);
            _voices.TryRemove(valid, out _);
            _cache.Remove(voice.CacheKey);
            TryDeleteDirectory(doomed);
            _logger.LogInformation("Deleted ZipVoice voice {Voice}", valid);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reads the stored audio (24 kHz mono).</summary>
    public float[] LoadSamples(StoredVoice voice, PromptAudioDecoder decoder)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(voice.AudioPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnprocessableException($"The audio of voice '{voice.Name}' cannot be read: {e.Message}. Register it again.", "voice", "voice_unreadable");
        }
        return decoder.Decode(bytes, new AudioDecodeLimits(Math.Max(bytes.Length, 1), Math.Max(voice.Duration + 1, 1))).Samples;
    }

    private void Recover()
    {
        foreach (var entry in new DirectoryInfo(Root).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.'))
            {
                // Our temp files and half-deleted voices (valid voice names never start with '.').
                if (entry.Name.StartsWith(DurableFiles.TempPrefix, StringComparison.Ordinal) || entry.Name.StartsWith(DeletingPrefix, StringComparison.Ordinal))
                {
                    _logger.LogWarning("Removing {Entry} left by an interrupted write", entry.Name);
                    if (entry is DirectoryInfo) TryDeleteDirectory(entry.FullName); else DurableFiles.TryDelete(entry.FullName);
                }
                continue;
            }
            if (entry is not DirectoryInfo directory || !VoiceName.IsValid(entry.Name)) continue; // not ours: leave it alone
            var voice = RecoverVoice(directory);
            if (voice is not null) _voices[voice.Name] = voice;
        }
        _logger.LogInformation("ZipVoice voice store at {Root}: {Count} voices", Root, _voices.Count);
    }

    private StoredVoice? RecoverVoice(DirectoryInfo directory)
    {
        foreach (var temp in directory.EnumerateFiles(DurableFiles.TempPrefix + "*")) DurableFiles.TryDelete(temp.FullName);
        var metadataPath = Path.Combine(directory.FullName, MetadataFile);
        if (!File.Exists(metadataPath))
        {
            // A first registration that never reached its commit point.
            _logger.LogWarning("Removing half-written voice directory {Voice}", directory.Name);
            TryDeleteDirectory(directory.FullName);
            return null;
        }
        StoredVoice? voice;
        try { voice = JsonSerializer.Deserialize<StoredVoice>(File.ReadAllBytes(metadataPath), Json); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // voice.json only ever appears by rename, so this is damage from outside: keep the files for a human.
            _logger.LogError(e, "Voice {Voice}: {File} is unreadable; the voice is skipped", directory.Name, MetadataFile);
            return null;
        }
        if (voice is null || voice.Name != directory.Name || !IsOwnAudioFile(voice.AudioFile))
        {
            _logger.LogError("Voice {Voice}: {File} does not describe this directory; the voice is skipped", directory.Name, MetadataFile);
            return null;
        }
        voice = voice with { AudioPath = Path.Combine(directory.FullName, voice.AudioFile) };
        if (!File.Exists(voice.AudioPath))
        {
            _logger.LogError("Voice {Voice}: its audio {File} is missing; the voice is skipped", directory.Name, voice.AudioFile);
            return null;
        }
        // Audio of an overwrite that crashed before or after its commit point.
        foreach (var audio in directory.EnumerateFiles("audio-*.wav"))
            if (audio.Name != voice.AudioFile) DurableFiles.TryDelete(audio.FullName);
        return voice;
    }

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
            _logger.LogWarning(e, "Could not remove {Path}; it is removed at the next start", path);
        }
    }

    private static byte[] EncodeWav(float[] samples, int sampleRate)
    {
        var buffer = new ArrayBufferWriter<byte>(44 + samples.Length * 2);
        WavEncoder.WriteHeader(buffer, sampleRate, 1, (uint)(samples.Length * 2));
        Pcm16.Write(samples, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
