using System.Buffers;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using TtsService.Errors;

namespace TtsService.Audio.Encoders;

/// <summary>
/// <c>aac</c>: AAC-LC in ADTS frames, encoded by ffmpeg's native AAC encoder in a child process.
/// Why a process: NuGet has no managed AAC encoder; libfdk-aac is not in Debian main; FAAC sounds
/// clearly worse at speech bitrates; and binding libavcodec directly ties us to one soname's struct
/// layouts. ffmpeg is already a dependency of the toolchain, and a pipe streams.
/// Float samples go to ffmpeg's stdin; a reader thread collects its stdout; <see cref="Write"/> then
/// forwards only whole ADTS frames (their 13-bit length is in the header). ffmpeg's stderr is kept
/// (bounded) for the error message.
/// </summary>
internal sealed class FfmpegAacEncoder : IAudioEncoder
{
    public const int BitratePerChannel = 64000;
    private const int MaxStderrChars = 4096;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Thread _reader;
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private byte[] _pending = new byte[16384]; // bytes read from ffmpeg, not yet forwarded
    private int _pendingCount;
    private Exception? _readError;
    private bool _completed;
    private bool _disposed;

    public FfmpegAacEncoder(EncoderOptions options, string ffmpegPath = "ffmpeg")
    {
        if (options.Channels is < 1 or > 8)
            throw new InvalidRequestException($"aac supports 1 to 8 channels, not {options.Channels}.", "response_format");
        var start = new ProcessStartInfo(ffmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-hide_banner", "-nostdin", "-loglevel", "error",
                     // Raw input needs no probing; by default ffmpeg reads 5 s of it before encoding anything.
                     "-probesize", "32", "-analyzeduration", "0",
                     "-f", "f32le", "-ar", options.SampleRate.ToString(CultureInfo.InvariantCulture),
                     "-ac", options.Channels.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
                     "-c:a", "aac", "-profile:a", "aac_low",
                     "-b:a", (BitratePerChannel * options.Channels).ToString(CultureInfo.InvariantCulture),
                     "-flush_packets", "1", "-f", "adts", "pipe:1",
                 })
            start.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned null.");
        }
        catch (Win32Exception e)
        {
            throw new BackendUnavailableException(
                $"AAC encoding needs the ffmpeg program ({ffmpegPath}); install the Debian package 'ffmpeg'. ({e.Message})",
                "response_format", "codec_unavailable");
        }
        _stdin = _process.StandardInput.BaseStream;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) if (_stderr.Length < MaxStderrChars) _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
        _reader = new Thread(ReadOutput) { IsBackground = true, Name = "ffmpeg-aac-reader" };
        _reader.Start();
    }

    public AudioFormat Format => AudioFormat.Aac;

    public void Write(ReadOnlySpan<float> samples, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _stdin.Write(MemoryMarshal.AsBytes(samples)); // f32le: the machine is little-endian
            _stdin.Flush();
        }
        catch (IOException e)
        {
            throw Failure("ffmpeg stopped reading its input", e);
        }
        ForwardWholeFrames(output, final: false);
    }

    public void Complete(IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        _completed = true;
        try { _stdin.Close(); } catch (IOException) { /* reported below through the exit code */ }
        if (!_reader.Join(ExitTimeout) || !_process.WaitForExit(ExitTimeout))
            throw Failure($"ffmpeg did not finish within {ExitTimeout.TotalSeconds} s", null);
        _process.WaitForExit(); // drains the stderr event stream
        if (_process.ExitCode != 0) throw Failure($"ffmpeg exited with code {_process.ExitCode}", null);
        ForwardWholeFrames(output, final: true);
    }

    /// <summary>Moves every complete ADTS frame from the pending bytes to <paramref name="output"/>.</summary>
    private void ForwardWholeFrames(IBufferWriter<byte> output, bool final)
    {
        lock (_gate)
        {
            if (_readError is { } e) throw Failure("reading ffmpeg's output failed", e);
            var span = _pending.AsSpan(0, _pendingCount);
            var consumed = 0;
            while (span.Length - consumed >= 7)
            {
                var h = span[consumed..];
                if (h[0] != 0xFF || (h[1] & 0xF6) != 0xF0) throw Failure("ffmpeg wrote something that is not ADTS", null);
                var frameLength = ((h[3] & 0x03) << 11) | (h[4] << 3) | (h[5] >> 5);
                if (frameLength < 7) throw Failure("ffmpeg wrote an invalid ADTS frame", null);
                if (h.Length < frameLength) break;
                consumed += frameLength;
            }
            if (consumed > 0) output.Write(span[..consumed]);
            if (final && consumed != _pendingCount) throw Failure("ffmpeg's output ended inside an ADTS frame", null);
            span[consumed..].CopyTo(_pending);
            _pendingCount -= consumed;
        }
    }

    private void ReadOutput()
    {
        var buffer = new byte[16384];
        try
        {
            var stdout = _process.StandardOutput.BaseStream;
            int read;
            while ((read = stdout.Read(buffer)) > 0)
            {
                lock (_gate)
                {
                    // Bounded by what ffmpeg produces between two Writes: a few hundred ms of 64 kbit/s audio.
                    if (_pendingCount + read > _pending.Length) Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingCount + read));
                    buffer.AsSpan(0, read).CopyTo(_pending.AsSpan(_pendingCount));
                    _pendingCount += read;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            lock (_gate) _readError = e;
        }
    }

    private InvalidOperationException Failure(string what, Exception? inner)
    {
        string stderr;
        lock (_stderr) stderr = _stderr.ToString().Trim();
        return new InvalidOperationException($"AAC encoding failed: {what}.{(stderr.Length > 0 ? " ffmpeg said: " + stderr : "")}", inner);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception) { /* already gone */ }
        _process.Dispose();
    }
}

/// <summary>Where ffmpeg is: the <c>ffmpeg_path</c> setting (<c>FFMPEG_PATH</c>), else <c>ffmpeg</c> on the PATH; probed once.</summary>
internal sealed class FfmpegLocator(string path)
{
    public const string DefaultPath = "ffmpeg";

    public string Path { get; } = string.IsNullOrWhiteSpace(path) ? DefaultPath : path.Trim();

    private Lazy<bool>? _available;

    public bool IsAvailable => (_available ??= new Lazy<bool>(() =>
    {
        if (System.IO.Path.IsPathRooted(Path)) return File.Exists(Path);
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return dirs.Any(d => File.Exists(System.IO.Path.Combine(d, Path)));
    })).Value;
}
