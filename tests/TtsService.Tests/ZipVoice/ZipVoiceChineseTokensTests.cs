using System.Reflection;
using TtsService.Inference.ZipVoice.Tokenizer;
using TtsService.Text.Espeak;

namespace TtsService.Tests.ZipVoice;

/// <summary>
/// ZipVoice's Chinese tokens without a lexicon.txt, pinned to k2-fsa/ZipVoice's own tokenizer. Derivation:
/// <list type="bullet">
/// <item>The table (Data/zipvoice_tokens_emilia.txt, 360 tokens) is built as egs/zipvoice/local/prepare_token_file_emilia.py
/// <c>get_token2id</c> builds it: piper's DEFAULT_PHONEME_ID_MAP (ids 0-158), then <c>sorted</c> initials+"0" and
/// <c>to_finals_tone3(strict=False, neutral_tone_with_five=True)</c> finals of egs/zipvoice/local/pinyin.txt.</item>
/// <item>Each row is what <c>EmiliaTokenizer(token_file=that table).texts_to_tokens([text])</c> and
/// <c>tokens_to_token_ids</c> printed (zipvoice/tokenizer/tokenizer.py: map_punctuations, get_segment, and
/// <c>tokenize_ZH</c> lines 298-319: cn2an an2cn, <c>jieba.cut</c>, <c>lazy_pinyin(segs, style=Style.TONE3,
/// tone_sandhi=True, neutral_tone_with_five=True)</c>, <c>seperate_pinyin</c>), run from ZipVoice's sources with
/// jieba 0.42.1, pypinyin 0.55.0 and cn2an 0.5.24; lhotse and piper_phonemize stubbed, as no row has English.</item>
/// </list>
/// sherpa-onnx's zipvoice front end reads a lexicon.txt made by the same pypinyin call per jieba word, but looks
/// words up by longest match rather than jieba's segmentation, so where the two cut a sentence differently
/// (and then apply sandhi in different words) the ids above, not sherpa's, are what the model was trained on.
/// </summary>
public sealed class ZipVoiceChineseTokensTests
{
    private static readonly ZipVoiceTokens Tokens = LoadTokens();
    private static readonly EmiliaTokenizer Tokenizer = new(Tokens, new EspeakPhonemizer(), lexicon: null);

    private static ZipVoiceTokens LoadTokens()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TtsService.Tests.Text.Chinese.Data.zipvoice_tokens_emilia.txt")!;
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return ZipVoiceTokens.Parse(lines);
    }

    public static TheoryData<string, string, long[]> Cases => new()
    {
        { "你好，今天天气很好。", "n0 i2 h0 ao3 , j0 in1 t0 ian1 t0 ian1 q0 i4 h0 en3 h0 ao3 .", new long[] { 276, 220, 218, 181, 8, 268, 249, 302, 229, 302, 229, 298, 222, 218, 200, 218, 181, 10 } },
        { "银行", "y0 in2 h0 ang2", new long[] { 353, 250, 218, 175 } },
        { "行走", "x0 ing2 z0 ou3", new long[] { 352, 255, 354, 294 } },
        { "我们去银行取钱。", "w0 o3 m0 en5 q0 u4 y0 in2 h0 ang2 q0 u3 q0 ian2 .", new long[] { 351, 284, 271, 202, 298, 306, 353, 250, 218, 175, 298, 305, 298, 230, 10 } },
        { "他在街上行走。", "t0 a1 z0 ai4 j0 ie1 sh0 ang4 x0 ing2 z0 ou3 .", new long[] { 302, 159, 354, 167, 268, 244, 301, 177, 352, 255, 354, 294, 10 } },
        { "长大以后我想当老师。", "zh0 ang3 d0 a4 y0 i3 h0 ou4 w0 o3 x0 iang3 d0 ang1 l0 ao3 sh0 i1 .", new long[] { 355, 176, 187, 162, 353, 221, 218, 295, 351, 284, 352, 236, 187, 174, 270, 181, 301, 219, 10 } },
        { "这条河很长。", "zh0 e4 t0 iao2 h0 e2 h0 en2 zh0 ang3 .", new long[] { 355, 191, 302, 240, 218, 189, 218, 199, 355, 176, 10 } },
        { "重要的事情说三遍。", "zh0 ong4 y0 ao4 d0 e5 sh0 i4 q0 ing2 sh0 uo1 s0 an1 b0 ian4 .", new long[] { 355, 290, 353, 182, 187, 192, 301, 222, 298, 255, 301, 341, 300, 169, 184, 232, 10 } },
        { "我们重新开始吧。", "w0 o3 m0 en5 ch0 ong2 x0 in1 k0 ai1 sh0 i3 b0 a5 .", new long[] { 351, 284, 271, 202, 186, 288, 352, 249, 269, 164, 301, 221, 184, 163, 10 } },
        { "音乐让人快乐。", "y0 in1 y0 ue4 r0 ang4 r0 en2 k0 uai4 l0 e4 .", new long[] { 353, 249, 353, 330, 299, 177, 299, 199, 269, 315, 270, 191, 10 } },
        { "他还没有还钱。", "t0 a1 h0 ai2 m0 ei2 y0 ou3 h0 ai2 q0 ian2 .", new long[] { 302, 159, 218, 165, 271, 194, 353, 294, 218, 165, 298, 230, 10 } },
        { "我觉得这个觉睡得很好。", "w0 o3 j0 ue2 d0 e5 zh0 e4 g0 e5 j0 ue2 sh0 ui4 d0 e2 h0 en3 h0 ao3 .", new long[] { 351, 284, 268, 328, 187, 192, 355, 191, 213, 192, 268, 328, 301, 334, 187, 189, 218, 200, 218, 181, 10 } },
        { "这个地方很好玩。", "zh0 e4 g0 e5 d0 i4 f0 ang1 h0 en3 h0 ao3 w0 an2 .", new long[] { 355, 191, 213, 192, 187, 222, 212, 174, 218, 200, 218, 181, 351, 170, 10 } },
        { "你会说中文吗？", "n0 i3 h0 ui4 sh0 uo1 zh0 ong1 w0 en2 m0 a5 ?", new long[] { 276, 221, 218, 334, 301, 341, 355, 287, 351, 199, 271, 163, 13 } },
        { "我有100元。", "w0 o3 y0 ou3 y0 i4 b0 ai3 y0 uan2 .", new long[] { 351, 284, 353, 294, 353, 222, 184, 166, 353, 318, 10 } },
        { "今天是2024年3月15日。", "j0 in1 t0 ian1 sh0 i4 er4 l0 ing2 er4 s0 i4 n0 ian2 s0 an1 y0 ue4 sh0 i2 w0 u3 r0 i4 .", new long[] { 268, 249, 302, 229, 301, 222, 210, 270, 255, 210, 300, 222, 276, 230, 300, 169, 353, 330, 301, 220, 351, 305, 299, 222, 10 } },
        { "价格是3.5元。", "j0 ia4 g0 e2 sh0 i4 s0 an1 d0 ian3 w0 u3 y0 uan2 .", new long[] { 268, 227, 213, 189, 301, 222, 300, 169, 187, 231, 351, 305, 353, 318, 10 } },
        { "增长了50%。", "z0 eng1 zh0 ang3 l0 e5 b0 ai3 f0 en1 zh0 i1 w0 u3 sh0 i2 .", new long[] { 354, 203, 355, 176, 270, 192, 184, 166, 212, 198, 355, 219, 351, 305, 301, 220, 10 } },
        { "今天气温是-5℃。", "j0 in1 t0 ian1 q0 i4 w0 en1 sh0 i4 - w0 u3 sh0 e4 sh0 i4 d0 u4 .", new long[] { 268, 249, 302, 229, 298, 222, 351, 198, 301, 222, 9, 351, 305, 301, 191, 301, 222, 187, 306, 10 } },
        { "大约3/4的人同意。", "d0 a4 y0 ue1 s0 i4 f0 en1 zh0 i1 s0 an1 d0 e5 r0 en2 t0 ong2 y0 i4 .", new long[] { 187, 162, 353, 327, 300, 222, 212, 198, 355, 219, 300, 169, 187, 192, 299, 199, 302, 288, 353, 222, 10 } },
        { "他跑了1-2公里。", "t0 a1 p0 ao3 l0 e5 y0 i1 d0 ao4 er4 g0 ong1 l0 i3 .", new long[] { 302, 159, 297, 181, 270, 192, 353, 219, 187, 182, 210, 213, 287, 270, 221, 10 } },
        { "第1名是谁？", "d0 i4 y0 i4 m0 ing2 sh0 i4 sh0 ui2 ?", new long[] { 187, 222, 353, 222, 271, 255, 301, 222, 301, 332, 13 } },
        { "电话号码是12345。", "d0 ian4 h0 ua4 h0 ao4 m0 a3 sh0 i4 y0 i1 w0 an4 er4 q0 ian1 s0 an1 b0 ai3 s0 i4 sh0 i2 w0 u3 .", new long[] { 187, 232, 218, 311, 218, 182, 271, 161, 301, 222, 353, 219, 351, 172, 210, 298, 229, 300, 169, 184, 166, 300, 222, 301, 220, 351, 305, 10 } },
        { "一共1000000人。", "y0 i1 g0 ong4 y0 i4 b0 ai3 w0 an4 r0 en2 .", new long[] { 353, 219, 213, 290, 353, 222, 184, 166, 351, 172, 299, 199, 10 } },
        { "零点五和0.5一样。", "l0 ing2 d0 ian3 w0 u3 h0 e2 l0 ing2 d0 ian3 w0 u3 y0 i1 y0 ang4 .", new long[] { 270, 255, 187, 231, 351, 305, 218, 189, 270, 255, 187, 231, 351, 305, 353, 219, 353, 177, 10 } },
        { "我们在2008年举办了奥运会。", "w0 o3 m0 en5 z0 ai4 er4 l0 ing2 l0 ing2 b0 a1 n0 ian2 j0 u3 b0 an4 l0 e5 ao4 y0 un4 h0 ui4 .", new long[] { 351, 284, 271, 202, 354, 167, 210, 270, 255, 270, 255, 184, 159, 276, 230, 268, 305, 184, 172, 270, 192, 182, 353, 339, 218, 334, 10 } },
        { "会议在10月1日开始。", "h0 ui4 y0 i4 z0 ai4 sh0 i2 y0 ue4 y0 i1 r0 i4 k0 ai1 sh0 i3 .", new long[] { 218, 334, 353, 222, 354, 167, 301, 220, 353, 330, 353, 219, 299, 222, 269, 164, 301, 221, 10 } },
        { "这本书一百零五页。", "zh0 e4 b0 en3 sh0 u1 y0 i4 b0 ai3 l0 ing2 w0 u3 y0 e4 .", new long[] { 355, 191, 184, 200, 301, 303, 353, 222, 184, 166, 270, 255, 351, 305, 353, 191, 10 } },
        { "不是我的错。", "b0 u2 sh0 i4 w0 o3 d0 e5 c0 uo4 .", new long[] { 184, 304, 301, 222, 351, 284, 187, 192, 185, 344, 10 } },
        { "不对，不要走。", "b0 u4 d0 ui4 , b0 u2 y0 ao4 z0 ou3 .", new long[] { 184, 306, 187, 334, 8, 184, 304, 353, 182, 354, 294, 10 } },
        { "一个人一天一起。", "y0 i2 g0 e4 r0 en2 y0 i4 t0 ian1 y0 i4 q0 i3 .", new long[] { 353, 220, 213, 191, 299, 199, 353, 222, 302, 229, 353, 222, 298, 221, 10 } },
        { "我一定会来的。", "w0 o3 y0 i2 d0 ing4 h0 ui4 l0 ai2 d0 e5 .", new long[] { 351, 284, 353, 220, 187, 257, 218, 334, 270, 165, 187, 192, 10 } },
        { "老鼠很小。", "l0 ao2 sh0 u3 h0 en2 x0 iao3 .", new long[] { 270, 180, 301, 305, 218, 199, 352, 241, 10 } },
        { "我很好。", "w0 o3 h0 en3 h0 ao3 .", new long[] { 351, 284, 218, 200, 218, 181, 10 } },
        { "展览馆里有很多人。", "zh0 an2 l0 an2 g0 uan3 l0 i3 y0 ou3 h0 en3 d0 uo1 r0 en2 .", new long[] { 355, 170, 270, 170, 213, 319, 270, 221, 353, 294, 218, 200, 187, 341, 299, 199, 10 } },
        { "请问，洗手间在哪里？", "q0 ing3 w0 en4 , x0 i3 sh0 ou3 j0 ian1 z0 ai4 n0 a2 l0 i3 ?", new long[] { 298, 256, 351, 201, 8, 352, 221, 301, 294, 268, 229, 354, 167, 276, 160, 270, 221, 13 } },
        { "“你好”，他说。", "\" n0 i2 h0 ao3 \" , t0 a1 sh0 uo1 .", new long[] { 150, 276, 220, 218, 181, 150, 8, 302, 159, 301, 341, 10 } },
        { "（注意）这是测试！", "（ zh0 u4 y0 i4 ） zh0 e4 sh0 i4 c0 e4 sh0 i4 !", new long[] { 355, 306, 353, 222, 355, 191, 301, 222, 185, 191, 301, 222, 4 } },
        { "他说：“我们走吧；天黑了。”", "t0 a1 sh0 uo1 : \" w0 o3 m0 en5 z0 ou3 b0 a5 ; t0 ian1 h0 ei1 l0 e5 . \"", new long[] { 302, 159, 301, 341, 11, 150, 351, 284, 271, 202, 354, 294, 184, 163, 12, 302, 229, 218, 193, 270, 192, 10, 150 } },
        { "这是《红楼梦》。", "zh0 e4 sh0 i4 《 h0 ong2 l0 ou2 m0 eng4 》 .", new long[] { 355, 191, 301, 222, 218, 288, 270, 293, 271, 206, 10 } },
        { "我喜欢苹果和香蕉、西瓜。", "w0 o3 x0 i3 h0 uan1 p0 ing2 g0 uo3 h0 e2 x0 iang1 j0 iao1 , x0 i1 g0 ua1 .", new long[] { 351, 284, 352, 221, 218, 317, 297, 255, 213, 343, 218, 189, 352, 234, 268, 239, 8, 352, 219, 213, 308, 10 } },
        { "你吃饭了吗", "n0 i3 ch0 i1 f0 an4 l0 e5 m0 a5", new long[] { 276, 221, 186, 219, 212, 172, 270, 192, 271, 163 } },
        { "好的……", "h0 ao3 d0 e5 … …", new long[] { 218, 181, 187, 192 } },
        { "北京欢迎你", "b0 ei3 j0 ing1 h0 uan1 y0 ing2 n0 i3", new long[] { 184, 195, 268, 254, 218, 317, 353, 255, 276, 221 } },
        { "中华人民共和国成立了。", "zh0 ong1 h0 ua2 r0 en2 m0 in2 g0 ong4 h0 e2 g0 uo2 ch0 eng2 l0 i4 l0 e5 .", new long[] { 355, 287, 218, 309, 299, 199, 271, 250, 213, 290, 218, 189, 213, 342, 186, 204, 270, 222, 270, 192, 10 } },
        { "我爱学习人工智能。", "w0 o3 ai4 x0 ue2 x0 i2 r0 en2 g0 ong1 zh0 i4 n0 eng2 .", new long[] { 351, 284, 167, 352, 328, 352, 220, 299, 199, 213, 287, 355, 222, 276, 204, 10 } },
        { "他的儿子叫小明。", "t0 a1 d0 e5 er2 z0 i5 j0 iao4 x0 iao3 m0 ing2 .", new long[] { 302, 159, 187, 192, 208, 354, 223, 268, 242, 352, 241, 271, 255, 10 } },
        { "哪儿有卖东西的？", "n0 a3 er2 y0 ou3 m0 ai4 d0 ong1 x0 i1 d0 e5 ?", new long[] { 276, 161, 208, 353, 294, 271, 167, 187, 287, 352, 219, 187, 192, 13 } },
        { "不是一个人，是一群人。", "b0 u2 sh0 i4 y0 i2 g0 e4 r0 en2 , sh0 i4 y0 i4 q0 un2 r0 en2 .", new long[] { 184, 304, 301, 222, 353, 220, 213, 191, 299, 199, 8, 301, 222, 353, 222, 298, 337, 299, 199, 10 } },
        { "我想买一把雨伞", "w0 o3 x0 iang3 m0 ai3 y0 i4 b0 a3 y0 u2 s0 an3", new long[] { 351, 284, 352, 236, 271, 166, 353, 222, 184, 161, 353, 304, 300, 171 } },
        { "你们好吗？我很好！", "n0 i3 m0 en5 h0 ao3 m0 a5 ? w0 o3 h0 en3 h0 ao3 !", new long[] { 276, 221, 271, 202, 218, 181, 271, 163, 13, 351, 284, 218, 200, 218, 181, 4 } },
        { "这是第一次。", "zh0 e4 sh0 i4 d0 i4 y0 i1 c0 i4 .", new long[] { 355, 191, 301, 222, 187, 222, 353, 219, 185, 222, 10 } },
        { "一二三四五", "y0 i1 er4 s0 an1 s0 i4 w0 u3", new long[] { 353, 219, 210, 300, 169, 300, 222, 351, 305 } },
        { "小狗跑得很快。", "x0 iao2 g0 ou3 p0 ao3 d0 e2 h0 en3 k0 uai4 .", new long[] { 352, 240, 213, 294, 297, 181, 187, 189, 218, 200, 269, 315, 10 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chinese_gives_zipvoices_tokens_and_ids(string text, string tokens, long[] ids)
    {
        var actual = Tokenizer.TextToTokens(text);
        Assert.Equal(tokens, string.Join(' ', actual));
        Assert.Equal(ids, Tokenizer.TokensToIds(actual));
    }

    [Fact]
    public void Table_is_zipvoices_360_tokens()
    {
        Assert.Equal(360, Tokens.Count);
        Assert.True(Tokens.TryGetId("a1", out var a1) && a1 == 159); // first pinyin token after piper's 159 symbols
        Assert.True(Tokens.TryGetId("zh0", out var zh0) && zh0 == 355);
    }

    /// <summary>
    /// Mixed text: get_segment splits Chinese and English (other characters join the segment before them), so the
    /// tokens are the Chinese rows of upstream's output around the English segment's own tokens.
    /// </summary>
    [SkippableFact]
    public void Mixed_text_keeps_the_chinese_segments_exact()
    {
        Skip.IfNot(new EspeakPhonemizer().IsAvailable, "espeak-ng is not installed");
        var actual = string.Join(' ', Tokenizer.TextToTokens("我用iPhone打电话。"));
        // upstream, Chinese segments alone: "我用" → w0 o3 y0 ong4; "打电话." → d0 a3 d0 ian4 h0 ua4 .
        var english = string.Join(' ', Tokenizer.TextToTokens("iPhone"));
        Assert.Equal("w0 o3 y0 ong4 " + english + " d0 a3 d0 ian4 h0 ua4 .", actual);
    }
}
