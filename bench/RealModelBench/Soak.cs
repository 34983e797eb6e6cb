using System.Globalization;

namespace RealModelBench;

/// <summary>
/// Memory over many requests (<c>--soak N</c>): one service, N requests of varied lengths (every tenth on
/// ZipVoice-Distill when present, the rest on Kokoro), RSS after loading, after a warm-up and every N/10
/// requests. Growth after the warm-up would be a leak or an allocator that never gives back.
/// </summary>
static class Soak
{
    private static readonly string[] Texts =
    [
        "Hello there.",
        "The weather was calm and the lake was quiet today.",
        "We walked along the shore, talked about nothing in particular, and watched the light change over the water.",
        "Numbers like 42 and dates like March 3rd are read as words.",
        "After the long winter the people of the small northern town gathered by the river every evening to talk about the harvest.",
        "Short one.",
        "A sentence of middling length, with a comma or two, to vary the shapes the models see.",
    ];

    public static async Task<int> RunAsync(ServiceProcess service, IReadOnlyList<BenchModel> models, int count, string kokoroFormat)
    {
        var kokoro = models.FirstOrDefault(m => !m.IsZipVoice);
        var zipvoice = models.FirstOrDefault(m => m.IsZipVoice);
        if (kokoro is null && zipvoice is null) return 2;
        var loaded = service.RssMb("VmRSS");
        Console.WriteLine($"soak: {count} requests ({(zipvoice is null ? "Kokoro" : kokoro is null ? zipvoice.Label : $"every tenth {zipvoice.Label}, the rest Kokoro")}), {Texts.Length} texts in turn");
        Console.WriteLine();
        Console.WriteLine("| requests | RSS MB | peak RSS MB |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| 0 (loaded) | {loaded:F0} | {service.RssMb("VmHWM"):F0} |");
        var step = Math.Max(1, count / 10);
        double? afterWarmUp = null;
        for (var i = 1; i <= count; i++)
        {
            var model = zipvoice is not null && (kokoro is null || i % 10 == 0) ? zipvoice : kokoro!;
            await service.SpeakAsync(model, kokoroFormat, Texts[i % Texts.Length]);
            if (i % step != 0 && i != count) continue;
            var rss = service.RssMb("VmRSS");
            afterWarmUp ??= rss;
            Console.WriteLine($"| {i} | {rss:F0} | {service.RssMb("VmHWM"):F0} |");
        }
        var end = service.RssMb("VmRSS");
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"RSS after loading {loaded:F0} MB; after {step} requests {afterWarmUp:F0} MB; after {count} {end:F0} MB ({end - afterWarmUp:+0;-0} MB since request {step})."));
        return 0;
    }
}
