using System.Text.RegularExpressions;
using static TtsService.Text.Normalization.NumberWords;

namespace TtsService.Text.Normalization;

/// <summary>Abbreviations, Roman numerals, optional plurals and symbols.</summary>
public sealed partial class EnglishTextNormalizer
{
    // ---- Abbreviations --------------------------------------------------------------------

    [GeneratedRegex(@"(?<![A-Za-z0-9.])(?<abbr>Mrs|Mr|Ms|Dr|St|Prof|Jr|Sr|Mt|Ave|Blvd|Rd|Gen|Capt|Lt|Sgt|Col|Gov|Sen|Rev|Hon|Dept|Fig|fig|Vol|vol|No|no|vs|etc|approx|ca|e\.g|i\.e|a\.k\.a)(?<dot>\.)?(?![A-Za-z0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex AbbreviationPattern();

    /// <summary>Titles that come before a name.</summary>
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["Mr"] = "Mister", ["Mrs"] = "Missus", ["Ms"] = "Miz", ["Prof"] = "Professor", ["Gen"] = "General",
        ["Capt"] = "Captain", ["Lt"] = "Lieutenant", ["Sgt"] = "Sergeant", ["Col"] = "Colonel", ["Gov"] = "Governor",
        ["Sen"] = "Senator", ["Rev"] = "Reverend", ["Hon"] = "Honorable", ["Mt"] = "Mount",
    };

    private static string? Abbreviation(Match m, string input)
    {
        var abbr = m.Groups["abbr"].Value;
        var dot = m.Groups["dot"].Success;
        var end = m.Index + m.Length;
        var nameFollows = end + 1 < input.Length && input[end] == ' ' && char.IsUpper(input[end + 1]);
        var digitFollows = end + 1 < input.Length && (char.IsAsciiDigit(input[end]) || (input[end] == ' ' && char.IsAsciiDigit(input[end + 1])));
        // A period that also ends the sentence is kept ("He lives on Baker St. Then ...").
        var keepPeriod = dot && IsSentenceEndAfter(input, end) ? "." : "";

        if (Titles.TryGetValue(abbr, out var title))
        {
            // "Mr." is never anything else; British "Mr Smith" has no period; "Gen Z" is not a general.
            var personal = abbr is "Mr" or "Mrs" or "Ms";
            return (personal && (dot || nameFollows)) || (dot && nameFollows) ? title : null;
        }

        switch (abbr)
        {
            case "Dr" or "St":
                if (!dot && !nameFollows) return null;
                var (previous, initial) = PreviousWord(input, m.Index);
                // "Main St." / "5th St." is a street; "St. Louis" / "Dr. Smith" is a saint / doctor.
                var afterStreetName = previous.Length > 0 && !initial && (char.IsUpper(previous[0]) || char.IsAsciiDigit(previous[0]));
                if (abbr == "St")
                    return nameFollows && !afterStreetName ? "Saint" : "Street" + keepPeriod;
                return nameFollows || !afterStreetName ? "Doctor" : "Drive" + keepPeriod;
            case "vs":
                return "versus";
        }
        if (!dot) return null;
        return abbr switch
        {
            "Jr" => "Junior",
            "Sr" => "Senior",
            "Ave" => "Avenue" + keepPeriod,
            "Blvd" => "Boulevard" + keepPeriod,
            "Rd" => "Road" + keepPeriod,
            "Dept" => "Department" + keepPeriod,
            "etc" => "et cetera" + keepPeriod,
            "approx" => "approximately",
            "e.g" => "for example",
            "i.e" => "that is",
            "a.k.a" => "also known as",
            "No" or "no" when digitFollows => "number",
            "Fig" or "fig" when digitFollows => "figure",
            "Vol" or "vol" => "volume",
            "ca" when digitFollows => "circa",
            _ => null,
        };
    }

    // ---- Roman numerals -------------------------------------------------------------------

    // Words after which a Roman numeral is a number: "Chapter IV" → "Chapter four".
    private static readonly HashSet<string> NumeralKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "Chapter", "Part", "Book", "Volume", "Act", "Scene", "Section", "Episode", "Phase", "Article", "Level",
        "Round", "Stage", "Type", "Class", "Category", "War", "Bowl", "Appendix", "Psalm", "Canto", "Season",
        "Series", "Tier", "Mk", "Grade", "Year", "Unit", "Division", "Amendment", "Title",
    };

    // Names that take regnal numbers: "Henry VIII" → "Henry the Eighth".
    private static readonly HashSet<string> RegnalNames = new(StringComparer.Ordinal)
    {
        "Henry", "Edward", "George", "William", "Charles", "James", "Elizabeth", "Mary", "Richard", "John", "Louis",
        "Philip", "Peter", "Paul", "Catherine", "Frederick", "Napoleon", "Alexander", "Nicholas", "Pius", "Leo",
        "Benedict", "Gregory", "Innocent", "Clement", "Urban", "Boniface", "Francis", "Ferdinand", "Wilhelm",
        "Ludwig", "Gustav", "Gustavus", "Constantine", "Ivan", "Ramesses", "Ramses", "Thutmose", "Amenhotep",
        "Alfonso", "Juan", "Carlos", "Felipe", "Otto", "Harald", "Olaf", "Christian", "Haakon", "Rudolf",
        "Leopold", "Sixtus", "Julius", "Adrian", "Stephen", "David", "Robert", "Edmund", "Harold", "Anne",
        "Joseph", "Maximilian", "Sigismund", "Casimir", "Manuel", "Pedro", "Umberto", "Vittorio", "Emmanuel",
        "Selim", "Suleiman", "Mehmed", "Murad", "Rama", "Darius", "Xerxes", "Cyrus", "Ptolemy", "Antiochus",
        "Charlemagne", "Canute", "Valdemar", "Sancho", "Frederik", "Willem", "Victor", "Albert", "Baldwin",
    };

    // Words that are capitalised only because they start a sentence or are function words.
    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "The", "A", "An", "And", "Or", "But", "If", "When", "In", "On", "At", "To", "For", "Of", "With", "By",
        "From", "As", "So", "This", "That", "These", "Those", "My", "Your", "His", "Her", "Our", "Their", "Its",
        "Is", "Was", "Are", "Were", "Then", "Now", "Yes", "No", "Not", "Did", "Do", "Can", "Will", "Should",
    };

    [GeneratedRegex(@"(?<![A-Za-z0-9'’-])(?<prev>[A-Za-z][a-z]+)\s(?<rom>[IVXLCDM]{1,9})(?![A-Za-z0-9'’])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeoutMs)]
    private static partial Regex RomanPattern();

    private static string? Roman(Match m, string input)
    {
        var previous = m.Groups["prev"].Value;
        var numeral = m.Groups["rom"].Value;
        var value = RomanValue(numeral);
        if (value <= 0) return null;
        // Single C, D, L, M are letters ("Type C", "Appendix D"); "I" is the pronoun unless a name
        // clearly owns it and no lower-case word follows ("Elizabeth I was" stays as written).
        if (numeral.Length == 1 && numeral is not ("I" or "V" or "X")) return null;
        var end = m.Index + m.Length;
        var lowerWordFollows = end + 1 < input.Length && input[end] == ' ' && char.IsLower(input[end + 1]);

        if (NumeralKeywords.Contains(previous))
            return previous + " " + Cardinal(value);
        if (RegnalNames.Contains(previous))
        {
            if (numeral == "I" && lowerWordFollows) return null;
            var ordinal = Ordinal(value);
            return previous + " the " + char.ToUpperInvariant(ordinal[0]) + ordinal[1..];
        }
        // Other capitalised words ("Rocky II", "Apollo XI", "Final Fantasy VII"): only numerals of
        // I, V and X and at least two letters, so "Washington DC" and "Malcolm X" stay as written.
        if (char.IsUpper(previous[0]) && !NotNames.Contains(previous) && numeral.Length >= 2 && numeral.AsSpan().IndexOfAnyExcept("IVX") < 0)
            return previous + " " + Cardinal(value);
        return null;
    }

    /// <summary>Value of a canonically written Roman numeral (1 to 3999), or -1.</summary>
    internal static int RomanValue(string numeral)
    {
        var total = 0;
        for (var i = 0; i < numeral.Length; i++)
        {
            var v = DigitValue(numeral[i]);
            var next = i + 1 < numeral.Length ? DigitValue(numeral[i + 1]) : 0;
            total += v < next ? -v : v;
        }
        return total is > 0 and < 4000 && ToRoman(total) == numeral ? total : -1;

        static int DigitValue(char c) => c switch
        {
            'I' => 1, 'V' => 5, 'X' => 10, 'L' => 50, 'C' => 100, 'D' => 500, 'M' => 1000, _ => 0,
        };
    }

    private static string ToRoman(int value)
    {
        ReadOnlySpan<int> values = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1];
        string[] symbols = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"];
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < values.Length; i++)
            for (; value >= values[i]; value -= values[i]) sb.Append(symbols[i]);
        return sb.ToString();
    }

    // ---- Optional plurals and symbols -----------------------------------------------------

    [GeneratedRegex(@"(?<=[A-Za-z])\([sS]\)", RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex OptionalPluralPattern();

    // '%' right after a number is left to the number pass; an '@' inside a word is an address, left
    // as written when email normalization is off.
    [GeneratedRegex(@"(?<=\b[CF])#(?![A-Za-z0-9])|#(?=\s?[0-9])|#(?=[A-Za-z])|~(?=\s?[-−]?[0-9])|°[CF](?![A-Za-z])|(?<![0-9] ?)%|(?<![A-Za-z0-9])@|@(?![A-Za-z0-9])|[&+=×÷±°≈]",
        RegexOptions.CultureInvariant, TimeoutMs)]
    private static partial Regex SymbolPattern();

    private static string? Symbol(Match m, string input)
    {
        var s = m.Value;
        if (s == "#")
        {
            var end = m.Index + 1;
            if (m.Index > 0 && input[m.Index - 1] is 'C' or 'F' && (end >= input.Length || !char.IsLetterOrDigit(input[end]))) return "sharp";
            return end < input.Length && char.IsAsciiLetter(input[end]) ? "hashtag" : "number";
        }
        return s switch
        {
            "&" => "and",
            "@" => "at",
            "+" => "plus",
            "=" => "equals",
            "×" => "times",
            "÷" => "divided by",
            "±" => "plus or minus",
            "≈" => "approximately",
            "~" => "about",
            "%" => "percent",
            "°C" => "degrees Celsius",
            "°F" => "degrees Fahrenheit",
            "°" => "degrees",
            _ => null,
        };
    }
}
