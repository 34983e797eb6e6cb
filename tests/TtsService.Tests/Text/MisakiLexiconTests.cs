using System.Text.Json;
using TtsService.Inference.Kokoro;
using TtsService.Text.Espeak;
using TtsService.Text.Phonemes;

namespace TtsService.Tests.Text;

/// <summary>misaki's lexicon files (same JSON shape as hexgrad/misaki's data) take precedence over espeak-ng for the words they list.</summary>
public sealed class MisakiLexiconTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tts-misaki-lexicon").FullName;

    private void Write(string file, object entries) => File.WriteAllText(Path.Combine(_dir, file), JsonSerializer.Serialize(entries));

    [Fact]
    public void Gold_wins_over_silver_and_part_of_speech_entries_use_default()
    {
        Write("us_gold.json", new Dictionary<string, object?> { ["quick"] = "kwˈIk", ["read"] = new Dictionary<string, string?> { ["DEFAULT"] = "ɹˈid", ["VBD"] = "ɹˈɛd" }, ["NASA"] = "nˈæsə" });
        Write("us_silver.json", new Dictionary<string, object?> { ["quick"] = "WRONG", ["zebra"] = "zˈibɹə" });
        var lexicon = new MisakiLexicon(_dir);
        Assert.True(lexicon.TryLookup("quick", false, out var quick));
        Assert.Equal("kwˈIk", quick);
        Assert.True(lexicon.TryLookup("Read", false, out var read)); // sentence-initial capital falls back to lower case
        Assert.Equal("ɹˈid", read);
        Assert.True(lexicon.TryLookup("zebra", false, out _));
        Assert.True(lexicon.TryLookup("NASA", false, out _));
        Assert.False(lexicon.TryLookup("quick", true, out _)); // no British files written
        Assert.Equal(4, lexicon.AmericanCount);
    }

    [SkippableFact]
    public void Listed_words_come_from_the_lexicon_the_rest_from_espeak_with_punctuation_in_place()
    {
        var espeak = new EspeakPhonemizer();
        Skip.IfNot(espeak.IsAvailable, "libespeak-ng1 is not installed");
        // Deliberately unlike espeak's readings, so the source of each word is visible.
        Write("us_gold.json", new Dictionary<string, string> { ["quick"] = "kwˈIk", ["world"] = "wˈOɹld" });
        var g2p = new KokoroG2P(espeak, new MisakiLexicon(_dir));
        Assert.Equal("həlˈO, kwˈIk wˈOɹld!", g2p.Phonemize("Hello, quick world!", "a"));
        // British text has no lexicon here: all espeak.
        Assert.Equal(new KokoroG2P(espeak).Phonemize("Hello, quick world!", "b"), g2p.Phonemize("Hello, quick world!", "b"));
        // Hyphenated compounds and numbers stay with espeak as a whole.
        Assert.Equal(new KokoroG2P(espeak).Phonemize("a quick-witted 42", "a"), g2p.Phonemize("a quick-witted 42", "a"));
    }

    [Fact]
    public async Task The_service_reads_the_lexicon_from_the_kokoro_model_folder()
    {
        StandinModels.KokoroStandin.Write(_dir, Infrastructure.SharedAssets.KokoroDir);
        File.WriteAllText(Path.Combine(_dir, "kokoro", "us_gold.json"), JsonSerializer.Serialize(new Dictionary<string, string> { ["quick"] = "kwˈIk" }));
        using var factory = Infrastructure.ServiceFactory.WithModels(_dir);
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/dev/phonemize", new StringContent("{\"text\": \"The quick fox.\", \"language\": \"a\"}", System.Text.Encoding.UTF8, "application/json"));
        var phonemes = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("phonemes").GetString();
        Assert.Contains("kwˈIk", phonemes);
    }

    [Theory]
    // Expected values follow misaki/en.py's _s, _ed and _ing rules for the stems below.
    [InlineData("cats", false, "kˈæts")]        // after a voiceless stop: s
    [InlineData("dogs", false, "dˈɔɡz")]        // otherwise: z
    [InlineData("buses", false, "bˈʌsᵻz")]      // after a sibilant: ᵻz (American)
    [InlineData("buses", true, "bˈʌsɪz")]       // ... ɪz (British)
    [InlineData("cities", false, "sˈɪɾiz")]     // -ies from -y
    [InlineData("cat's", false, "kˈæts")]       // possessive
    [InlineData("walked", false, "wˈɔkt")]      // after k: t
    [InlineData("played", false, "plˈAd")]      // otherwise: d
    [InlineData("needed", false, "nˈidᵻd")]     // after d: ᵻd (a stem "need", so not the -eed exception)
    [InlineData("waited", false, "wˈAɾᵻd")]     // t after a US tau vowel flaps
    [InlineData("waited", true, "wˈAtɪd")]      // British keeps t
    [InlineData("walking", false, "wˈɔkɪŋ")]
    [InlineData("making", false, "mˈAkɪŋ")]     // stem + e
    [InlineData("running", false, "ɹˈʌnɪŋ")]    // doubled consonant
    [InlineData("waiting", false, "wˈAɾɪŋ")]    // flap before -ing
    [InlineData("Cats", false, "kˈæts")]        // Capitalized: lower-cased
    [InlineData("CATS", false, "kˈæts")]        // ALL CAPS: lower-cased
    public void Inflected_forms_follow_misakis_suffix_rules(string word, bool british, string expected)
    {
        var stems = new Dictionary<string, string>
        {
            ["cat"] = "kˈæt", ["dog"] = "dˈɔɡ", ["bus"] = "bˈʌs", ["city"] = "sˈɪɾi", ["walk"] = "wˈɔk", ["play"] = "plˈA",
            ["need"] = "nˈid", ["make"] = "mˈAk", ["run"] = "ɹˈʌn",
        };
        Write("us_gold.json", stems.Append(new("wait", "wˈAt")).ToDictionary());
        Write("gb_gold.json", stems.Append(new("wait", "wˈAt")).ToDictionary());
        Assert.True(new MisakiLexicon(_dir).TryLookup(word, british, out var phonemes));
        Assert.Equal(expected, phonemes);
    }

    [Fact]
    public void A_broken_file_is_skipped_not_fatal()
    {
        File.WriteAllText(Path.Combine(_dir, "us_gold.json"), "{ not json");
        Write("us_silver.json", new Dictionary<string, string> { ["zebra"] = "zˈibɹə" });
        var lexicon = new MisakiLexicon(_dir);
        Assert.Equal(1, lexicon.AmericanCount);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
