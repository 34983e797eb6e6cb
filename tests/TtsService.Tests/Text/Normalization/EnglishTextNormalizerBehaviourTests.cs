using System.Text;
using System.Text.RegularExpressions;
using TtsService.Text;
using TtsService.Text.Normalization;

namespace TtsService.Tests.Text.Normalization;

public class EnglishTextNormalizerBehaviourTests
{
    private static readonly EnglishTextNormalizer Normalizer = new();

    // ---- Options switch features off --------------------------------------------------------

    [Fact]
    public void Normalize_off_returns_the_text_unchanged()
    {
        const string text = "It costs $5.50 on 3/4/2025 at 3:30 pm, see https://example.com.";
        Assert.Same(text, Normalizer.Normalize(text, new NormalizationOptions { Normalize = false }));
    }

    [Fact]
    public void Url_normalization_off_leaves_urls_as_written()
    {
        const string text = "Visit https://example.com/docs now.";
        Assert.Equal("Visit example dot com slash docs now.", Normalizer.Normalize(text, NormalizationOptions.Default));
        Assert.Equal(text, Normalizer.Normalize(text, new NormalizationOptions { UrlNormalization = false }));
    }

    [Fact]
    public void Email_normalization_off_leaves_addresses_as_written()
    {
        const string text = "Email john.smith@example.com today.";
        Assert.Equal("Email john dot smith at example dot com today.", Normalizer.Normalize(text, NormalizationOptions.Default));
        Assert.Equal(text, Normalizer.Normalize(text, new NormalizationOptions { EmailNormalization = false }));
    }

    [Fact]
    public void Phone_normalization_off_reads_the_digits_as_ordinary_numbers()
    {
        const string text = "Call (555) 123-4567 today.";
        var on = Normalizer.Normalize(text, NormalizationOptions.Default);
        var off = Normalizer.Normalize(text, new NormalizationOptions { PhoneNormalization = false });
        Assert.Contains("five five five, one two three", on);
        Assert.DoesNotContain("five five five", off);
        Assert.Contains("five hundred fifty-five", off);
    }

    [Fact]
    public void Unit_normalization_is_off_by_default_and_leaves_the_unit_symbol()
    {
        Assert.False(NormalizationOptions.Default.UnitNormalization);
        Assert.Equal("The race is ten km long.", Normalizer.Normalize("The race is 10 km long.", NormalizationOptions.Default));
        Assert.Equal("The race is ten kilometers long.", Normalizer.Normalize("The race is 10 km long.", new NormalizationOptions { UnitNormalization = true }));
    }

    [Fact]
    public void Optional_pluralization_off_keeps_the_parenthesis()
    {
        const string text = "Select the file(s) to upload.";
        Assert.Equal("Select the files to upload.", Normalizer.Normalize(text, NormalizationOptions.Default));
        Assert.Equal(text, Normalizer.Normalize(text, new NormalizationOptions { OptionalPluralizationNormalization = false }));
    }

    // ---- No digits or currency symbols survive typical text ---------------------------------

    public static TheoryData<string> TypicalSentences => new()
    {
        "It costs $5.50 on 3/4/2025.",
        "On 2025-03-04 at 14:05 the price rose 12.5% to €1,299.99.",
        "Call +1 (555) 123-4567 or email help42@example.com before 5 p.m.",
        "The 3rd edition, published in 1999, sold 1,200,000 copies at £7 each.",
        "Between 10-20 people paid $3.2 million, i.e. about ¥450 per head, in the 1990s.",
        "Chapter IV: 2 + 2 = 4, and 1/3 of 99 is 33.",
        "Meet me on March 4th at 9:30 am, room #12, floor 22nd.",
        "Visit https://example.com/page/2?id=12345 for the 50% discount.",
        "Temperatures hit -4°C and 25°F; the car does 0-60 in 3.5 seconds.",
        "Ranked No. 1 since '98, with 24/7 support and a 4K screen at 1920x1080.",
    };

    [Theory]
    [MemberData(nameof(TypicalSentences))]
    public void No_digit_or_currency_symbol_survives(string text)
    {
        foreach (var options in new[] { NormalizationOptions.Default, new NormalizationOptions { UnitNormalization = true } })
        {
            var spoken = Normalizer.Normalize(text, options);
            Assert.DoesNotMatch(new Regex("[0-9$£€¥%]"), spoken);
        }
    }

    // ---- Junk and any Unicode never throw ------------------------------------------------------

    public static TheoryData<string> HostileInputs => new()
    {
        "",
        " ",
        "\u0000\u0001\u001f",
        "🎉👍🏽👨‍👩‍👧‍👦 $5 🎉",
        "שלום 123 עולם $5.50",
        "e\u0301\u0301\u0301 5\u0301 $\u0301 1st\u20dd",
        "\ud800 lone high, lone low \udc00, 5\ud800",
        "\u200b\u200d\u2060\ufeff 3:30 pm \u202e 3/4/2025 \u202c",
        "$$$$$ €€€ ££ ¥ ¢ 5$ $ .5. .. ... -.- --5 −5 5−",
        "1.2.3.4.5.6.7.8.9.0 1:2:3:4 1/2/3/4 1-2-3-4-5 ((((5)))) #### @@@ &&& +++ ===",
        "http:// https://. www. @. a@b a@b.c x@y.zz.zz .com www.www.www.www",
        "99999999999999999999999999999999999999 $99999999999999999999999.999 1,000,000,000,000,000,000,000",
        "MMMMCMXCIX IIII Chapter MMMM Henry IIIII World War IL",
        "25:61 pm 0:00 am 00/00/0000 13/13/2013 2025-13-45 Feb. 30th 32nd of May",
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void Hostile_input_never_throws_under_any_options(string text)
    {
        foreach (var options in AllOptionCombinations())
        {
            var spoken = Normalizer.Normalize(text, options);
            Assert.NotNull(spoken);
        }
    }

    [Fact]
    public void Random_unicode_never_throws_and_keeps_well_formed_text_well_formed()
    {
        var random = new Random(20250304);
        string[] pieces =
        [
            "5", "12", "1,000", "3.14", "$", "£", "€", "¥", "%", "/", ":", "-", ".", ",", "@", "#", "&", "+", "=", "°",
            " ", " ", " ", "\n", "am", "pm", "st", "th", "km", "GB", "Dr.", "St.", "IV", "I", "(s)", "www.", ".com",
            "http://", "🎉", "👨‍👩‍👧", "é", "\u0301", "ש", "م", "中", "\u200d", "\u202e", "a", "Z", "x", "'", "\"",
        ];
        for (var i = 0; i < 300; i++)
        {
            var sb = new StringBuilder();
            var count = random.Next(1, 40);
            for (var j = 0; j < count; j++) sb.Append(pieces[random.Next(pieces.Length)]);
            var text = sb.ToString();
            foreach (var options in AllOptionCombinations())
            {
                var spoken = Normalizer.Normalize(text, options);
                Assert.True(IsWellFormed(spoken), $"broken UTF-16 for input {text}");
            }
        }
    }

    [Fact]
    public void Long_adversarial_input_completes()
    {
        // Repetitions that make naive patterns backtrack; here each pass stays linear.
        string[] units = ["1,", "a.", "1.", "1:", "1/", "1-", "@a", "a@", "www.a", "(5", "$1", "I ", "http://a.", "+1 "];
        foreach (var unit in units)
        {
            var text = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));
            var spoken = Normalizer.Normalize(text, new NormalizationOptions { UnitNormalization = true });
            Assert.False(string.IsNullOrEmpty(spoken));
        }
    }

    [Fact]
    public void Mostly_non_latin_text_is_left_alone_but_english_with_a_foreign_word_is_normalized()
    {
        Assert.Equal("Привет, у меня 3 кошки и $5.", Normalizer.Normalize("Привет, у меня 3 кошки и $5.", NormalizationOptions.Default));
        Assert.Equal("The word 你好 means hello in five languages.", Normalizer.Normalize("The word 你好 means hello in 5 languages.", NormalizationOptions.Default));
    }

    [Fact]
    public void The_normalizer_is_safe_to_share_between_threads()
    {
        const string text = "It costs $5.50 on 3/4/2025 at 3:30 pm.";
        var expected = Normalizer.Normalize(text, NormalizationOptions.Default);
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = Normalizer.Normalize(text, NormalizationOptions.Default));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    private static IEnumerable<NormalizationOptions> AllOptionCombinations()
    {
        for (var bits = 0; bits < 32; bits++)
        {
            yield return new NormalizationOptions
            {
                UnitNormalization = (bits & 1) != 0,
                UrlNormalization = (bits & 2) != 0,
                EmailNormalization = (bits & 4) != 0,
                OptionalPluralizationNormalization = (bits & 8) != 0,
                PhoneNormalization = (bits & 16) != 0,
            };
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
