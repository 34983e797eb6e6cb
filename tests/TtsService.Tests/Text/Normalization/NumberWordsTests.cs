using TtsService.Text.Normalization;

namespace TtsService.Tests.Text.Normalization;

public class NumberWordsTests
{
    [Theory]
    [InlineData(0, "zero")]
    [InlineData(13, "thirteen")]
    [InlineData(40, "forty")]
    [InlineData(99, "ninety-nine")]
    [InlineData(100, "one hundred")]
    [InlineData(101, "one hundred one")]
    [InlineData(1_000, "one thousand")]
    [InlineData(1_000_001, "one million one")]
    [InlineData(-42, "minus forty-two")]
    [InlineData(999_999_999_999, "nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine")]
    [InlineData(long.MaxValue, "nine quintillion two hundred twenty-three quadrillion three hundred seventy-two trillion thirty-six billion eight hundred fifty-four million seven hundred seventy-five thousand eight hundred seven")]
    public void Cardinal(long value, string expected) => Assert.Equal(expected, NumberWords.Cardinal(value));

    [Theory]
    [InlineData(1, "first")]
    [InlineData(2, "second")]
    [InlineData(3, "third")]
    [InlineData(5, "fifth")]
    [InlineData(8, "eighth")]
    [InlineData(9, "ninth")]
    [InlineData(11, "eleventh")]
    [InlineData(12, "twelfth")]
    [InlineData(20, "twentieth")]
    [InlineData(42, "forty-second")]
    [InlineData(100, "one hundredth")]
    [InlineData(1_000_000, "one millionth")]
    public void Ordinal(long value, string expected) => Assert.Equal(expected, NumberWords.Ordinal(value));

    [Theory]
    [InlineData(1999, "nineteen ninety-nine")]
    [InlineData(2025, "twenty twenty-five")]
    [InlineData(2005, "two thousand five")]
    [InlineData(2000, "two thousand")]
    [InlineData(1905, "nineteen oh five")]
    [InlineData(1900, "nineteen hundred")]
    [InlineData(2010, "twenty ten")]
    [InlineData(1066, "ten sixty-six")]
    [InlineData(800, "eight hundred")]
    public void Year(int year, string expected) => Assert.Equal(expected, NumberWords.Year(year));

    [Theory]
    [InlineData("007", "zero zero seven")]
    [InlineData("1,234", "one thousand two hundred thirty-four")]
    [InlineData("0", "zero")]
    [InlineData("1234567890123456789012", "one two three four five six seven eight nine zero one two three four five six seven eight nine zero one two")]
    public void Integer(string text, string expected) => Assert.Equal(expected, NumberWords.Integer(text));

    [Theory]
    [InlineData("-3.25", "minus three point two five")]
    [InlineData("1,000.5", "one thousand point five")]
    [InlineData(".75", "point seven five")]
    public void Number(string text, string expected) => Assert.Equal(expected, NumberWords.Number(text));

    [Theory]
    [InlineData("IV", 4)]
    [InlineData("VIII", 8)]
    [InlineData("XIV", 14)]
    [InlineData("LVII", 57)]
    [InlineData("MCMXCIV", 1994)]
    [InlineData("IIII", -1)]
    [InlineData("IC", -1)]
    [InlineData("VX", -1)]
    [InlineData("MMMM", -1)]
    public void Roman_values_only_for_canonical_numerals(string numeral, int expected) =>
        Assert.Equal(expected, EnglishTextNormalizer.RomanValue(numeral));
}
