using System.Runtime.InteropServices;
using TtsService.Errors;

namespace TtsService.Audio.Native;

/// <summary>
/// Probes a Debian codec library by its soname once, so a missing package is reported as a clear
/// 503 naming the package instead of a <see cref="DllNotFoundException"/> in the middle of a response.
/// </summary>
internal sealed class NativeCodecLibrary(string soname, string debianPackage, string purpose)
{
    private readonly Lazy<bool> _available = new(() =>
    {
        if (!NativeLibrary.TryLoad(soname, out var handle)) return false;
        NativeLibrary.Free(handle); // the DllImports load it again by the same name; the OS keeps one copy
        return true;
    });

    public static readonly NativeCodecLibrary Lame = new(LameNative.Library, "libmp3lame0", "MP3 encoding");
    public static readonly NativeCodecLibrary Flac = new(FlacNative.Library, "libflac12", "FLAC encoding and decoding");

    public string Soname => soname;
    public string DebianPackage => debianPackage;
    public bool IsAvailable => _available.Value;

    public void EnsureAvailable()
    {
        if (!IsAvailable)
            throw new BackendUnavailableException(
                $"{purpose} needs the native library {soname}; install the Debian package '{debianPackage}'.",
                "response_format", "codec_unavailable");
    }
}
