using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using TtsService.Errors;
using TtsService.Inference.Kokoro;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Kokoro;

public class KokoroVoiceLibraryTests
{
    private static float[] Table(float seed)
    {
        var t = new float[KokoroVoiceLibrary.TableLength];
        for (var i = 0; i < t.Length; i++) t[i] = MathF.Sin(seed * (i + 1));
        return t;
    }

    /// <summary>
    /// /v1/audio/voices/combine kept every distinct mix for good (about 0.5 MB each); now a bounded LRU, and since a
    /// mix's name is its recipe, a mix that was dropped is mixed again, identically, when its name is used.
    /// </summary>
    [Fact]
    public void Combined_voices_are_a_bounded_lru_and_an_evicted_mix_is_rebuilt_from_its_name()
    {
        var library = new KokoroVoiceLibrary(combinedCapacity: 2);
        library.Add("af_a", Table(1));
        library.Add("af_b", Table(2));
        library.Add("af_c", Table(3));
        var (ab, abTable) = library.Combine("af_a + af_b(3)");
        Assert.Equal("af_a+af_b(3)", ab);
        var (thirds, thirdsTable) = library.Combine("af_a(0.3333)-af_c");
        Assert.Equal("af_a(0.3333)-af_c", thirds);
        Assert.Same(abTable, library.Resolve(ab));                  // used: now the most recent
        var (bc, _) = library.Combine("af_b+af_c");                  // a third mix: the least recent one (thirds) goes
        Assert.Equal(2, library.CombinedCount);
        Assert.Equal(["af_a", "af_a+af_b(3)", "af_b", "af_b+af_c", "af_c"], library.Names);
        Assert.False(library.Contains(thirds));
        // Evicted, yet its name still speaks: it is mixed again from the recipe, to the same numbers.
        Assert.Equal(thirdsTable, library.Resolve(thirds));
        // A loaded voice "combined" alone is not a new voice and takes no room.
        Assert.Equal("af_a", library.Combine("af_a").Name);
        Assert.Equal(2, library.CombinedCount);
        Assert.True(library.Contains(bc));
    }

    [SkippableFact]
    public void Weighted_mix_of_real_voices_equals_the_weighted_mean_of_their_files()
    {
        Skip.If(SharedAssets.KokoroDir is null, SharedAssets.MissingMessage);
        var library = new KokoroVoiceLibrary();
        Assert.Equal(54, library.LoadDirectory(Path.Combine(SharedAssets.KokoroDir!, "voices")));
        var bella = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(SharedAssets.KokoroDir!, "voices", "af_bella.bin"))).ToArray();
        var sky = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(SharedAssets.KokoroDir!, "voices", "af_sky.bin"))).ToArray();

        var mix = library.Resolve("af_bella(2)+af_sky(1)");
        var equal = library.Resolve("af_bella+af_sky");
        for (var i = 0; i < mix.Length; i += 97)
        {
            Assert.Equal((2 * bella[i] + sky[i]) / 3, mix[i], 5);
            Assert.Equal((bella[i] + sky[i]) / 2, equal[i], 5);
        }
    }

    [Fact]
    public void OpenAi_names_map_to_kokoro_voices_and_unknown_names_are_404()
    {
        var library = new KokoroVoiceLibrary();
        var alloy = Table(1);
        library.Add("af_alloy", alloy);
        Assert.Same(alloy, library.Resolve("alloy"));
        var e = Assert.Throws<NotFoundException>(() => library.Resolve("af_nobody"));
        Assert.Equal("voice", e.Param);
        Assert.Throws<InvalidRequestException>(() => library.Resolve("af_alloy(-1)+af_alloy"));
        Assert.Throws<InvalidRequestException>(() => library.Resolve("../etc/passwd"));
    }

    [Fact]
    public void Style_row_is_phoneme_count_minus_one_and_at_most_509()
    {
        // hexgrad/kokoro pipeline.py KPipeline.infer: pack[len(ps) - 1] (Reference/KokoroReferenceTests has the fixture).
        var table = Table(2);
        Assert.Equal(table[2 * 256], KokoroVoiceLibrary.StyleRow(table, 3)[0]);
        Assert.Equal(table[509 * 256 + 7], KokoroVoiceLibrary.StyleRow(table, 5000)[7]);
    }

    [Fact]
    public void Npz_bundle_reads_every_voice()
    {
        var path = Path.Combine(Path.GetTempPath(), $"voices-{Guid.NewGuid():N}.npz");
        var a = Table(3);
        var b = Table(4);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            WriteNpy(zip, "af_a.npy", a);
            WriteNpy(zip, "am_b.npy", b);
        }
        var library = new KokoroVoiceLibrary();
        Assert.Equal(2, library.LoadNpz(path));
        Assert.Equal(a, library.Resolve("af_a"));
        Assert.Equal(b, library.Resolve("am_b"));
        File.Delete(path);
    }

    /// <summary>Writes a .npy v1.0 file as numpy.save does: magic, version, padded dict header, raw data.</summary>
    private static void WriteNpy(ZipArchive zip, string name, float[] data)
    {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (510, 1, 256), }";
        var headerLength = dict.Length + 1;
        var pad = (64 - (10 + headerLength) % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        using var stream = zip.CreateEntry(name).Open();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
