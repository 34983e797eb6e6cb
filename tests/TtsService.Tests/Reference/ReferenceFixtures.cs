using System.Text;
using System.Text.Json;

namespace TtsService.Tests.Reference;

/// <summary>
/// The golden outputs of the reference implementations (k2-fsa/ZipVoice, gemelo-ai/vocos,
/// hexgrad/kokoro) that tools/reference/make_fixtures.py wrote into Fixtures/reference:
/// manifest.json describes every case, arrays are float32 .npy files beside it.
/// </summary>
public static class ReferenceFixtures
{
    public static string Directory { get; } = Find();

    public static JsonElement Manifest { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json"))).RootElement;

    public static string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>A float32 .npy array: its shape and its values in C order.</summary>
    public static (int[] Shape, float[] Data) Npy(string relative)
    {
        var bytes = File.ReadAllBytes(PathOf(relative));
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{relative}: not a .npy file");
        int headerLength, offset;
        if (bytes[6] == 1) { headerLength = BitConverter.ToUInt16(bytes, 8); offset = 10; }
        else { headerLength = (int)BitConverter.ToUInt32(bytes, 8); offset = 12; }
        var header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{relative}: expected little-endian float32 in C order, header {header.Trim()}");
        var shapeText = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        shapeText = shapeText[..shapeText.IndexOf(')')];
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = new float[(bytes.Length - offset - headerLength) / 4];
        Buffer.BlockCopy(bytes, offset + headerLength, data, 0, data.Length * 4);
        Assert.Equal(shape.Aggregate(1, (a, b) => a * b), data.Length);
        return (shape, data);
    }

    /// <summary>Largest |a − b| and where; fails with both values when any is over <paramref name="tolerance"/>.</summary>
    public static double AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, the reference has {expected.Length}");
        double worst = 0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: max |ours − reference| = {worst:E3} at {at} (ours {(at >= 0 ? actual[at] : 0)}, reference {(at >= 0 ? expected[at] : 0)}), tolerance {tolerance:E1}");
        return worst;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "TtsService.Tests", "Fixtures", "reference");
            if (File.Exists(Path.Combine(candidate, "manifest.json"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/TtsService.Tests/Fixtures/reference/manifest.json not found above " + AppContext.BaseDirectory);
    }
}
