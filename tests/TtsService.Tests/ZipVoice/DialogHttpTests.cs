using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StandinModels;
using TtsService.Tests.Infrastructure;
using TtsService.Tests.Voices;

namespace TtsService.Tests.ZipVoice;

/// <summary>
/// ZipVoice-Dialog over HTTP with the real backend on the dialog stand-ins: registered and two-speaker voices, both
/// speech routes, the 400s, /v1/models, and zipvoice_dialog_stereo's two channels in every format, streamed and whole.
/// </summary>
public sealed class DialogHttpTests : IDisposable
{
    private const string Dialogue = "[S1] Did you see the match last night? [S2] I did, what a finish!";
    private readonly string _models = Directory.CreateTempSubdirectory("tts-dialog-http").FullName;
    private readonly ServiceFactory _factory;
    private readonly HttpClient _client;

    public DialogHttpTests()
    {
        ZipVoiceStandin.Write(_models, "zipvoice");
        DialogStandin.Write(_models, DialogStandin.Mono);
        DialogStandin.Write(_models, DialogStandin.Stereo);
        _factory = ServiceFactory.WithModels(_models, ("enable_kokoro", "false"), ("default_backend", "zipvoice"));
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        try { Directory.Delete(_models, true); } catch (IOException) { }
    }

    private async Task Register(string name, string transcription, string spoken)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(transcription), "transcription" },
            { new ByteArrayContent(TestAudio.SpokenWav(spoken)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "voice.wav" },
        };
        var response = await _client.PostAsync("/v1/zipvoice/voices/register", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private Task RegisterPair() => Task.WhenAll(
        Register("alice", "I like long walks by the sea.", "I like long walks by the sea."),
        Register("bob", "Good evening, and welcome.", "Good evening, and welcome."));

    private async Task<string?> ErrorCode(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString();
    }

    private static float Rms(IEnumerable<float> samples)
    {
        var list = samples.ToList();
        return MathF.Sqrt(list.Sum(s => s * s) / Math.Max(1, list.Count));
    }

    [Fact]
    public async Task Models_lists_a_dialog_variant_only_when_it_can_load()
    {
        var ids = (await _client.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("zipvoice_dialog", ids);
        Assert.Contains("zipvoice_dialog_stereo", ids);
        Assert.DoesNotContain("zipvoice_distill", ids); // not installed here

        // Another install: no stereo export, and a mono "dialog" export whose tokens lack [S1]/[S2].
        var other = Directory.CreateTempSubdirectory("tts-dialog-models").FullName;
        try
        {
            ZipVoiceStandin.Write(other, "zipvoice");
            var dir = DialogStandin.Write(other, DialogStandin.Mono);
            File.WriteAllLines(Path.Combine(dir, "tokens.txt"), File.ReadAllLines(Path.Combine(dir, "tokens.txt")).Where(l => !l.StartsWith("[S")));
            await using var factory = ServiceFactory.WithModels(other, ("enable_kokoro", "false"), ("default_backend", "zipvoice"));
            using var client = factory.CreateClient();
            ids = (await client.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
            Assert.Contains("zipvoice", ids);
            Assert.DoesNotContain("zipvoice_dialog", ids);
            Assert.DoesNotContain("zipvoice_dialog_stereo", ids);
            var refused = await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new { model = "zipvoice_dialog", input = Dialogue, voice = "x+y" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        finally { Directory.Delete(other, true); }
    }

    [Fact]
    public async Task Two_registered_voices_speak_a_dialogue_on_both_routes()
    {
        await RegisterPair();
        var zipvoice = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice_dialog", input = Dialogue, voice = new[] { "alice", "bob" }, response_format = "wav", stream = false, seed = 3 });
        Assert.Equal(HttpStatusCode.OK, zipvoice.StatusCode);
        var wav = await zipvoice.Content.ReadAsByteArrayAsync();
        var probe = Ffmpeg.Probe(wav);
        Assert.Equal(("pcm_s16le", 24000, 1), (probe.Codec, probe.SampleRate, probe.Channels));
        var samples = Ffmpeg.DecodeToFloat(wav);
        Assert.True(samples.Length > 12000 && samples.Max(MathF.Abs) > 0.01f);

        // "alice+bob" is the same pair; the OpenAI route reaches the same backend.
        var joined = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice_dialog", input = Dialogue, voice = "alice+bob", response_format = "wav", stream = false, seed = 3 });
        Assert.Equal(wav, await joined.Content.ReadAsByteArrayAsync());
        var openai = await _client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice_dialog", input = Dialogue, voice = "alice+bob" });
        Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        Assert.Equal("mp3", Ffmpeg.Probe(await openai.Content.ReadAsByteArrayAsync()).Codec);
    }

    [Fact]
    public async Task A_two_speaker_recording_registers_and_is_a_merged_prompt()
    {
        await Register("duo", "[S1] Hello there. [S2] Hi, nice to meet you.", "Hello there. Hi, nice to meet you.");
        var info = await _client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices/duo");
        Assert.Equal("[S1] Hello there. [S2] Hi, nice to meet you.", info.GetProperty("transcription").GetString());
        var response = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice_dialog", input = Dialogue, voice = "duo", response_format = "flac", stream = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("flac", Ffmpeg.Probe(await response.Content.ReadAsByteArrayAsync()).Codec);

        // Inline merged prompt: base64 audio with its [S1]…[S2]… transcription.
        var inline = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice_dialog", input = Dialogue, response_format = "wav", stream = false,
            voice = "base64+" + Convert.ToBase64String(TestAudio.SpokenWav("Hello there. Hi, nice to meet you.")),
            prompt_text = "[S1] Hello there. [S2] Hi, nice to meet you.",
        });
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
    }

    [Fact]
    public async Task A_two_channel_recording_is_a_merged_prompt_for_stereo()
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("duo2"), "name" },
            { new StringContent("[S1] Hello there. [S2] Hi, nice to meet you."), "transcription" },
            { new ByteArrayContent(TestAudio.SineWav(1.5, 44100, 2)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "duo.wav" },
        };
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("/v1/zipvoice/voices/register", form)).StatusCode);
        var info = await _client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices/duo2");
        Assert.Equal(2, info.GetProperty("audio_info").GetProperty("channels").GetInt32());

        foreach (var (model, channels) in new[] { ("zipvoice_dialog_stereo", 2), ("zipvoice_dialog", 1) })
        {
            var response = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
                new { model, input = Dialogue, voice = "duo2", response_format = "wav", stream = false });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(channels, Ffmpeg.Probe(await response.Content.ReadAsByteArrayAsync()).Channels);
        }

        // Inline: a two-channel base64 prompt.
        var inline = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice_dialog_stereo", input = Dialogue, response_format = "flac", stream = true,
            voice = "base64+" + Convert.ToBase64String(TestAudio.SineWav(1.2, 24000, 2)), prompt_text = "[S1] Hello there. [S2] Hi.",
        });
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal(2, Ffmpeg.Probe(await inline.Content.ReadAsByteArrayAsync()).Channels);
    }

    [Fact]
    public async Task Two_inline_prompts_are_the_same_split_prompt_as_two_registered_voices()
    {
        await RegisterPair();
        var aliceWav = TestAudio.SpokenWav("I like long walks by the sea.");
        var bobWav = TestAudio.SpokenWav("Good evening, and welcome.");
        const string transcripts = "[S1] I like long walks by the sea. [S2] Good evening, and welcome.";
        var registered = await (await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            new { model = "zipvoice_dialog", input = Dialogue, voice = "alice+bob", response_format = "wav", stream = false, seed = 7 })).Content.ReadAsByteArrayAsync();

        // JSON: a list of two inline prompts (a base64 prompt holds '+' itself, so it cannot be written "a+b").
        var json = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice_dialog", input = Dialogue, response_format = "wav", stream = false, seed = 7, prompt_text = transcripts,
            voice = new[] { "base64+" + Convert.ToBase64String(aliceWav), "data:audio/wav;base64," + Convert.ToBase64String(bobWav) },
        });
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var inline = await json.Content.ReadAsByteArrayAsync();
        // The store keeps a registered recording as 16-bit audio, so the two differ by rounding only.
        var (a, b) = (Ffmpeg.DecodeToFloat(registered), Ffmpeg.DecodeToFloat(inline));
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b, (x, y) => MathF.Abs(x - y)).Max() < 2e-3f);
        Assert.True(a.Max(MathF.Abs) > 0.01f);

        // Mixed: a registered name and an inline prompt.
        var mixed = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice_dialog", input = Dialogue, response_format = "wav", stream = false, seed = 7, prompt_text = transcripts,
            voice = new[] { "alice", "base64+" + Convert.ToBase64String(bobWav) },
        });
        Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        var mixedBytes = await mixed.Content.ReadAsByteArrayAsync();

        // Multipart: voice twice, and each file+ takes the uploaded prompt_wav_file of its turn, in order.
        MultipartFormDataContent Form(params (string Voice, byte[]? Wav)[] speakers)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent("zipvoice_dialog"), "model" }, { new StringContent(Dialogue), "input" },
                { new StringContent("wav"), "response_format" }, { new StringContent("false"), "stream" },
                { new StringContent("7"), "seed" }, { new StringContent(transcripts), "prompt_text" },
            };
            foreach (var (voice, wav) in speakers)
            {
                form.Add(new StringContent(voice), "voice");
                if (wav is not null)
                    form.Add(new ByteArrayContent(wav) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "prompt_wav_file", voice + ".wav");
            }
            return form;
        }
        var multipart = await _client.PostAsync("/v1/zipvoice/audio/speech", Form(("file+alice", aliceWav), ("file+bob", bobWav)));
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(inline, await multipart.Content.ReadAsByteArrayAsync());
        var nameAndFile = await _client.PostAsync("/v1/zipvoice/audio/speech", Form(("alice", null), ("file+bob", bobWav)));
        Assert.Equal(mixedBytes, await nameAndFile.Content.ReadAsByteArrayAsync());
        // The second file is the second speaker's: alice's longer recording in its place makes a longer prompt, so a
        // different dialogue (the stand-ins' output depends on the prompt only through its length and level).
        var twice = await _client.PostAsync("/v1/zipvoice/audio/speech", Form(("file+alice", aliceWav), ("file+bob", aliceWav)));
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.NotEqual(inline.Length, (await twice.Content.ReadAsByteArrayAsync()).Length);

        // Inline prompts need their transcriptions; a third file is refused.
        Assert.Equal("missing_prompt_text", await ErrorCode(await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new
        {
            model = "zipvoice_dialog", input = Dialogue, voice = new[] { "alice", "base64+" + Convert.ToBase64String(bobWav) },
        })));
        var three = Form(("file+a", aliceWav), ("file+b", bobWav));
        three.Add(new ByteArrayContent(bobWav) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "prompt_wav_file", "c.wav");
        Assert.Equal("too_many_prompt_files", await ErrorCode(await _client.PostAsync("/v1/zipvoice/audio/speech", three)));
    }

    [Theory]
    [InlineData("zipvoice_dialog", false)]
    [InlineData("zipvoice_dialog_stereo", true)]
    public async Task Captions_name_each_turns_speaker_and_follow_the_turns(string model, bool stream)
    {
        await RegisterPair();
        const string input = "[S1] Did you see the match? [S2] I did, what a finish! [S1] Unbelievable.";
        var response = await _client.PostAsJsonAsync("/v1/audio/speech/captioned",
            new { model, input, voice = "alice+bob", response_format = "wav", stream, seed = 2 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var words = lines.SelectMany(l => l.GetProperty("timestamps").EnumerateArray())
            .Select(w => (Word: w.GetProperty("word").GetString(), Speaker: w.GetProperty("speaker").GetString(),
                Start: w.GetProperty("start_time").GetDouble(), End: w.GetProperty("end_time").GetDouble())).ToList();
        Assert.Equal(["Did", "you", "see", "the", "match", "I", "did", "what", "a", "finish", "Unbelievable"], words.Select(w => w.Word));
        Assert.Equal([.. Enumerable.Repeat("S1", 5), .. Enumerable.Repeat("S2", 5), "S1"], words.Select(w => w.Speaker));
        Assert.All(words.Zip(words.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start + 1e-9 && p.First.Start < p.First.End));
        Assert.All(lines, l => Assert.Equal("estimate", l.GetProperty("timestamp_source").GetString()));

        // The words span the audio: the last ends within the last chunk's length, after 80% of it.
        var audio = lines.Select(l => Convert.FromBase64String(l.GetProperty("audio").GetString()!)).ToList();
        var seconds = stream
            ? audio.Sum(a => (a.Length - (a == audio[0] ? 44 : 0)) / 2.0 / (model.EndsWith("stereo") ? 2 : 1)) / 24000
            : Ffmpeg.DecodeInterleaved(audio[0], model.EndsWith("stereo") ? 2 : 1).Length / (model.EndsWith("stereo") ? 2.0 : 1.0) / 24000;
        Assert.InRange(words[^1].End, 0.8 * seconds, seconds + 1e-6);
    }

    [Fact]
    public async Task Dialog_mistakes_are_clear_400s()
    {
        await RegisterPair();
        await Register("duo", "[S1] Hello there. [S2] Hi, nice to meet you.", "Hello there. Hi, nice to meet you.");
        async Task<string?> Code(object body) => await ErrorCode(await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", body));

        Assert.Equal("dialog_must_start_with_s1", await Code(new { model = "zipvoice_dialog", input = "Hello. [S2] Hi.", voice = "alice+bob" }));
        Assert.Equal("too_many_speakers", await Code(new { model = "zipvoice_dialog", input = "[S1] Hi. [S2] Hey. [S3] Yo.", voice = "alice+bob" }));
        Assert.Equal("too_many_speakers", await Code(new { model = "zipvoice_dialog", input = Dialogue, voice = new[] { "alice", "bob", "duo" } }));
        Assert.Equal("dialog_needs_two_speakers", await Code(new { model = "zipvoice_dialog", input = Dialogue, voice = "alice" }));
        Assert.Equal("dialog_voice_is_two_speakers", await Code(new { model = "zipvoice_dialog", input = Dialogue, voice = "duo+bob" }));
        Assert.Equal("dialog_needs_dialog_model", await Code(new { model = "zipvoice", input = "Hi there.", voice = "alice+bob" }));
        Assert.Equal("dialog_needs_dialog_model", await Code(new { model = "zipvoice", input = Dialogue, voice = "alice" }));
        Assert.Equal("stereo_prompt_is_mono", await Code(new { model = "zipvoice_dialog_stereo", input = Dialogue, voice = "duo" }));
        Assert.Equal("invalid_dialog_prompt_text", await Code(new { model = "zipvoice_dialog", input = Dialogue, voice = "alice+bob", prompt_text = "[S1] a [S2] b [S1] c" }));

        // Registration: a two-speaker transcription follows the dialog rules too.
        var form = new MultipartFormDataContent
        {
            { new StringContent("trio"), "name" },
            { new StringContent("[S1] One. [S2] Two. [S3] Three."), "transcription" },
            { new ByteArrayContent(TestAudio.SineWav(1)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "voice.wav" },
        };
        Assert.Equal("too_many_speakers", await ErrorCode(await _client.PostAsync("/v1/zipvoice/voices/register", form)));
    }

    public static TheoryData<string, bool> Formats()
    {
        var data = new TheoryData<string, bool>();
        foreach (var format in new[] { "wav", "flac", "opus", "mp3", "aac", "pcm" })
            foreach (var stream in new[] { true, false })
                data.Add(format, stream);
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Stereo_dialogue_has_two_channels_in_every_format(string format, bool stream)
    {
        await RegisterPair();
        object Body(string f, bool s) => new { model = "zipvoice_dialog_stereo", input = Dialogue, voice = "alice+bob", response_format = f, stream = s, seed = 5 };
        var reference = await (await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Body("wav", false))).Content.ReadAsByteArrayAsync();
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(reference.AsSpan(22)));
        var frames = (reference.Length - 44) / 4;
        var seconds = frames / 24000.0;

        var response = await _client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Body(format, stream));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        float[] decoded;
        if (format == "pcm")
        {
            // Raw 16-bit interleaved L/R: exactly the WAV's data.
            Assert.Equal(reference.AsSpan(44).ToArray(), bytes);
            decoded = Ffmpeg.DecodeInterleaved(bytes, 2, "s16le");
        }
        else
        {
            Assert.Equal(2, Ffmpeg.Probe(bytes).Channels);
            decoded = Ffmpeg.DecodeInterleaved(bytes, 2);
            // Decoded length matches the audio made (lossy codecs add at most a frame or two of padding).
            Assert.InRange(decoded.Length / 2 / 24000.0, seconds - 0.01, seconds + 0.12);
        }
        // The channels carry different speakers: the stand-in's right channel is e² ≈ 7.4 times quieter than the left.
        var ratio = Rms(decoded.Where((_, i) => i % 2 == 0)) / Rms(decoded.Where((_, i) => i % 2 == 1));
        Assert.InRange(ratio, 5, 11);
    }
}
