using TtsService.Text;
using TtsService.Text.Normalization;

namespace TtsService.Tests.Text.Normalization;

/// <summary>Realistic sentences and exactly what the normalizer must make of them.</summary>
public class EnglishTextNormalizerTableTests
{
    private static readonly EnglishTextNormalizer Normalizer = new();
    private static readonly NormalizationOptions WithUnits = new() { UnitNormalization = true };

    public static TheoryData<string, string> DefaultCases => new()
    {
        // Cardinals, large numbers, negatives, decimals
        { "I have 3 cats and 12 dogs.", "I have three cats and twelve dogs." },
        { "The stadium holds 45,000 people.", "The stadium holds forty-five thousand people." },
        { "The population is 1,234,567 today.", "The population is one million two hundred thirty-four thousand five hundred sixty-seven today." },
        { "We sold 100 copies on day 0.", "We sold one hundred copies on day zero." },
        { "It fell to -5 overnight.", "It fell to minus five overnight." },
        { "Pi is roughly 3.14159.", "Pi is roughly three point one four one five nine." },
        { "Only 0.5 of a cup is needed.", "Only zero point five of a cup is needed." },
        { "The ball was .5 inches wide.", "The ball was point five inches wide." },
        { "Upgrade to version 2.0.1 now.", "Upgrade to version two point zero point one now." },
        { "Agent 007 reported in.", "Agent zero zero seven reported in." },
        { "They counted 3000 birds.", "They counted three thousand birds." },
        { "A total of 1,500 votes were cast.", "A total of one thousand five hundred votes were cast." },
        { "The debt reached 31,400,000,000,000 dollars.", "The debt reached thirty-one trillion four hundred billion dollars." },
        { "Numbers 1,2,3 are in the list.", "Numbers one,two,three are in the list." },
        { "Her MP3 player has 4K video.", "Her MP three player has four K video." },
        { "The COVID-19 rules changed.", "The COVID-nineteen rules changed." },

        // Ordinals
        { "She finished 1st in the race.", "She finished first in the race." },
        { "He came 22nd out of 30.", "He came twenty-second out of thirty." },
        { "This is our 3rd attempt.", "This is our third attempt." },
        { "We live in the 21st century.", "We live in the twenty-first century." },
        { "It was the 101st time.", "It was the one hundred first time." },
        { "The 12th and 13th floors are closed.", "The twelfth and thirteenth floors are closed." },

        // Years and decades
        { "She was born in 1999.", "She was born in nineteen ninety-nine." },
        { "The plan ends in 2025.", "The plan ends in twenty twenty-five." },
        { "They married in 2005.", "They married in two thousand five." },
        { "The war ended in 1945.", "The war ended in nineteen forty-five." },
        { "The house was built in 1905.", "The house was built in nineteen oh five." },
        { "Everything changed in 2000.", "Everything changed in two thousand." },
        { "The bridge opened in 1900.", "The bridge opened in nineteen hundred." },
        { "The Battle of Hastings was in 1066.", "The Battle of Hastings was in ten sixty-six." },
        { "Music from the 1990s is back.", "Music from the nineteen nineties is back." },
        { "I loved the '80s.", "I loved the eighties." },
        { "She is in her 20s.", "She is in her twenties." },
        { "Cities grew in the 1800s.", "Cities grew in the eighteen hundreds." },

        // Money
        { "It costs $5.50 today.", "It costs five dollars and fifty cents today." },
        { "Tickets are $20.", "Tickets are twenty dollars." },
        { "That is $1 exactly.", "That is one dollar exactly." },
        { "Gum costs $0.99 here.", "Gum costs ninety-nine cents here." },
        { "The fee is $1.01.", "The fee is one dollar and one cent." },
        { "The deal is worth $1.2 million.", "The deal is worth one point two million dollars." },
        { "They raised $3bn last year.", "They raised three billion dollars last year." },
        { "She earns $85k a year.", "She earns eighty-five thousand dollars a year." },
        { "The car sold for $1,250,000.", "The car sold for one million two hundred fifty thousand dollars." },
        { "A pint costs £4.20 in London.", "A pint costs four pounds and twenty pence in London." },
        { "It was only £1.", "It was only one pound." },
        { "The bill was €12.75.", "The bill was twelve euros and seventy-five cents." },
        { "The fine is 50€.", "The fine is fifty euros." },
        { "Lunch cost ¥1500 in Tokyo.", "Lunch cost one thousand five hundred yen in Tokyo." },
        { "The account is at -$40.", "The account is at minus forty dollars." },
        { "Candy was 50¢ back then.", "Candy was fifty cents back then." },
        { "Prices range from $5-10.", "Prices range from five dollars to ten." },
        { "He paid $5.00 for it.", "He paid five dollars for it." },

        // Percentages
        { "Sales rose 15% this quarter.", "Sales rose fifteen percent this quarter." },
        { "Inflation hit 3.5% in May.", "Inflation hit three point five percent in May." },
        { "Turnout fell by -2% overall.", "Turnout fell by minus two percent overall." },
        { "Only 100 % of the tests passed.", "Only one hundred percent of the tests passed." },

        // Dates
        { "It costs $5.50 on 3/4/2025.", "It costs five dollars and fifty cents on March fourth, twenty twenty-five." },
        { "The release is on 2025-03-04.", "The release is on March fourth, twenty twenty-five." },
        { "We met on March 4th.", "We met on March fourth." },
        { "The deadline is March 4, 2025.", "The deadline is March fourth, twenty twenty-five." },
        { "Her birthday is Dec. 25.", "Her birthday is December twenty-fifth." },
        { "The shop opened on 12/31/99.", "The shop opened on December thirty-first, ninety-nine." },
        { "The invoice is dated 25/12/2024.", "The invoice is dated December twenty-fifth, twenty twenty-four." },
        { "We celebrate the 4th of July.", "We celebrate the fourth of July." },
        { "From 1 Jan 2024 the rate is 5.25%.", "From the first of January twenty twenty-four the rate is five point two five percent." },
        { "The meeting moved to 4 March 2025.", "The meeting moved to the fourth of March twenty twenty-five." },
        { "The log says 2025-03-04T14:05 exactly.", "The log says March fourth, twenty twenty-five at fourteen oh five exactly." },

        // Times
        { "The train leaves at 3:30 pm.", "The train leaves at three thirty PM." },
        { "Check-in closes at 14:05.", "Check-in closes at fourteen oh five." },
        { "Let's meet at 9:00.", "Let's meet at nine o'clock." },
        { "The shift starts at 15:00.", "The shift starts at fifteen hundred." },
        { "Wake me at 7 a.m. tomorrow.", "Wake me at seven AM tomorrow." },
        { "The show starts at 8 p.m. Don't be late.", "The show starts at eight PM. Don't be late." },
        { "Doors open at 11AM sharp.", "Doors open at eleven AM sharp." },
        { "The lap time was 1:05:30 flat.", "The lap time was one oh five and thirty seconds flat." },
        { "Read John 3:16 aloud.", "Read John three sixteen aloud." },
        { "Our office hours are 9am-5pm on weekdays.", "Our office hours are nine AM to five PM on weekdays." },
        { "It happened at 12:00 am.", "It happened at twelve AM." },

        // Ranges, fractions, multiplication
        { "Read pages 10-20 tonight.", "Read pages ten to twenty tonight." },
        { "Add 3/4 cup of sugar.", "Add three quarters cup of sugar." },
        { "About 1/3 of voters agreed.", "About one third of voters agreed." },
        { "Use 1 1/2 cups of flour.", "Use one and one half cups of flour." },
        { "I rate it 8/10.", "I rate it eight out of ten." },
        { "We are open 24/7.", "We are open twenty-four seven." },
        { "We need 3-5 volunteers by 6/15.", "We need three to five volunteers by June fifteenth." },
        { "It is a 50-50 chance.", "It is a fifty-fifty chance." },
        { "The fix for CVE-2024-1234 shipped.", "The fix for CVE-twenty twenty-four-twelve thirty-four shipped." },
        { "Call 911 now!", "Call nine one one now!" },
        { "Stir in ½ teaspoon of salt.", "Stir in one half teaspoon of salt." },
        { "The screen is 1920x1080.", "The screen is nineteen twenty by ten eighty." },
        { "The new chip is 3x faster.", "The new chip is three times faster." },

        // Abbreviations
        { "Dr. Smith will see you now.", "Doctor Smith will see you now." },
        { "Mr. and Mrs. Jones arrived.", "Mister and Missus Jones arrived." },
        { "Ask Mrs. Brown and Ms. Green.", "Ask Missus Brown and Miz Green." },
        { "We visited St. Louis last fall.", "We visited Saint Louis last fall." },
        { "He lives on Baker St. in London.", "He lives on Baker Street in London." },
        { "Turn left onto Main St. Then stop.", "Turn left onto Main Street. Then stop." },
        { "Bring pens, paper, etc. to class.", "Bring pens, paper, et cetera to class." },
        { "It was Spain vs. France.", "It was Spain versus France." },
        { "Fruit, e.g. apples, is healthy.", "Fruit, for example apples, is healthy." },
        { "Prof. Lee teaches on Sunset Blvd. now.", "Professor Lee teaches on Sunset Boulevard now." },
        { "He was issue No. 5 of the series.", "He was issue number five of the series." },
        { "Martin Luther King Jr. spoke.", "Martin Luther King Junior spoke." },
        { "We hiked Mt. Everest.", "We hiked Mount Everest." },

        // Roman numerals
        { "Read Chapter IV before class.", "Read Chapter four before class." },
        { "Henry VIII had six wives.", "Henry the Eighth had six wives." },
        { "World War II ended in 1945.", "World War two ended in nineteen forty-five." },
        { "Queen Elizabeth II was crowned.", "Queen Elizabeth the Second was crowned." },
        { "Louis XIV built Versailles.", "Louis the Fourteenth built Versailles." },
        { "Part III is the best.", "Part three is the best." },
        { "They won Super Bowl LVII.", "They won Super Bowl fifty-seven." },
        { "I think I can do it.", "I think I can do it." },
        { "Then I left.", "Then I left." },
        { "Apollo XI landed on the moon.", "Apollo eleven landed on the moon." },
        { "He lives in Washington DC now.", "He lives in Washington DC now." },
        { "Malcolm X spoke here.", "Malcolm X spoke here." },
        { "King Charles III was crowned in 2023.", "King Charles the Third was crowned in twenty twenty-three." },
        { "Pope John Paul II visited in 1979.", "Pope John Paul the Second visited in nineteen seventy-nine." },
        { "Act II, Scene III begins here.", "Act two, Scene three begins here." },
        { "Plug in the Type C cable.", "Plug in the Type C cable." },

        // URLs and emails
        { "Visit https://www.example.com for details.", "Visit w w w dot example dot com for details." },
        { "The docs are at https://docs.example.org/guide/install.", "The docs are at docs dot example dot org slash guide slash install." },
        { "See example.com for more.", "See example dot com for more." },
        { "The server runs at http://localhost:8080/api now.", "The server runs at localhost colon eight zero eight zero slash api now." },
        { "Search https://example.com/search?q=tts&lang=en today.", "Search example dot com slash search question mark q equals tts and lang equals en today." },
        { "Email john.smith@example.com with questions.", "Email john dot smith at example dot com with questions." },
        { "Write to support-team@my-company.co.uk today.", "Write to support dash team at my dash company dot co dot uk today." },
        { "Edit setup.py and main.rs first.", "Edit setup.py and main.rs first." },

        // Phone numbers
        { "Call (555) 123-4567 today.", "Call five five five, one two three, four five six seven today." },
        { "Call us at +1 555-123-4567.", "Call us at plus one, five five five, one two three, four five six seven." },
        { "Dial 1-800-555-0199 for help.", "Dial one, eight hundred, five five five, zero one nine nine for help." },
        { "Our London office is +44 20 7946 0958.", "Our London office is plus four four, two zero, seven nine four six, zero nine five eight." },

        // Symbols and optional plurals
        { "Salt & pepper are on the table.", "Salt and pepper are on the table." },
        { "Reply @support on the forum.", "Reply at support on the forum." },
        { "We know that 2 + 2 = 4.", "We know that two plus two equals four." },
        { "She codes in C# and C++.", "She codes in C sharp and C plus plus." },
        { "He was #1 in the charts.", "He was number one in the charts." },
        { "It will take ~5 minutes.", "It will take about five minutes." },
        { "Select the file(s) to upload.", "Select the files to upload." },
        { "It's 25°C outside.", "It's twenty-five degrees Celsius outside." },
        { "Q&A starts soon.", "Q and A starts soon." },

        // Text that must pass through untouched
        { "Hello there, how are you?", "Hello there, how are you?" },
        { "Café déjà vu, naïve façade.", "Café déjà vu, naïve façade." },
        { "你好，世界。今天是2025年。", "你好，世界。今天是2025年。" },
        { "مرحبا بالعالم 123", "مرحبا بالعالم 123" },
        { "Great job 🎉🎉 see you soon!", "Great job 🎉🎉 see you soon!" },
    };

    public static TheoryData<string, string> UnitCases => new()
    {
        { "The race is 10 km long.", "The race is ten kilometers long." },
        { "It weighs 1 kg.", "It weighs one kilogram." },
        { "The limit is 65 mph here.", "The limit is sixty-five miles per hour here." },
        { "Water boils at 100°C.", "Water boils at one hundred degrees Celsius." },
        { "The phone has 128 GB of storage.", "The phone has one hundred twenty-eight gigabytes of storage." },
        { "Our link runs at 100 Mbps.", "Our link runs at one hundred megabits per second." },
        { "Add 2.5 kg of flour.", "Add two point five kilograms of flour." },
        { "The tower is 300m tall.", "The tower is three hundred meters tall." },
        { "The CPU runs at 3.2 GHz.", "The CPU runs at three point two gigahertz." },
        { "The trail climbs 5,280 ft quickly.", "The trail climbs five thousand two hundred eighty feet quickly." },
        { "Drink 500 ml of water.", "Drink five hundred milliliters of water." },
        { "The wind hit 90 km/h today.", "The wind hit ninety kilometers per hour today." },
        { "It dropped to -10°F overnight.", "It dropped to minus ten degrees Fahrenheit overnight." },
        { "I ran 5 in a row.", "I ran five in a row." },
    };

    [Theory]
    [MemberData(nameof(DefaultCases))]
    public void Default_options(string input, string expected) =>
        Assert.Equal(expected, Normalizer.Normalize(input, NormalizationOptions.Default));

    [Theory]
    [MemberData(nameof(UnitCases))]
    public void Unit_normalization(string input, string expected) =>
        Assert.Equal(expected, Normalizer.Normalize(input, WithUnits));

    [Fact]
    public void The_table_has_at_least_one_hundred_cases() =>
        Assert.True(DefaultCases.Count + UnitCases.Count >= 100);
}
