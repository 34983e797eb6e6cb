using System.Diagnostics;
using System.Text;
using TtsService.Text;
using TtsService.Text.Normalization;

// Times English text normalization on ~100 KB of mixed text (numbers, money, dates, URLs, plain
// prose) and on repetitive adversarial inputs. Usage: dotnet run -c Release --project bench/FrontEndBench [sizeKb]
// With "--echo", prints each line of standard input normalized instead (for trying sentences by hand).
if (args is ["--echo", ..])
{
    var echo = new EnglishTextNormalizer();
    var echoOptions = new NormalizationOptions { UnitNormalization = args.Contains("--units") };
    for (var line = Console.ReadLine(); line is not null; line = Console.ReadLine()) Console.WriteLine(echo.Normalize(line, echoOptions));
    return;
}

var sizeKb = args.Length > 0 && int.TryParse(args[0], out var kb) ? kb : 100;
var normalizer = new EnglishTextNormalizer();
var options = new NormalizationOptions { UnitNormalization = true };

var text = MixedText(sizeKb * 1024);
Console.WriteLine($"input: {text.Length:N0} chars of mixed English");
normalizer.Normalize(text, options); // warm up: JIT and regex initialisation

const int runs = 10;
var watch = Stopwatch.StartNew();
var outputLength = 0;
for (var i = 0; i < runs; i++) outputLength = normalizer.Normalize(text, options).Length;
watch.Stop();
var seconds = watch.Elapsed.TotalSeconds / runs;
Console.WriteLine($"normalize: {seconds * 1000:F1} ms per run, {text.Length / seconds:N0} chars/s (output {outputLength:N0} chars)");

Console.WriteLine("adversarial inputs (100 KB each):");
foreach (var unit in new[] { "1,", "a.", "1.", "1:", "1/", "1-", "@a", "a@", "www.a", "(5", "$1", "I ", "http://a.", "+1 " })
{
    var adversarial = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));
    var w = Stopwatch.StartNew();
    normalizer.Normalize(adversarial, options);
    Console.WriteLine($"  {unit,-10} {w.Elapsed.TotalMilliseconds,8:F1} ms");
}

static string MixedText(int targetChars)
{
    string[] sentences =
    [
        "The quick brown fox jumps over the lazy dog, and nobody seemed to mind at all.",
        "It costs $5.50 on 3/4/2025, or about £4.20 if you pay in London.",
        "Dr. Smith arrived at 3:30 pm with 12 boxes weighing 2.5 kg each.",
        "Sales rose 15% in 1999, then fell by -2% in 2005 before recovering in the 1990s revival.",
        "Visit https://www.example.com/docs?page=2 or email support@example.com for help.",
        "Call (555) 123-4567 before March 4th; the 22nd floor closes at 14:05.",
        "Henry VIII and Louis XIV never met, but Chapter IV of the book pretends they did.",
        "The deal was worth $1.2 million, roughly 1,250,000 euros at the time.",
        "She ran 10 km in 45 min, a pace of 13.3 km/h, on a 25°C afternoon.",
        "Long paragraphs of ordinary prose make up most real input, so the normalizer must skip them quickly.",
        "Mr. and Mrs. Jones live on Baker St. near the station, e.g. a short walk away.",
        "Select the file(s) to upload & press OK; 2 + 2 = 4 and 1/3 of 99 is 33.",
    ];
    var random = new Random(1234);
    var sb = new StringBuilder(targetChars + 200);
    while (sb.Length < targetChars)
    {
        sb.Append(sentences[random.Next(sentences.Length)]);
        sb.Append(random.Next(6) == 0 ? "\n\n" : " ");
    }
    return sb.ToString();
}
