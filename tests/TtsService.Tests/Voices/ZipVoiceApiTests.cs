using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TtsService.Inference;
using TtsService.Tests.Infrastructure;

namespace TtsService.Tests.Voices;

/// <summary>/v1/zipvoice over HTTP: the voice store endpoints (with and without a ZipVoice model) and speech with every prompt form, on a fake synthesizer.</summary>
public sealed class ZipVoiceApiTests : IAsyncLifetime // xunit 2 never calls a test class's IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("tts-zipvoice-api").FullName;
    private readonly string _models;
    private readonly string _store;
    private readonly List<IDisposable> _disposables = [];
    private LoopbackHttpServer? _server;

    public ZipVoiceApiTests()
    {
        _models = Directory.CreateDirectory(Path.Combine(_data, "models")).FullName;
        _store = Path.Combine(_data, "store");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_disposables)) d.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private HttpClient Client(FakeZipVoice? fake, params (string Key, string? Value)[] settings)
    {
        var all = new List<(string, string?)> { ("zipvoice_cache_dir", _store) };
        all.AddRange(settings);
        var factory = ServiceFactory.WithModels(_models, all.ToArray());
        _disposables.Add(factory);
        var host = fake is null ? factory : factory.WithWebHostBuilder(b => b.ConfigureTestServices(fake.Register)); // first, so it wins over a real backend
        if (!ReferenceEquals(host, factory)) _disposables.Add(host);
        var client = host.CreateClient();
        _disposables.Add(client);
        return client;
    }

    private static MultipartFormDataContent RegisterForm(string name, string transcription, byte[]? audio, string? overwrite = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(transcription), "transcription" } };
        if (audio is not null) form.Add(new ByteArrayContent(audio) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "prompt.wav");
        if (overwrite is not null) form.Add(new StringContent(overwrite), "overwrite");
        return form;
    }

    private static async Task<JsonElement> Error(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
    }

    private static object Speech(string voice, string? promptText = null, string input = "Hello world.", string model = "zipvoice") =>
        new { model, input, voice, prompt_text = promptText, response_format = "wav", stream = false };

    private static async Task AssertToneFor(HttpResponseMessage response, string input)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(44 + input.Length * FakeZipVoice.SamplesPerCharacter * 2, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Register_list_get_use_and_delete()
    {
        var fake = new FakeZipVoice();
        var client = Client(fake);

        var created = await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("alice", "This is Alice speaking.", TestAudio.SineWav(1.5, 44100, 2)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/zipvoice/voices/alice", created.Headers.Location?.OriginalString);
        var info = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("alice", info.GetProperty("name").GetString());
        Assert.Equal("This is Alice speaking.", info.GetProperty("transcription").GetString());
        var audioInfo = info.GetProperty("audio_info");
        Assert.Equal(1.5, audioInfo.GetProperty("duration").GetDouble(), 3);
        Assert.Equal(24000, audioInfo.GetProperty("samplerate").GetInt32());
        Assert.Equal(2, audioInfo.GetProperty("channels").GetInt32()); // a two-channel recording keeps its channels (zipvoice_dialog_stereo)
        Assert.Equal(36000, audioInfo.GetProperty("samples").GetInt32());
        Assert.Equal(".wav", audioInfo.GetProperty("format").GetString());

        var list = await client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices");
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        var alice = list.GetProperty("voices").GetProperty("alice");
        Assert.Equal("This is Alice speaking.", alice.GetProperty("transcription").GetString());
        var audioPath = alice.GetProperty("audio_path").GetString()!;
        Assert.StartsWith(Path.Combine(_store, "alice") + Path.DirectorySeparatorChar, audioPath);
        Assert.True(File.Exists(audioPath));

        Assert.Equal(info.ToString(), (await client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices/alice")).ToString());

        // Used by name: the stored transcription goes with the stored audio...
        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("alice")), "Hello world.");
        Assert.Equal("This is Alice speaking.", fake.Last.Prompt.Transcript);
        Assert.Equal(36000, fake.Last.Prompt.Samples.Length);
        Assert.StartsWith("voice:alice:", fake.Last.Prompt.CacheKey);
        Assert.Equal("Hello world.", fake.Last.Text);
        Assert.Equal("zipvoice", fake.Last.Model);
        // ...unless prompt_text says otherwise.
        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("alice", "Corrected words.", "Hi.")), "Hi.");
        Assert.Equal("Corrected words.", fake.Last.Prompt.Transcript);

        var deleted = await client.DeleteAsync("/v1/zipvoice/voices/alice");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(File.Exists(audioPath));
        Assert.Equal("voice_not_found", (await Error(await client.GetAsync("/v1/zipvoice/voices/alice"), HttpStatusCode.NotFound)).GetProperty("code").GetString());
        await Error(await client.DeleteAsync("/v1/zipvoice/voices/alice"), HttpStatusCode.NotFound);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("alice")), HttpStatusCode.NotFound);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_registered_voice_survives_a_restart_and_is_usable_by_name()
    {
        var first = Client(null);
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync("/v1/zipvoice/voices/register", RegisterForm("keeper", "Words to keep.", TestAudio.SineWav(1)))).StatusCode);
        foreach (var d in Enumerable.Reverse(_disposables)) d.Dispose();
        _disposables.Clear();

        var fake = new FakeZipVoice();
        var second = Client(fake);
        var list = await second.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices");
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        Assert.Equal("Words to keep.", list.GetProperty("voices").GetProperty("keeper").GetProperty("transcription").GetString());
        await AssertToneFor(await second.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("keeper", input: "After the restart.")), "After the restart.");
        Assert.Equal("Words to keep.", fake.Last.Prompt.Transcript);
        Assert.Equal(24000, fake.Last.Prompt.Samples.Length);
    }

    [Fact]
    public async Task Voice_management_works_without_the_model_while_speech_is_503()
    {
        var client = Client(null);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("solo", "Hello.", TestAudio.SineWav(0.5)))).StatusCode);
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices")).GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/zipvoice/voices/solo")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/zipvoice/voices/cache/clear?cache_type=all", null)).StatusCode);
        var error = await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("solo")), HttpStatusCode.ServiceUnavailable);
        Assert.Equal("service_unavailable", error.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("/v1/zipvoice/voices/solo")).StatusCode);
    }

    [Fact]
    public async Task Duplicate_name_is_409_unless_overwrite_is_true()
    {
        var client = Client(null);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("dup", "First.", TestAudio.SineWav(0.5)))).StatusCode);
        var conflict = await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("dup", "Second.", TestAudio.SineWav(0.5))), HttpStatusCode.Conflict);
        Assert.Equal("voice_exists", conflict.GetProperty("code").GetString());
        await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("dup", "Second.", TestAudio.SineWav(0.5), "false")), HttpStatusCode.Conflict);
        var replaced = await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("dup", "Second.", TestAudio.SineWav(0.75), "true"));
        Assert.Equal(HttpStatusCode.Created, replaced.StatusCode);
        var info = await client.GetFromJsonAsync<JsonElement>("/v1/zipvoice/voices/dup");
        Assert.Equal("Second.", info.GetProperty("transcription").GetString());
        Assert.Equal(18000, info.GetProperty("audio_info").GetProperty("samples").GetInt32());
    }

    [Fact]
    public async Task Thirty_two_concurrent_registrations_give_exactly_one_201()
    {
        var client = Client(null);
        var audio = TestAudio.SineWav(0.5);
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i =>
            client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("contested", $"Attempt {i}.", audio))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(31, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(["contested"], Directory.GetDirectories(_store).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("../../etc/evil")]
    [InlineData("a/b")]
    [InlineData("CON")]
    [InlineData("")]
    [InlineData("名前")]
    [InlineData("voix-é")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    [InlineData("bad name")]
    [InlineData(".hidden")]
    public async Task Bad_names_are_400_and_nothing_is_written(string name)
    {
        var client = Client(null);
        var before = Snapshot();
        var error = await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm(name, "Text.", TestAudio.SineWav(0.5), "true")), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_voice_name", error.GetProperty("code").GetString());
        Assert.Equal(before, Snapshot());
        // Only the store's own bookkeeping (its lock file, made when it opened) is there.
        Assert.All(Directory.GetFileSystemEntries(_store), p => Assert.Contains(Path.GetFileName(p), new[] { ".lock", ".generation" }));
    }

    [Theory]
    [InlineData("CON")]
    [InlineData("..%2Fx")]
    [InlineData("a.b")]
    [InlineData("a%20b")]
    public async Task Bad_names_in_the_path_are_400(string escaped)
    {
        var client = Client(null);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/zipvoice/voices/" + escaped)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/v1/zipvoice/voices/" + escaped)).StatusCode);
    }

    private string[] Snapshot() => Directory.GetFileSystemEntries(_data, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Registration_input_errors()
    {
        var client = Client(null, ("zipvoice_max_prompt_duration", "3"));
        var empty = await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("v", "  ", TestAudio.SineWav(0.5))), HttpStatusCode.BadRequest);
        Assert.Equal("transcription", empty.GetProperty("param").GetString());
        await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("v", "Words.", null)), HttpStatusCode.BadRequest);
        var notAudio = await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("v", "Words.", "this is not audio at all"u8.ToArray())), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("audio_file", notAudio.GetProperty("param").GetString());
        var tooLong = await Error(await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("v", "Words.", TestAudio.SineWav(4))), (HttpStatusCode)422);
        Assert.Contains("zipvoice_max_prompt_duration", tooLong.GetProperty("message").GetString());
        Assert.Contains("3 s", tooLong.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("v", "Words.", TestAudio.SineWav(2.9)))).StatusCode);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/voices/register", new { name = "v" }), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Base64_data_uri_and_file_prompts_reach_the_model_with_their_transcript()
    {
        var fake = new FakeZipVoice();
        var client = Client(fake);
        var wav = TestAudio.SineWav(0.5, 16000);
        var b64 = Convert.ToBase64String(wav);

        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+" + b64, "Base sixty four.")), "Hello world.");
        Assert.Equal(("Base sixty four.", 12000), (fake.Last.Prompt.Transcript, fake.Last.Prompt.Samples.Length));
        Assert.StartsWith("base64:", fake.Last.Prompt.CacheKey);
        var base64Key = fake.Last.Prompt.CacheKey;

        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+data:audio/wav;base64," + b64, "Data URI.")), "Hello world.");
        Assert.Equal(("Data URI.", base64Key), (fake.Last.Prompt.Transcript, fake.Last.Prompt.CacheKey)); // same content, same key
        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("data:audio/wav;base64," + b64, "Bare data URI.")), "Hello world.");
        Assert.Equal("Bare data URI.", fake.Last.Prompt.Transcript);

        var form = new MultipartFormDataContent
        {
            { new StringContent("zipvoice_distill"), "model" },
            { new StringContent("Multipart text."), "input" },
            { new StringContent("file+my_sample"), "voice" },
            { new StringContent("Uploaded words."), "prompt_text" },
            { new StringContent("wav"), "response_format" },
            { new StringContent("false"), "stream" },
            { new StringContent("8"), "num_steps" },
            { new StringContent("0.9"), "speed" },
            { new StringContent("1234"), "seed" },
            { new ByteArrayContent(TestAudio.SineWav(0.25, 48000, 2)), "prompt_wav_file", "sample.wav" },
        };
        await AssertToneFor(await client.PostAsync("/v1/zipvoice/audio/speech", form), "Multipart text.");
        var last = fake.Last;
        Assert.Equal(("zipvoice_distill", "Uploaded words.", 6000), (last.Model, last.Prompt.Transcript, last.Prompt.Samples.Length));
        Assert.Equal((8, 0.9f, 1234L), (last.NumSteps, last.Speed, last.Seed));
        Assert.StartsWith("file:", last.Prompt.CacheKey);
    }

    [Fact]
    public async Task Inline_prompts_need_prompt_text_and_bad_fields_are_400()
    {
        var client = Client(new FakeZipVoice());
        var b64 = "base64+" + Convert.ToBase64String(TestAudio.SineWav(0.5));
        Assert.Equal("missing_prompt_text", (await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(b64)), HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        // Refused for the missing transcript before any address is looked up (no traffic leaves loopback).
        Assert.Equal("missing_prompt_text", (await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("url+https://example.invalid/a.wav")), HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("file+x", "Words.")), HttpStatusCode.BadRequest); // no prompt_wav_file
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+%%%not base64%%%", "Words.")), HttpStatusCode.BadRequest);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("../etc/passwd", "Words.")), HttpStatusCode.BadRequest);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("", "Words.")), HttpStatusCode.BadRequest);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(b64, "Words.", input: "")), HttpStatusCode.BadRequest);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(b64, "Words.", model: "kokoro")), HttpStatusCode.NotFound);
        await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new { input = "x", voice = b64, prompt_text = "Words.", num_steps = 99 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_base64_prompt_longer_than_the_limit_is_422_naming_it()
    {
        var client = Client(new FakeZipVoice(), ("zipvoice_max_prompt_duration", "2.5"));
        var error = await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            Speech("base64+" + Convert.ToBase64String(TestAudio.SineWav(3)), "Words.")), (HttpStatusCode)422);
        Assert.Contains("2.5 s", error.GetProperty("message").GetString());
        Assert.Equal("voice", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Base64_prompts_can_be_disabled()
    {
        var client = Client(new FakeZipVoice(), ("zipvoice_allow_base64", "false"));
        var error = await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech",
            Speech("base64+" + Convert.ToBase64String(TestAudio.SineWav(0.5)), "Words.")), HttpStatusCode.BadRequest);
        Assert.Equal("base64_prompts_disabled", error.GetProperty("code").GetString());
    }

    private LoopbackHttpServer PromptServer(byte[] wav) => _server = new LoopbackHttpServer((path, stream, _) =>
        path == "/p.wav" ? LoopbackHttpServer.RespondAsync(stream, 200, wav) : LoopbackHttpServer.RespondAsync(stream, 404, []));

    [Fact]
    public async Task Url_prompts_from_loopback_work_when_allowed_and_are_cached_until_cleared()
    {
        var server = PromptServer(TestAudio.SineWav(0.5, 22050));
        var fake = new FakeZipVoice();
        var client = Client(fake, ("zipvoice_allow_private_urls", "true"));
        var voice = "url+" + server.Url("/p.wav");

        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(voice, "From a URL.")), "Hello world.");
        Assert.Equal(("From a URL.", 12000), (fake.Last.Prompt.Transcript, fake.Last.Prompt.Samples.Length));
        Assert.StartsWith("url:", fake.Last.Prompt.CacheKey);
        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(voice, "Again.")), "Hello world.");
        Assert.Equal(1, server.Requests); // the second use came from the cache

        await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+" + Convert.ToBase64String(TestAudio.SineWav(0.3)), "B."));
        var cleared = await client.PostAsync("/v1/zipvoice/voices/cache/clear?cache_type=url", null);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var body = await cleared.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("url", body.GetProperty("cache_type").GetString());
        Assert.Equal(1, body.GetProperty("cleared_entries").GetInt32());
        Assert.Equal(1, (await (await client.PostAsync("/v1/zipvoice/voices/cache/clear?cache_type=base64", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cleared_entries").GetInt32());

        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(voice, "Third.")), "Hello world.");
        Assert.Equal(2, server.Requests); // downloaded again after the clear
        await Error(await client.PostAsync("/v1/zipvoice/voices/cache/clear?cache_type=disk", null), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("url+http://127.0.0.1:{port}/p.wav")]
    [InlineData("url+http://localhost:{port}/p.wav")]
    [InlineData("url+http://[::ffff:127.0.0.1]:{port}/p.wav")]
    public async Task Url_prompts_to_loopback_are_refused_by_default_without_any_request(string template)
    {
        var server = PromptServer(TestAudio.SineWav(0.5));
        var client = Client(new FakeZipVoice());
        var error = await Error(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech(template.Replace("{port}", server.Port.ToString()), "Words.")), HttpStatusCode.BadRequest);
        Assert.Equal("url_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Url_prompts_can_be_disabled_and_other_schemes_are_refused()
    {
        var off = Client(new FakeZipVoice(), ("zipvoice_allow_url_download", "false"), ("zipvoice_allow_private_urls", "true"));
        Assert.Equal("url_prompts_disabled", (await Error(await off.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("url+http://127.0.0.1:9/p.wav", "W.")), HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        var on = Client(new FakeZipVoice(), ("zipvoice_allow_private_urls", "true"));
        Assert.Equal("url_not_allowed", (await Error(await on.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("url+file:///etc/passwd", "W.")), HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Openai_speech_endpoint_clones_with_zipvoice_models()
    {
        var fake = new FakeZipVoice();
        var client = Client(fake);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("bob", "Bob's prompt.", TestAudio.SineWav(1)))).StatusCode);

        await AssertToneFor(await client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice", input = "Via OpenAI.", voice = "bob", response_format = "wav", stream = false }), "Via OpenAI.");
        Assert.Equal(("Bob's prompt.", "zipvoice"), (fake.Last.Prompt.Transcript, fake.Last.Model));

        var b64 = "base64+" + Convert.ToBase64String(TestAudio.SineWav(0.5));
        await AssertToneFor(await client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice_distill", input = "Inline.", voice = b64, prompt_text = "Inline words.", response_format = "wav", stream = false, num_steps = 4 }), "Inline.");
        Assert.Equal(("Inline words.", "zipvoice_distill", 4), (fake.Last.Prompt.Transcript, fake.Last.Model, fake.Last.NumSteps));

        await Error(await client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice", input = "x", voice = "nobody", response_format = "wav" }), HttpStatusCode.NotFound);
        await Error(await client.PostAsJsonAsync("/v1/audio/speech", new { model = "zipvoice", input = "x", voice = b64, response_format = "wav" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Streaming_is_the_default()
    {
        var fake = new FakeZipVoice();
        var client = Client(fake);
        var b64 = "base64+" + Convert.ToBase64String(TestAudio.SineWav(0.5));
        var response = await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", new { input = "Streamed.", voice = b64, prompt_text = "W.", response_format = "pcm" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoCache); // set by the writer's streaming path only
        Assert.Equal("Streamed.".Length * FakeZipVoice.SamplesPerCharacter * 2, (await response.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("zipvoice", fake.Last.Model); // zipvoice_model's default
    }

    [Fact]
    public async Task The_openapi_document_lists_the_zipvoice_routes()
    {
        var spec = await Client(null).GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var paths = spec.GetProperty("paths");
        foreach (var path in new[] { "/v1/zipvoice/audio/speech", "/v1/zipvoice/voices", "/v1/zipvoice/voices/register", "/v1/zipvoice/voices/{name}", "/v1/zipvoice/voices/cache/clear" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    [Fact]
    public async Task Uploads_and_base64_over_max_upload_size_are_413()
    {
        var client = Client(new FakeZipVoice(), ("max_upload_size_mb", "0.01")); // about 10 KB
        var big = TestAudio.SineWav(1); // 48 KB
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("big", "Words.", big))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+" + Convert.ToBase64String(big), "Words."))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("small", "Words.", TestAudio.SineWav(0.1)))).StatusCode);
        Assert.Equal(["small"], Directory.GetDirectories(_store).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Prompts_larger_than_the_default_body_limit_are_accepted_on_zipvoice_routes()
    {
        var fake = new FakeZipVoice();
        var client = Client(fake);
        var wav = TestAudio.SineWav(25); // 1.2 MB, 1.6 MB as base64: over the 1 MB default body limit
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/zipvoice/voices/register", RegisterForm("long", "Words.", wav))).StatusCode);
        await AssertToneFor(await client.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("base64+" + Convert.ToBase64String(wav), "Words.")), "Hello world.");
        Assert.Equal(25 * 24000, fake.Last.Prompt.Samples.Length);
    }
}
