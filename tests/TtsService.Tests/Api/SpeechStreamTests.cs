using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using TtsService.Audio.Ogg;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Api;

/// <summary>
/// <c>/v1/audio/speech/stream</c> over real sockets: text fed in pieces is spoken as the same words as the whole text
/// over HTTP, the audio is one valid file per session, and the protocol's events arrive as documented.
/// </summary>
public sealed class SpeechStreamTests(StreamingService service) : IClassFixture<StreamingService>
{
    private const string Voice = "af_standin_low";

    /// <summary>Numbers, an abbreviation, a URL, a pause mark, money, a clock time and clause marks: everything a cut could break.</summary>
    private const string Text =
        "Hello there! Dr. Smith paid $3.50 for 2 coffees at 10:30 am, then he visited https://example.com/menu?item=7 to read it. " +
        "[pause:0.2s] The total came to 1,234.5 kg; that is, e.g. quite heavy. It was March 3, 2024, and the weather, though cold, was fine. " +
        "Call 555-123-4567 or write to help@example.org... Thanks.";

    private async Task<List<string>> HttpWordsAsync(string text)
    {
        using var response = await service.Http.PostAsJsonAsync("/v1/audio/speech/captioned",
            new { input = text, voice = Voice, response_format = "pcm", stream = false });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString()!).ToList();
    }

    private async Task<StreamTranscript> SpeakInPiecesAsync(IEnumerable<string> pieces, object? start = null)
    {
        await using var client = await service.ConnectAsync();
        await client.SendAsync(start ?? new { type = "start", voice = Voice });
        foreach (var piece in pieces) await client.SendAsync(new { type = "text", text = piece });
        await client.SendAsync(new { type = "end" });
        return await client.ReadToEndAsync();
    }

    public static TheoryData<string> Splits() => ["whole", "every_character", "random_1", "random_2", "random_3", "words"];

    private static IEnumerable<string> Split(string text, string how)
    {
        switch (how)
        {
            case "whole": return [text];
            case "every_character": return text.Select(c => c.ToString());
            case "words": return text.Split(' ').Select((w, i) => i == 0 ? w : " " + w);
            default:
                var random = new Random(int.Parse(how["random_".Length..]));
                var pieces = new List<string>();
                for (var at = 0; at < text.Length;)
                {
                    var length = Math.Min(text.Length - at, random.Next(1, 9));
                    pieces.Add(text.Substring(at, length));
                    at += length;
                }
                return pieces;
        }
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public async Task Text_sent_in_pieces_speaks_the_same_words_in_the_same_order_as_the_whole_text_over_http(string how)
    {
        var expected = await HttpWordsAsync(Text);
        Assert.True(expected.Count > 40, string.Join(' ', expected));

        var transcript = await SpeakInPiecesAsync(Split(Text, how));

        Assert.Equal(WebSocketCloseStatus.NormalClosure, transcript.CloseStatus);
        Assert.Empty(transcript.OfType("error"));
        Assert.Equal(expected, transcript.Words);
        // The audio is what the chunk events describe: 16-bit mono at 24 kHz, chunk after chunk.
        var chunks = transcript.OfType("chunk").ToList();
        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.Equal(24000, c.GetProperty("sample_rate").GetInt32()));
        var seconds = chunks.Last().GetProperty("end_time").GetDouble();
        Assert.Equal(seconds * 24000 * 2, transcript.Audio.Length, 24000 * 2 * 0.002 * chunks.Count);
        var done = Assert.Single(transcript.OfType("done"));
        Assert.Equal(chunks.Count, done.GetProperty("chunks").GetInt32());
        Assert.Equal(Text.Length, done.GetProperty("characters").GetInt32());
    }

    [Theory]
    [InlineData("every_character")]
    [InlineData("random_5")]
    [InlineData("words")]
    public async Task The_phonemes_differ_from_the_whole_texts_only_at_chunk_boundaries(string how)
    {
        // The whole text's phonemes (normalized and phonemized at once), one entry per spoken word.
        using var response = await service.Http.PostAsJsonAsync("/dev/phonemize", new { text = Text, language = "a" });
        response.EnsureSuccessStatusCode();
        var whole = PhonemeWords((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phonemes").GetString()!);

        var transcript = await SpeakInPiecesAsync(Split(Text, how));
        var streamed = new List<string>();
        var boundaries = new HashSet<int>();
        foreach (var chunk in transcript.OfType("chunk"))
        {
            var words = PhonemeWords(chunk.GetProperty("phonemes").GetString() ?? "");
            if (words.Count == 0) continue;
            boundaries.Add(streamed.Count);
            streamed.AddRange(words);
            boundaries.Add(streamed.Count - 1);
        }
        Assert.True(whole.Count > 40, string.Join(' ', whole));
        Assert.Equal(whole.Count, streamed.Count);
        var differing = Enumerable.Range(0, whole.Count).Where(i => whole[i] != streamed[i]).ToList();
        Assert.True(differing.All(boundaries.Contains),
            string.Join("; ", differing.Where(i => !boundaries.Contains(i)).Select(i => $"word {i}: {whole[i]} / {streamed[i]}")));
    }

    /// <summary>Phoneme words without the punctuation symbols (a cut adds or drops a comma or period at its edge).</summary>
    private static List<string> PhonemeWords(string phonemes) =>
        phonemes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(c => !".,;:!?—…\"()“”".Contains(c)).ToArray()))
            .Where(w => w.Length > 0)
            .ToList();

    [Fact]
    public async Task Word_times_count_from_the_session_start_and_chunks_follow_each_other()
    {
        var transcript = await SpeakInPiecesAsync(Split(Text, "words"));
        var previousEnd = 0.0;
        foreach (var chunk in transcript.OfType("chunk"))
        {
            var start = chunk.GetProperty("start_time").GetDouble();
            Assert.Equal(previousEnd, start, 3);
            previousEnd = chunk.GetProperty("end_time").GetDouble();
            foreach (var word in chunk.GetProperty("timestamps").EnumerateArray())
            {
                Assert.InRange(word.GetProperty("start_time").GetDouble(), start - 1e-3, previousEnd + 1e-3);
                Assert.InRange(word.GetProperty("end_time").GetDouble(), start - 1e-3, previousEnd + 1e-3);
            }
            // The stand-in reports durations; a pause chunk has no words.
            var expectedSource = chunk.GetProperty("timestamps").GetArrayLength() == 0 ? "none" : "model_durations";
            Assert.Equal(expectedSource, chunk.GetProperty("timestamp_source").GetString());
        }
        Assert.True(previousEnd > 5, $"{previousEnd} s");
    }

    [Fact]
    public async Task The_first_clause_is_spoken_before_the_rest_of_the_text_arrives()
    {
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice });
        var started = await client.NextEventAsync();
        Assert.Equal("started", started.GetProperty("type").GetString());
        Assert.Equal("pcm", started.GetProperty("audio_format").GetString());
        // A complete sentence followed by the start of the next: the first is spoken while the second is unfinished.
        await client.SendAsync(new { type = "text", text = "The first sentence is complete. The second one is still" });
        var audio = new MemoryStream();
        // Its audio arrives (short first calls, as HTTP streaming) while the second sentence is still unfinished.
        var first = new List<string>();
        while (first.Count < 5)
        {
            var chunk = await client.NextEventAsync(audio);
            Assert.Equal("chunk", chunk.GetProperty("type").GetString());
            first.AddRange(chunk.GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString()!));
        }
        Assert.Equal(["The", "first", "sentence", "is", "complete"], first);
        Assert.True(audio.Length > 0);
        await client.SendAsync(new { type = "text", text = " arriving.", flush = true });
        var words = new List<string>();
        while (true)
        {
            var next = await client.NextEventAsync(audio);
            if (next.GetProperty("type").GetString() == "flushed") break;
            words.AddRange(next.GetProperty("timestamps").EnumerateArray().Select(w => w.GetProperty("word").GetString()!));
        }
        Assert.Equal(["The", "second", "one", "is", "still", "arriving"], words);
        await client.SendAsync(new { type = "end" });
        var rest = await client.ReadToEndAsync();
        Assert.Single(rest.OfType("done"));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, rest.CloseStatus);
    }

    [Fact]
    public async Task Without_punctuation_the_max_wait_timer_speaks_at_a_word_boundary()
    {
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice });
        await client.NextEventAsync();
        // Five words, no punctuation, the last one maybe unfinished: after the max wait, the first four are spoken.
        await client.SendAsync(new { type = "text", text = "so here are some wor" });
        var chunk = await client.NextEventAsync(timeout: TimeSpan.FromSeconds(20));
        Assert.Equal("chunk", chunk.GetProperty("type").GetString());
        Assert.Equal("so here are some", chunk.GetProperty("text").GetString());
        await client.SendAsync(new { type = "text", text = "ds" });
        await client.SendAsync(new { type = "end" });
        var rest = await client.ReadToEndAsync();
        Assert.Equal(["words"], rest.Words);
    }

    [Fact]
    public async Task Base64_transport_sends_audio_events_in_json()
    {
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice, audio_transport = "base64", input = "Spoken as JSON events." });
        await client.SendAsync(new { type = "end" });
        var transcript = await client.ReadToEndAsync();
        var audio = transcript.OfType("audio").ToList();
        Assert.NotEmpty(audio);
        Assert.All(audio, a => Assert.Equal("pcm", a.GetProperty("audio_format").GetString()));
        Assert.True(transcript.Audio.Length > 0);
        Assert.Equal(["Spoken", "as", "JSON", "events"], transcript.Words);
    }

    [Fact]
    public async Task An_opus_session_is_one_ogg_stream_that_decodes_whole()
    {
        var transcript = await SpeakInPiecesAsync(Split(Text, "words"), new { type = "start", voice = Voice, response_format = "opus" });
        Assert.Equal(WebSocketCloseStatus.NormalClosure, transcript.CloseStatus);
        var (first, last, serials) = (0, 0, new HashSet<uint>());
        var reader = new OggPageReader(transcript.Audio);
        while (reader.TryReadPage(out var page))
        {
            if (page.IsFirst) first++;
            if (page.IsLast) last++;
            serials.Add(page.Serial);
        }
        Assert.True(reader.AtEnd);
        Assert.Equal((1, 1, 1), (first, last, serials.Count));
        Assert.Equal("", Ffmpeg.DecodeMessages(transcript.Audio));
        var seconds = transcript.OfType("chunk").Last().GetProperty("end_time").GetDouble();
        Assert.Equal(seconds, Ffmpeg.ProbeDuration(transcript.Audio).Format, 1);
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("mp3")]
    [InlineData("flac")]
    [InlineData("aac")]
    public async Task Other_formats_are_one_file_per_session(string format)
    {
        var transcript = await SpeakInPiecesAsync(Split(Text, "random_4"), new { type = "start", voice = Voice, response_format = format });
        Assert.Equal(WebSocketCloseStatus.NormalClosure, transcript.CloseStatus);
        if (format == "wav")
            Assert.Equal(1, System.Text.Encoding.Latin1.GetString(transcript.Audio).Split("RIFF").Length - 1);
        Assert.Equal("", Ffmpeg.DecodeMessages(transcript.Audio));
        var seconds = transcript.OfType("chunk").Last().GetProperty("end_time").GetDouble();
        // mp3 decoders add up to a frame or two of padding.
        Assert.InRange(Ffmpeg.DecodeToFloat(transcript.Audio).Length / 24000.0, seconds - 0.01, seconds + 0.15);
    }

    [Fact]
    public async Task Cancel_drops_what_is_pending_and_the_session_goes_on()
    {
        await using var client = await service.ConnectAsync();
        await client.SendAsync(new { type = "start", voice = Voice });
        await client.NextEventAsync();
        // Far more audio (about 12 minutes, 35 MB of PCM) than socket buffers and the 10 s run-ahead hold: much is still unsaid at the cancel.
        var longText = string.Join(' ', Enumerable.Repeat("This sentence would take a while to say.", 600));
        await client.SendAsync(new { type = "text", text = longText + " " });
        var first = await client.NextEventAsync();
        Assert.Equal("chunk", first.GetProperty("type").GetString());
        await client.SendAsync(new { type = "cancel" });
        var spokenBeforeCancel = 1;
        while (true)
        {
            var next = await client.NextEventAsync();
            if (next.GetProperty("type").GetString() == "cancelled") break;
            spokenBeforeCancel++;
        }
        Assert.True(spokenBeforeCancel < 600, $"{spokenBeforeCancel} chunks before the cancel took effect");
        await client.SendAsync(new { type = "text", text = "After the cancel." });
        await client.SendAsync(new { type = "end" });
        var rest = await client.ReadToEndAsync();
        Assert.Equal(["After", "the", "cancel"], rest.Words);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, rest.CloseStatus);
    }

    [Fact]
    public async Task Bad_messages_get_the_services_error_shape_and_a_close_code()
    {
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = "af_nobody" });
            var transcript = await client.ReadToEndAsync();
            var error = Assert.Single(transcript.OfType("error")).GetProperty("error");
            Assert.Equal("not_found_error", error.GetProperty("type").GetString());
            Assert.Equal((WebSocketCloseStatus)1008, transcript.CloseStatus);
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "text", text = "no start" });
            var transcript = await client.ReadToEndAsync();
            Assert.Equal("start_expected", Assert.Single(transcript.OfType("error")).GetProperty("error").GetProperty("code").GetString());
            Assert.Equal((WebSocketCloseStatus)1008, transcript.CloseStatus);
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice, speed = 9 });
            var transcript = await client.ReadToEndAsync();
            Assert.Equal("invalid_speed", Assert.Single(transcript.OfType("error")).GetProperty("error").GetProperty("code").GetString());
        }
        await using (var client = await service.ConnectAsync())
        {
            await client.SendAsync(new { type = "start", voice = Voice });
            await client.SendTextAsync("{not json");
            var transcript = await client.ReadToEndAsync();
            Assert.Equal("invalid_json", Assert.Single(transcript.OfType("error")).GetProperty("error").GetProperty("code").GetString());
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, transcript.CloseStatus);
        }
    }

    [Fact]
    public async Task Plain_http_on_the_socket_route_is_a_400()
    {
        using var response = await service.Http.GetAsync("/v1/audio/speech/stream");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("websocket_required", error.GetProperty("code").GetString());
    }
}
