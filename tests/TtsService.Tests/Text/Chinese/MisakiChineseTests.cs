using System.Reflection;
using TtsService.Text.Chinese;

namespace TtsService.Tests.Text.Chinese;

/// <summary>
/// Chinese for Kokoro v1.0, pinned to hexgrad/misaki's <c>ZHG2P()</c> (no version: <c>legacy_call</c>, the
/// path hexgrad/kokoro's pipeline takes for Kokoro-82M). Derivation: each expected string is what
/// <c>misaki.zh.ZHG2P()(text)[0]</c> printed, run from hexgrad/misaki's sources with jieba 0.42.1 (Debian
/// python3-jieba, the dict.txt jieba.NET ships), pypinyin 0.55.0 (mozillazg/python-pinyin 8595294) and cn2an
/// 0.5.24 (Ailln/cn2an) — the same versions the service's data come from. The steps it covers: cn2an numbers
/// (100元 → 一百元, 2024年 → 二零二四年, 50% → 百分之五十, 3/4 → 四分之三, 1-2公里 → 一到二公里, 5℃ → 五摄氏度),
/// map_punctuation, jieba words joined by spaces, pypinyin phrase readings for polyphones (银行 hang2, 行走
/// xing2; 长大 zhang3, 很长 chang2; 重要 zhong4, 重新 chong2; 还没 hai2, 还钱 huan2 is NOT what pypinyin says:
/// it reads 还 hai2 both times, and misaki follows it), transcription.py's IPA with tone arrows.
/// </summary>
public sealed class MisakiChineseTests
{
    private static readonly MisakiChinese G2P = new(ChineseWordSegmenter.Shared, Pinyin.Shared);

    public static TheoryData<string, string> Cases => new()
    {
        { "你好，今天天气很好。", "ni↓xau↓, ʨi→ntʰjɛ→ntʰjɛ→nʨʰi↘ xə↓n xau↓." },
        { "银行", "i↗nxa↗ŋ" },
        { "行走", "ɕi↗ŋʦou↓" },
        { "我们去银行取钱。", "wo↓mən ʨʰy↘ i↗nxa↗ŋ ʨʰy↓ ʨʰjɛ↗n." },
        { "他在街上行走。", "tʰa→ ʦai↘ ʨje→ʂa↘ŋ ɕi↗ŋʦou↓." },
        { "长大以后我想当老师。", "ꭧa↓ŋta↘ i↓xou↘ wo↓ ɕja↓ŋ ta→ŋ lau↓ʂɨ→." },
        { "这条河很长。", "ꭧɤ↘tʰjau↗xɤ↗ xə↓nꭧa↓ŋ." },
        { "重要的事情说三遍。", "ꭧʊ↘ŋjau↘ tɤ ʂɨ↘ʨʰi↗ŋ ʂwo→ sa→npjɛ↘n." },
        { "我们重新开始吧。", "wo↓mən ꭧʰʊ↗ŋɕi→n kʰai→ʂɨ↓ pa." },
        { "音乐让人快乐。", "i→nɥe↘ ɻa↘ŋ ɻə↗n kʰwai↘lɤ↘." },
        { "他还没有还钱。", "tʰa→ xai↗ mei↗jou↓ xai↗ ʨʰjɛ↗n." },
        { "我觉得这个觉睡得很好。", "wo↓ ʨɥe↗tɤ ꭧɤ↘kɤ ʨɥe↗ʂwei↘ tɤ↗ xə↓n xau↓." },
        { "这个地方很好玩。", "ꭧɤ↘kɤ ti↘fa→ŋ xə↓n xau↓wa↗n." },
        { "你会说中文吗？", "ni↓ xwei↘ ʂwo→ ꭧʊ→ŋwə↗n ma?" },
        { "我有100元。", "wo↓ jou↓ i↘pai↓ɥɛ↗n." },
        { "今天是2024年3月15日。", "ʨi→ntʰjɛ→n ʂɨ↘ ɚ↘li↗ŋɚ↘ sɨ↘njɛ↗n sa→nɥe↘ ʂɨ↗u↓ɻɨ↘." },
        { "价格是3.5元。", "ʨja↘kɤ↗ ʂɨ↘ sa→ntjɛ↓n u↓ɥɛ↗n." },
        { "增长了50%。", "ʦə→ŋꭧa↓ŋ lɤ pai↓fə→nꭧɨ→u↓ʂɨ↗." },
        { "今天气温是-5℃。", "ʨi→ntʰjɛ→n ʨʰi↘wə→n ʂɨ↘-u↓ ʂɤ↘ʂɨ↘tu↘." },
        { "大约3/4的人同意。", "ta↘ɥe→ sɨ↘fə→nꭧɨ→sa→n tɤ ɻə↗n tʰʊ↗ŋi↘." },
        { "他跑了1-2公里。", "tʰa→ pʰau↓ lɤ i→tau↘ ɚ↘ kʊ→ŋli↓." },
        { "第1名是谁？", "ti↘i↘mi↗ŋ ʂɨ↘ ʂwei↗?" },
        { "电话号码是12345。", "tjɛ↘nxwa↘xau↘ma↓ ʂɨ↘ i→wa↘nɚ↘ʨʰjɛ→n sa→npai↓ sɨ↘ʂɨ↗u↓." },
        { "一共1000000人。", "i→kʊ↘ŋ i↘pai↓wa↘n ɻə↗n." },
        { "零点五和0.5一样。", "li↗ŋtjɛ↓n u↓ xɤ↗ li↗ŋtjɛ↓n u↓ i→ja↘ŋ." },
        { "我们在2008年举办了奥运会。", "wo↓mən ʦai↘ ɚ↘li↗ŋli↗ŋpa→njɛ↗n ʨy↓pa↘n lɤ au↘y↘nxwei↘." },
        { "会议在10月1日开始。", "xwei↘i↘ ʦai↘ ʂɨ↗ɥe↘ i→ɻɨ↘ kʰai→ʂɨ↓." },
        { "这本书一百零五页。", "ꭧɤ↘ pə↓nʂu→ i↘pai↓li↗ŋu↓ je↘." },
        { "不是我的错。", "pu↗ʂɨ↘ wo↓ tɤ ʦʰwo↘." },
        { "不对，不要走。", "pu↘ twei↘, pu↗jau↘ ʦou↓." },
        { "一个人一天一起。", "i↗kɤ↘ ɻə↗n i→tʰjɛ→n i↘ʨʰi↓." },
        { "我一定会来的。", "wo↓ i↗ti↘ŋ xwei↘lai↗ tɤ." },
        { "老鼠很小。", "lau↓ʂu↓ xə↓nɕjau↓." },
        { "我很好。", "wo↓ xə↓n xau↓." },
        { "展览馆里有很多人。", "ꭧa↓nla↓nkwa↓n li↓ jou↓ xə↓ntwo→ ɻə↗n." },
        { "请问，洗手间在哪里？", "ʨʰi↓ŋwə↘n, ɕi↓ʂou↓ʨjɛ→n ʦai↘ na↓li↓?" },
        { "“你好”，他说。", "“ni↓xau↓”, tʰa→ ʂwo→." },
        { "（注意）这是测试！", "(ꭧu↘i↘) ꭧɤ↘ʂɨ↘ ʦʰɤ↘ʂɨ↘!" },
        { "他说：“我们走吧；天黑了。”", "tʰa→ ʂwo→: “wo↓mən ʦou↓ pa; tʰjɛ→nxei→ lɤ. ”" },
        { "这是《红楼梦》。", "ꭧɤ↘ʂɨ↘ “xʊ↗ŋlou↗mə↘ŋ” ." },
        { "我喜欢苹果和香蕉、西瓜。", "wo↓ ɕi↓xwa→n pʰi↗ŋkwo↓ xɤ↗ ɕja→ŋʨjau→, ɕi→kwa→." },
        { "你吃饭了吗", "ni↓ ꭧʰɨ→fa↘n lɤ ma" },
        { "好的……", "xau↓ tɤ……" },
        { "北京欢迎你", "pei↓ʨi→ŋ xwa→ni↗ŋ ni↓" },
        { "中华人民共和国成立了。", "ꭧʊ→ŋxwa↗ɻə↗nmi↗nkʊ↘ŋxɤ↗kwo↗ ꭧʰə↗ŋli↘ lɤ." },
        { "我爱学习人工智能。", "wo↓ ai↘ ɕɥe↗ɕi↗ ɻə↗nkʊ→ŋꭧɨ↘nə↗ŋ." },
        { "他的儿子叫小明。", "tʰa→ tɤ ɚ↗ʦɨ ʨjau↘ɕjau↓mi↗ŋ." },
        { "哪儿有卖东西的？", "na↓ɚ↗ jou↓ mai↘tʊ→ŋɕi→ tɤ?" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Text_gives_misakis_phonemes(string text, string expected) => Assert.Equal(expected, G2P.Phonemize(text));

    /// <summary>
    /// Every tone-3 syllable the dictionary holds (1,492) against misaki's <c>ZHG2P.py2ipa</c> (transcription.py
    /// <c>pinyin_to_ipa(py)[0]</c>, retoned, U+032F dropped as <c>legacy_call</c> does), printed by the same run.
    /// </summary>
    [Fact]
    public void Every_syllable_transcribes_as_misaki_does()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TtsService.Tests.Text.Chinese.Data.misaki_syllables.tsv")!;
        using var reader = new StreamReader(stream);
        var wrong = new List<string>();
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split('\t');
            count++;
            var actual = PinyinIpa.ToKokoro(parts[0]);
            if (actual != parts[1]) wrong.Add($"{parts[0]}: {actual} (misaki {parts[1]})");
        }
        Assert.Equal(1492, count);
        Assert.Empty(wrong);
    }

    /// <summary>
    /// Mixed text: misaki's legacy path passes Latin letters through as they are (Kokoro would read "Hello"
    /// as the phonemes h, e, l, l, o) and glued to the syllables around them; here they go to the English
    /// G2P instead, set off by spaces. The Chinese around them must still be misaki's (its output, printed by
    /// the same run, is in each line's comment), and the English must be what the English callback returned.
    /// </summary>
    [Theory]
    [InlineData("我用iPhone打电话。", "wo↓jʊ↘ŋ ", "iPhone", " ta↓tjɛ↘nxwa↘.")] // misaki: "wo↓jʊ↘ŋiPhoneta↓tjɛ↘nxwa↘."
    [InlineData("Hello世界", "", "Hello", " ʂɨ↘ʨje↘")]                         // misaki: "Helloʂɨ↘ʨje↘"
    [InlineData("我喜欢machine learning。", "wo↓ ɕi↓xwa→n ", "machine learning", ".")] // misaki: "wo↓ ɕi↓xwa→nmachine learning."
    public void Latin_words_go_to_the_english_g2p(string text, string before, string english, string after)
    {
        var g2p = new MisakiChinese(ChineseWordSegmenter.Shared, Pinyin.Shared, english: w => $"<{w.ToUpperInvariant()}>");
        Assert.Equal(before + $"<{english.ToUpperInvariant()}>" + after, g2p.Phonemize(text));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "")]
    public void Blank_text_gives_nothing(string text, string expected) => Assert.Equal(expected, G2P.Phonemize(text));

    /// <summary>
    /// pypinyin's <c>lazy_pinyin([word], style=Style.TONE3, tone_sandhi=True, neutral_tone_with_five=True)</c>,
    /// as ZipVoice calls it; expected values printed by pypinyin 0.55.0 itself.
    /// </summary>
    [Theory]
    [InlineData("你好", "ni2 hao3")]            // two third tones: the first becomes second
    [InlineData("老鼠", "lao2 shu3")]
    [InlineData("展览馆", "zhan2 lan2 guan3")]  // three: all but the last
    [InlineData("我很好", "wo2 hen2 hao3")]
    [InlineData("不是", "bu2 shi4")]            // 不 before a fourth tone
    [InlineData("不对", "bu2 dui4")]
    [InlineData("不好", "bu4 hao3")]            // 不 before anything else stays fourth
    [InlineData("一天", "yi4 tian1")]           // 一 before a first tone → fourth
    [InlineData("一定", "yi2 ding4")]           // the phrase dictionary already says yi2
    [InlineData("一个", "yi2 ge4")]
    [InlineData("统一", "tong3 yi1")]           // 一 last in its word → first
    public void Tone_sandhi_follows_pypinyin(string word, string expected) =>
        Assert.Equal(expected, string.Join(' ', Pinyin.Shared.LazyPinyin([word], toneSandhi: true)));
}
