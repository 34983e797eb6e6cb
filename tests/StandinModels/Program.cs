using StandinModels;

// Writes stand-in models into <models-dir> so the service can be run and tried without the real weights:
//   dotnet run --project tests/StandinModels -- <models-dir> [<real-kokoro-assets-dir>]
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: dotnet run --project tests/StandinModels -- <models-dir> [<real-kokoro-assets-dir>]");
    return 2;
}
var kokoro = KokoroStandin.Write(args[0], args.Length > 1 ? args[1] : null);
Console.WriteLine($"Kokoro stand-in written to {kokoro}");
Console.WriteLine($"Vocos stand-in written to {VocosStandin.Write(args[0])}");
foreach (var variant in new[] { "zipvoice", "zipvoice_distill" })
    Console.WriteLine($"ZipVoice stand-in written to {ZipVoiceStandin.Write(args[0], variant)}");
foreach (var variant in new[] { DialogStandin.Mono, DialogStandin.Stereo })
    Console.WriteLine($"ZipVoice-Dialog stand-in written to {DialogStandin.Write(args[0], variant)}");
return 0;
