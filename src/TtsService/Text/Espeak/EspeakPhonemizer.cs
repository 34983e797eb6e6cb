using System.Runtime.InteropServices;
using System.Text;

namespace TtsService.Text.Espeak;

/// <summary>
/// Text → IPA through libespeak-ng in-process (no process per request). Multi-letter phonemes come
/// out joined by <see cref="Tie"/> ("t^ʃ"), as misaki asks phonemizer for them; punctuation is kept
/// in place (espeak drops it), because Kokoro reads commas and full stops as pauses and intonation.
/// espeak-ng is a global, single-threaded library: calls are serialized.
/// </summary>
public sealed class EspeakPhonemizer : IPhonemizer, IClausePhonemizer
{
    public const char Tie = '^';

    /// <summary>Punctuation that is passed through untouched, between phonemized runs.</summary>
    public const string KeptPunctuation = ";:,.!?¡¿—…\"«»“”()";

    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static string? _initError;
    private static string? _currentVoice; // espeak-ng's voice is global, like the library, so this is too
    private readonly ILogger<EspeakPhonemizer>? _logger;

    public EspeakPhonemizer(ILogger<EspeakPhonemizer>? logger = null)
    {
        _logger = logger;
        lock (Gate) EnsureInitialized();
        if (_initError is not null) _logger?.LogWarning("espeak-ng unavailable: {Reason}", _initError);
    }

    public bool IsAvailable => _initError is null;
    public string? UnavailableReason => _initError;

    public string ToIpa(string text, string espeakVoice)
    {
        if (!IsAvailable) throw new InvalidOperationException($"espeak-ng is not available: {_initError}");
        var sb = new StringBuilder(text.Length * 2);
        lock (Gate)
        {
            UseVoice(espeakVoice);
            foreach (var (run, isPunctuation) in Runs(text))
            {
                if (isPunctuation)
                {
                    // "Hello, world" → "həlˈoʊ, wˈɜːld": no space before the mark, one after.
                    TrimEnd(sb);
                    sb.Append(run).Append(' ');
                }
                else
                {
                    var ipa = PhonemizeRun(run);
                    if (ipa.Length > 0) sb.Append(ipa).Append(' ');
                }
            }
        }
        return sb.ToString().Trim();
    }

    /// <summary>
    /// The whole <paramref name="text"/> through <c>espeak_TextToPhonemes</c> (IPA, no ties), one call per
    /// clause, as piper-phonemize's <c>phonemize_eSpeak</c> calls it: espeak itself decides where clauses
    /// end (a comma or full stop only ends one before a space, "e.g. this" and "U.S. army" stay one
    /// clause). Debian's libespeak-ng has no <c>espeak_TextToPhonemesWithTerminator</c>, so each clause
    /// comes with the source text the call consumed, from which the terminator can be read.
    /// </summary>
    public IReadOnlyList<PhonemeClause> ToClauses(string text, string espeakVoice)
    {
        if (!IsAvailable) throw new InvalidOperationException($"espeak-ng is not available: {_initError}");
        var bytes = Encoding.UTF8.GetBytes(text + "\0");
        var textEnd = bytes.Length - 1;
        var clauses = new List<PhonemeClause>();
        lock (Gate)
        {
            UseVoice(espeakVoice);
            var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            try
            {
                var start = handle.AddrOfPinnedObject();
                var pointer = start;
                var previous = 0;
                // Each call consumes at least one character; the bound only guards against a library bug.
                while (pointer != IntPtr.Zero && clauses.Count <= textEnd + 1)
                {
                    var result = EspeakNative.TextToPhonemes(ref pointer, EspeakNative.CharsUtf8, EspeakNative.PhonemesIpa);
                    var last = pointer == IntPtr.Zero;
                    var offset = last ? textEnd : (int)Math.Clamp(pointer.ToInt64() - start.ToInt64(), previous, textEnd);
                    clauses.Add(new PhonemeClause(Marshal.PtrToStringUTF8(result) ?? "", Encoding.UTF8.GetString(bytes, previous, offset - previous), last));
                    previous = offset;
                }
            }
            finally
            {
                handle.Free();
            }
        }
        return clauses;
    }

    /// <summary>Selects <paramref name="espeakVoice"/> unless it is already selected. Call under <see cref="Gate"/>.</summary>
    private void UseVoice(string espeakVoice)
    {
        if (_currentVoice == espeakVoice) return;
        var error = SelectVoice(espeakVoice);
        if (error != 0) throw new ArgumentException($"espeak-ng has no voice '{espeakVoice}' (error {error}).", nameof(espeakVoice));
        _currentVoice = espeakVoice;
    }

    /// <summary>
    /// By voice file name first ("en-us", "cmn"), then by language ("fr-fr" has no file of that name:
    /// its file is "fr", so espeak must pick it by the language it declares).
    /// </summary>
    private static int SelectVoice(string voice)
    {
        if (EspeakNative.SetVoiceByName(voice) == 0) return 0;
        var language = Marshal.StringToCoTaskMemUTF8(voice);
        try
        {
            var properties = new EspeakNative.Voice { Languages = language };
            return EspeakNative.SetVoiceByProperties(ref properties);
        }
        finally { Marshal.FreeCoTaskMem(language); }
    }

    private static void TrimEnd(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
    }

    /// <summary>Splits text into runs of words and runs of kept punctuation.</summary>
    internal static IEnumerable<(string Run, bool IsPunctuation)> Runs(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || KeptPunctuation.Contains(text[i]);
            if (!boundary) continue;
            if (i > start && !string.IsNullOrWhiteSpace(text.AsSpan(start, i - start).ToString()))
                yield return (text[start..i], false);
            if (i < text.Length)
            {
                var end = i;
                while (end < text.Length && KeptPunctuation.Contains(text[end])) end++;
                yield return (text[i..end], true);
                i = end - 1;
                start = end;
            }
        }
    }

    /// <summary>Phonemes of a punctuation-free run; espeak answers one clause per call.</summary>
    private static string PhonemizeRun(string run)
    {
        var bytes = Encoding.UTF8.GetBytes(run + "\0");
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            var start = handle.AddrOfPinnedObject();
            var pointer = start;
            var end = start + bytes.Length;
            var sb = new StringBuilder();
            const int mode = EspeakNative.PhonemesIpa | EspeakNative.PhonemesTie | (Tie << 8);
            while (pointer != IntPtr.Zero && pointer.ToInt64() < end.ToInt64())
            {
                var result = EspeakNative.TextToPhonemes(ref pointer, EspeakNative.CharsUtf8, mode);
                var clause = Marshal.PtrToStringUTF8(result);
                if (!string.IsNullOrWhiteSpace(clause))
                {
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append(clause.Trim());
                }
            }
            return sb.ToString();
        }
        finally
        {
            handle.Free();
        }
    }

    private static void EnsureInitialized()
    {
        if (_initialized) return;
        _initialized = true;
        try
        {
            var rate = EspeakNative.Initialize(EspeakNative.AudioOutputSynchronous, 0, null, EspeakNative.InitializeDontExit);
            if (rate <= 0) _initError = "espeak_Initialize failed (is espeak-ng-data installed?)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            _initError = $"libespeak-ng.so.1 could not be loaded ({e.Message}); install the Debian package libespeak-ng1.";
        }
    }
}
