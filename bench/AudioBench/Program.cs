using System.Buffers;
using TtsService.Audio;
var output = new ArrayBufferWriter<byte>();
var audio = new float[4800];
for (var i = 0; i < audio.Length; i++) audio[i] = 0.5f * MathF.Sin(i * 0.1f);
long Mem() { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); return GC.GetTotalMemory(true); }
var f = new AudioEncoderFactory();
for (var round = 0; round < 5; round++)
{
    var before = Mem();
    for (var i = 0; i < 200; i++)
    {
        using var e = f.Create(AudioFormat.Opus, new EncoderOptions(24000, 1, true));
        e.Write(audio, output); e.Complete(output); output.Clear();
    }
    Console.WriteLine($"round {round}: {(Mem() - before) / 1e3:F0} KB");
}
