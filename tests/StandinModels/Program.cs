// Writes stand-in models into the directory given as the first argument (see README).
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: dotnet run --project tests/StandinModels -- <models-dir>");
    return 2;
}
Console.Error.WriteLine("stand-in writer not implemented yet");
return 1;
