using TtsService.Audio;
using TtsService.Errors;

namespace TtsService.Tests.Audio;

/// <summary>
/// Garbage, truncations and corruptions of valid files: the decoder either decodes (finite samples in
/// [-1, 1]) or throws a 415/422, never anything else (which the API would turn into a 500).
/// </summary>
public sealed class DecoderFuzzTests
{
    private static readonly AudioDecodeLimits Limits = new(MaxInputBytes: 1 << 20, MaxDurationSeconds: 30);

    /// <summary>True when <paramref name="bytes"/> decoded (and the samples are sane), false on a 415/422.</summary>
    private static bool DecodeOrTypedError(byte[] bytes, string what)
    {
        DecodedAudio audio;
        try
        {
            audio = new PromptAudioDecoder().Decode(bytes, Limits);
        }
        catch (UnsupportedMediaException) { return false; }
        catch (UnprocessableException) { return false; }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} escaped: {e.Message}");
            return false;
        }
        Assert.True(audio.DurationSeconds <= Limits.MaxDurationSeconds + 0.01, what);
        foreach (var s in audio.Samples)
            if (!(s >= -1f && s <= 1f)) Assert.Fail($"{what}: sample {s}");
        return true;
    }

    /// <summary>A decoder that refused everything would pass every fuzz case: the untouched file must decode.</summary>
    private static void AssertIntactDecodes(byte[] bytes, string kind) =>
        Assert.True(DecodeOrTypedError(bytes, $"{kind} intact"), $"the intact {kind} sample was refused, so the fuzzing proves nothing");

    [Theory]
    [InlineData("wav")]
    [InlineData("wav24ext")]
    [InlineData("mp3")]
    [InlineData("flac")]
    [InlineData("opus")]
    public void Truncations_never_escape_as_other_exceptions(string kind)
    {
        var bytes = PromptFiles.Sample(kind);
        AssertIntactDecodes(bytes, kind);
        var random = new Random(kind.Length);
        var cuts = Enumerable.Range(0, 64).Select(i => i).Concat(Enumerable.Range(0, 60).Select(_ => random.Next(bytes.Length)));
        foreach (var cut in cuts) DecodeOrTypedError(bytes[..cut], $"{kind} cut at {cut}");
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("wav24ext")]
    [InlineData("mp3")]
    [InlineData("flac")]
    [InlineData("opus")]
    public void Corruptions_never_escape_as_other_exceptions(string kind)
    {
        var original = PromptFiles.Sample(kind);
        AssertIntactDecodes(original, kind);
        var random = new Random(1000 + kind.Length);
        for (var round = 0; round < 150; round++)
        {
            var bytes = (byte[])original.Clone();
            // Mostly the headers (where lengths and counts live), sometimes anywhere.
            var span = round % 3 == 0 ? bytes.Length : Math.Min(bytes.Length, 128);
            for (var k = random.Next(1, 8); k > 0; k--)
            {
                var at = random.Next(span);
                bytes[at] = round % 2 == 0 ? (byte)random.Next(256) : (byte)(bytes[at] ^ (1 << random.Next(8)));
            }
            DecodeOrTypedError(bytes, $"{kind} corruption round {round}");
        }
    }

    [Fact]
    public void Random_bytes_behind_every_magic_number_never_escape()
    {
        byte[][] magics =
        [
            [], "RIFF\0\0\0\0WAVE"u8.ToArray(), "RIFF\0\0\0\0WAVEfmt "u8.ToArray(), "fLaC"u8.ToArray(), "fLaC\0\0\0\x22"u8.ToArray(),
            "OggS"u8.ToArray(), "OggS\0\x02"u8.ToArray(), "ID3\x03\0\0\0\0\0\0"u8.ToArray(), [0xFF, 0xFB, 0x90, 0x64], [0xFF, 0xF3, 0x48, 0xC4],
        ];
        var random = new Random(42);
        foreach (var magic in magics)
        {
            for (var round = 0; round < 60; round++)
            {
                var bytes = new byte[magic.Length + random.Next(0, round < 30 ? 64 : 8192)];
                random.NextBytes(bytes);
                magic.CopyTo(bytes, 0);
                DecodeOrTypedError(bytes, $"magic {Convert.ToHexString(magic)} round {round}");
            }
        }
    }
}
