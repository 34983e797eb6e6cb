using System.Text.Json;
using TtsService.Inference.Kokoro;

namespace TtsService.Tests.Reference;

/// <summary>
/// What one Kokoro call is fed, against hexgrad/kokoro run by tools/reference/make_fixtures.py:
/// <c>KPipeline.infer</c> picks <c>pack[len(ps) - 1]</c> (kokoro/pipeline.py), <c>KModel.forward</c>
/// wraps the ids as <c>[[0, *input_ids, 0]]</c> and passes speed through (kokoro/model.py); a phoneme
/// string over 510 is refused by <c>generate_from_tokens</c>, cut to 510 by the non-English text path,
/// and split by <c>en_tokenize</c>/<c>waterfall_last</c> for English. The fixture's voice pack holds
/// the value r in row r, so the style a call received names its row.
/// </summary>
public class KokoroReferenceTests
{
    private static JsonElement Section => ReferenceFixtures.Manifest.GetProperty("kokoro_style_rows");

    private static float[] RowNumberedPack()
    {
        var table = new float[KokoroVoiceLibrary.TableLength];
        for (var r = 0; r < KokoroVoiceLibrary.Rows; r++) table.AsSpan(r * KokoroModel.StyleDim, KokoroModel.StyleDim).Fill(r);
        return table;
    }

    private static KokoroVocab Vocab() =>
        new(Section.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));

    private static IEnumerable<JsonElement> Cases(string path) =>
        Section.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("path").GetString() == path);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(509)]
    [InlineData(510)]
    public void Ids_pads_style_row_and_speed_equal_kmodel_forward(int count)
    {
        var c = Cases("generate_from_tokens").Single(e => e.GetProperty("phoneme_count").GetInt32() == count && !e.TryGetProperty("note", out _));
        var call = c.GetProperty("calls").EnumerateArray().Single();
        var (ids, style) = KokoroBackend.ModelInputs(Vocab().Encode(c.GetProperty("phonemes").GetString()!), RowNumberedPack());
        Assert.Equal(call.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()), ids);
        Assert.Equal(call.GetProperty("row").GetInt32(), (int)style[0]);
        Assert.Equal(count - 1, (int)style[0]);
        Assert.Equal(KokoroModel.StyleDim, style.Length);
        Assert.True(ids.Length <= KokoroModel.MaxTokens);
        // KModel.forward hands speed to the network unchanged (KokoroModel.Run feeds it as float32 [1]).
        Assert.Equal(1.25, call.GetProperty("speed").GetDouble());
    }

    [Fact]
    public void Over_510_phonemes_each_call_stays_within_510_and_takes_row_length_minus_one()
    {
        // The reference refuses a 511-symbol phoneme string and cuts a longer non-English one to its first
        // 510 symbols (one call, row 509), dropping the rest. We split instead, so nothing is dropped, and
        // each call is fed by the same rule as a reference call.
        Assert.Contains("510", Cases("generate_from_tokens").Single(e => e.GetProperty("phoneme_count").GetInt32() == 511).GetProperty("raises").GetString());
        var cut = Cases("__call__ non-English").Single();
        var refCall = cut.GetProperty("calls").EnumerateArray().Single();
        Assert.Equal(509, refCall.GetProperty("row").GetInt32());
        Assert.Equal(512, refCall.GetProperty("input_ids").GetArrayLength());

        var vocab = Vocab();
        var phonemes = cut.GetProperty("phonemes").GetString()!;
        Assert.True(phonemes.Length > 510);
        var frontend = new KokoroFrontend(null!, null!, null!, vocab);
        var pieces = frontend.PiecesFromPhonemes(phonemes).ToList();
        Assert.True(pieces.Count >= 2);
        Assert.Equal(vocab.Filter(phonemes).Replace(" ", ""), string.Concat(pieces.Select(p => p.Phonemes)).Replace(" ", ""));
        foreach (var piece in pieces)
        {
            var (ids, style) = KokoroBackend.ModelInputs(piece.Ids, RowNumberedPack());
            Assert.InRange(piece.Ids.Count, 1, 510);
            Assert.Equal(piece.Ids.Count - 1, (int)style[0]);
            Assert.Equal((0L, 0L), (ids[0], ids[^1]));
        }
    }

    [Fact]
    public void English_reference_splits_long_input_at_sentence_ends_with_row_per_chunk()
    {
        // en_tokenize + waterfall_last: every chunk within 510 symbols, each call's row = its length − 1.
        var c = Cases("__call__ English").Single();
        var chunks = c.GetProperty("chunks").EnumerateArray().Select(e => e.GetString()!).ToList();
        var calls = c.GetProperty("calls").EnumerateArray().ToList();
        Assert.True(chunks.Count >= 2);
        Assert.Equal(chunks.Count, calls.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.InRange(chunks[i].Length, 1, 510);
            Assert.EndsWith(".", chunks[i]);
            Assert.Equal(chunks[i].Length - 1, calls[i].GetProperty("row").GetInt32());
            var (_, style) = KokoroBackend.ModelInputs(Vocab().Encode(chunks[i]), RowNumberedPack());
            Assert.Equal(calls[i].GetProperty("row").GetInt32(), (int)style[0]);
        }
    }
}
