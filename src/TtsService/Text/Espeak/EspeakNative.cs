using System.Runtime.InteropServices;

namespace TtsService.Text.Espeak;

/// <summary>
/// The few entry points of libespeak-ng (Debian's libespeak-ng1) the phonemizer needs, per
/// espeak-ng's speak_lib.h. The library keeps global state: every call goes through
/// <see cref="EspeakPhonemizer"/>'s lock.
/// </summary>
internal static partial class EspeakNative
{
    private const string Library = "libespeak-ng.so.1";

    /// <summary>espeak_AUDIO_OUTPUT: synchronous, no sound device; we only ask for phonemes.</summary>
    public const int AudioOutputSynchronous = 2;
    /// <summary>espeakINITIALIZE_DONT_EXIT: report errors instead of exiting the process.</summary>
    public const int InitializeDontExit = 0x8000;
    /// <summary>espeakCHARS_UTF8.</summary>
    public const int CharsUtf8 = 1;
    /// <summary>espeakPHONEMES_IPA: IPA symbols as UTF-8.</summary>
    public const int PhonemesIpa = 0x02;
    /// <summary>espeakPHONEMES_TIE: join the letters of a multi-letter phoneme with the tie given in bits 8-23.</summary>
    public const int PhonemesTie = 0x80;

    [LibraryImport(Library, EntryPoint = "espeak_Initialize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Initialize(int output, int bufferLength, string? path, int options);

    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetVoiceByName(string name);

    /// <summary>espeak_VOICE: only the language is set when selecting by properties.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Voice
    {
        public IntPtr Name;
        public IntPtr Languages;
        public IntPtr Identifier;
        public byte Gender;
        public byte Age;
        public byte Variant;
        public byte Spare1;
        public int Score;
        public IntPtr Spare2;
    }

    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByProperties")]
    public static partial int SetVoiceByProperties(ref Voice voice);

    /// <summary>Phonemes of the next clause of <c>*textPointer</c>, which it advances (to null at the end).</summary>
    [LibraryImport(Library, EntryPoint = "espeak_TextToPhonemes")]
    public static partial IntPtr TextToPhonemes(ref IntPtr textPointer, int textMode, int phonemeMode);
}
