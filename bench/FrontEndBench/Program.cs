using System.Diagnostics;
using System.Text;
using TtsService.Text;
using TtsService.Text.Normalization;
using Microsoft.Extensions.Logging.Abstractions;
using StandinModels;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Text.Espeak;

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

FullFrontEnd(text);
ChineseAndJapanese();

Console.WriteLine("adversarial inputs (100 KB each):");
foreach (var unit in new[] { "1,", "a.", "1.", "1:", "1/", "1-", "@a", "a@", "www.a", "(5", "$1", "I ", "http://a.", "+1 " })
{
    var adversarial = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));
    var w = Stopwatch.StartNew();
    normalizer.Normalize(adversarial, options);
    Console.WriteLine($"  {unit,-10} {w.Elapsed.TotalMilliseconds,8:F1} ms");
}

// The whole Kokoro front end (normalize → chunk → espeak-ng → misaki → ids) on the same text, then the
// stand-in model on every piece, for the front end's share of end-to-end time.
static void FullFrontEnd(string text)
{
    var models = Directory.CreateTempSubdirectory("frontend-bench").FullName;
    try
    {
        var shared = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/models/kokoro"));
        var dir = KokoroStandin.Write(models, Directory.Exists(shared) ? shared : null);
        var g2p = new KokoroG2P(new EspeakPhonemizer());
        if (!g2p.IsAvailable) { Console.WriteLine("full front end: skipped (libespeak-ng1 not installed)"); return; }
        var frontend = new KokoroFrontend(new EnglishTextNormalizer(), new SentenceChunker(), g2p, KokoroVocab.Load(Path.Combine(dir, "config.json")));
        var options = new NormalizationOptions();
        frontend.Pieces(text[..2000], "a", options).ToList(); // warm up

        var watch = Stopwatch.StartNew();
        var pieces = frontend.Pieces(text, "a", options).ToList();
        var frontSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"full front end: {frontSeconds * 1000:F0} ms, {text.Length / frontSeconds:N0} chars/s, {pieces.Count} pieces, {pieces.Sum(p => p.Ids.Count):N0} tokens");

        using var model = new KokoroModel(Path.Combine(dir, "kokoro-v1.0.onnx"), new OnnxSessions(new TtsSettings(), NullLogger<OnnxSessions>.Instance));
        var style = new float[KokoroModel.StyleDim];
        watch.Restart();
        long samples = 0;
        foreach (var piece in pieces)
        {
            var ids = new long[piece.Ids.Count + 2];
            piece.Ids.CopyTo(ids, 1);
            samples += model.Run(ids, style, 1f).Audio.Length;
        }
        var modelSeconds = watch.Elapsed.TotalSeconds;
        var audioSeconds = samples / (double)KokoroModel.SampleRate;
        Console.WriteLine($"stand-in model: {modelSeconds * 1000:F0} ms for {audioSeconds:F0} s of audio; front end share of end-to-end: {100 * frontSeconds / (frontSeconds + modelSeconds):F1}%");
        // Estimate for the real Kokoro-82M: assume it synthesizes at 0.25x real time on a 4-core CPU
        // (kokoro-onnx reports roughly real-time-or-better on laptop CPUs; GPU is far faster).
        const double realModelRtf = 0.25;
        var realModelSeconds = audioSeconds * realModelRtf;
        Console.WriteLine($"estimate with the real model at RTF {realModelRtf} (assumed, CPU): front end share {100 * frontSeconds / (frontSeconds + realModelSeconds):F2}% of {realModelSeconds:F0} s");
    }
    finally { Directory.Delete(models, recursive: true); }
}

// Chinese (misaki's route for Kokoro, and ZipVoice's tokens) and Japanese (misaki's cutlet route) on ~20,000
// characters each: first-use cost (dictionaries loading), managed memory they keep, then throughput.
static void ChineseAndJapanese()
{
    string[] chinese =
    [
        "你好，今天天气很好。", "我们去银行取钱，然后在街上行走。", "今天是2024年3月15日，价格是3.5元。",
        "增长了50%，大约3/4的人同意。", "他说：“我们走吧；天黑了。”", "中华人民共和国成立了。", "我用iPhone打电话。",
    ];
    string[] japanese =
    [
        "こんにちは、今日はいい天気です。", "東京タワーに行きました。", "この本は1500円でした。",
        "すみません、駅はどこですか？", "先生はパソコンを使っています。", "ちょっと待ってください。",
    ];
    var g2p = new KokoroG2P(new EspeakPhonemizer());
    Load("pypinyin dictionary", () => TtsService.Text.Chinese.PinyinDictionary.Shared);
    Load("jieba dictionary", () => TtsService.Text.Chinese.ChineseWordSegmenter.Shared.Cut("你好"));
    Measure("Chinese, Kokoro (misaki zh)", chinese, t => g2p.Phonemize(t, "z"));
    var pinyin = TtsService.Text.Chinese.Pinyin.Shared;
    Measure("Chinese, ZipVoice pinyin (jieba + tone sandhi)", chinese,
        t => string.Join(' ', pinyin.LazyPinyin(TtsService.Text.Chinese.ChineseWordSegmenter.Shared.Cut(TtsService.Text.Chinese.ChineseNumbers.Transform(t)), toneSandhi: true)));
    if (TtsService.Text.Japanese.MecabTagger.TryCreate(TtsService.Text.Japanese.MecabTagger.DefaultDictionary, out var error) is null)
        Console.WriteLine($"Japanese: skipped ({error})");
    else
        Measure("Japanese, Kokoro (misaki ja, MeCab + UniDic)", japanese, t => g2p.Phonemize(t, "j"));

    static void Load(string name, Func<object> load)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        GC.KeepAlive(load());
        Console.WriteLine($"{name}: loaded in {watch.Elapsed.TotalMilliseconds:F0} ms, {(GC.GetTotalMemory(forceFullCollection: true) - before) / 1048576.0:F0} MB kept");
    }

    static void Measure(string name, string[] sentences, Func<string, string> phonemize)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        phonemize(sentences[0]); // first use: dictionaries load
        var firstUse = watch.Elapsed.TotalMilliseconds;
        var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
        var chars = 0;
        var count = 0;
        foreach (var s in sentences) phonemize(s); // warm up
        watch.Restart();
        while (chars < 20_000)
            foreach (var s in sentences) { phonemize(s); chars += s.Length; count++; }
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{name}: first use {firstUse:F0} ms, {kept / 1048576.0:F0} MB kept; {chars / seconds:N0} chars/s, {seconds * 1000 / count:F2} ms per sentence");
    }
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
