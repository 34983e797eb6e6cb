using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TtsService.Inference;
using TtsService.Tests.Audio;
using TtsService.Tests.Voices;

namespace TtsService.Tests.Contract;

/// <summary>
/// Sends valid and invalid requests to every operation of the live service, for <c>tools/openapi/check-exchanges.mjs</c>
/// to check the recorded exchanges against the document. The boundary and enum probes are generated from the document
/// under test (its <c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c> and <c>enum</c>), not from the service's code,
/// so a range changed on one side only shows.
/// </summary>
public sealed class ContractDriver(HttpClient client, JsonNode document)
{
    public const string Voice = "contract_voice";
    private const string KokoroVoice = "af_standin_low";

    private static readonly JsonObject KokoroBody = new()
    {
        ["model"] = "kokoro", ["input"] = "Hi there.", ["voice"] = KokoroVoice, ["response_format"] = "pcm", ["stream"] = false,
    };

    private static readonly JsonObject ZipVoiceBody = new()
    {
        ["model"] = "zipvoice", ["input"] = "Hi there.", ["voice"] = Voice, ["response_format"] = "pcm", ["stream"] = false,
    };

    private static readonly JsonObject PhonemesBody = new() { ["phonemes"] = "hˈɛloʊ", ["voice"] = KokoroVoice, ["response_format"] = "pcm" };

    public static StringContent Json(JsonNode? body) => new(body?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");

    private static StringContent Text(string body, string type) => new(body, Encoding.UTF8, type);

    public Task<HttpResponseMessage> Post(string path, HttpContent? content, string? probe = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (probe is not null) request.Options.Set(ExchangeRecorder.Probe, probe);
        return client.SendAsync(request);
    }

    private static JsonObject With(JsonObject body, string field, JsonNode? value)
    {
        var copy = body.DeepClone().AsObject();
        copy[field] = value?.DeepClone();
        return copy;
    }

    private static MultipartFormDataContent Form(JsonObject body, params (string Name, byte[] Bytes, string File)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in body.Where(f => f.Value is not null))
            form.Add(new StringContent(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value!.ToJsonString()), name);
        foreach (var (name, bytes, file) in files)
            form.Add(new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, name, file);
        return form;
    }

    private JsonObject RequestSchema(string path, string type = "application/json")
    {
        var schema = document["paths"]![path]!["post"]!["requestBody"]!["content"]![type]!["schema"]!;
        if (schema["allOf"] is JsonArray parts) schema = parts[0]!;
        var reference = (string)schema["$ref"]!;
        return document["components"]!["schemas"]![reference.Split('/')[^1]]!.AsObject();
    }

    /// <summary>
    /// For each constrained field of <paramref name="schema"/>: both bounds of a range and just outside each, every enum value
    /// and one that is not, the shortest allowed string and a shorter one, and a required field sent as null.
    /// </summary>
    public static IEnumerable<(string Field, JsonNode? Value)> ProbeValues(JsonObject schema)
    {
        foreach (var required in schema["required"]?.AsArray() ?? [])
            yield return ((string)required!, null);
        foreach (var (name, property) in schema["properties"]!.AsObject())
        {
            if (property is null) continue;
            if (property["enum"] is JsonArray values)
            {
                foreach (var value in values) yield return (name, value!.DeepClone());
                yield return (name, JsonValue.Create($"not_{name}"));
            }
            if (property["minLength"] is { } minLength)
            {
                var shortest = minLength.GetValue<int>();
                yield return (name, JsonValue.Create(new string('a', shortest - 1)));
                yield return (name, JsonValue.Create(new string('a', shortest)));
            }
            var integer = (string?)property["type"] == "integer";
            var step = integer ? 1m : 0.01m;
            JsonNode Number(decimal n) => integer ? JsonValue.Create((long)n) : JsonValue.Create(n);
            if (property["minimum"] is { } minimum)
            {
                var min = (decimal)minimum.GetValue<double>();
                var exclusive = property["exclusiveMinimum"] is JsonValue e && e.GetValue<bool>();
                yield return (name, Number(exclusive ? min : min - step));
                yield return (name, Number(exclusive ? min + step : min));
            }
            if (property["maximum"] is { } maximum)
            {
                var max = (decimal)maximum.GetValue<double>();
                var exclusive = property["exclusiveMaximum"] is JsonValue e && e.GetValue<bool>();
                yield return (name, Number(exclusive ? max - step : max));
                yield return (name, Number(exclusive ? max : max + step));
            }
        }
    }

    /// <summary>Every probe of the speech request's fields, on every route that takes one, JSON and multipart.</summary>
    public async Task ProbeSpeechFields(bool allRoutes = true)
    {
        foreach (var (field, value) in ProbeValues(RequestSchema("/v1/audio/speech")))
            await Post("/v1/audio/speech", Json(With(KokoroBody, field, value)), field);
        if (!allRoutes) return;
        foreach (var (field, value) in ProbeValues(RequestSchema("/v1/audio/speech/captioned")))
            await Post("/v1/audio/speech/captioned", Json(With(KokoroBody, field, value)), field);
        foreach (var (field, value) in ProbeValues(RequestSchema("/v1/zipvoice/audio/speech")))
        {
            await Post("/v1/zipvoice/audio/speech", Json(With(ZipVoiceBody, field, value)), field);
            await Post("/v1/zipvoice/audio/speech", Form(With(ZipVoiceBody, field, value)), field);
        }
        foreach (var (field, value) in ProbeValues(RequestSchema("/dev/generate_from_phonemes")))
            await Post("/dev/generate_from_phonemes", Json(With(PhonemesBody, field, value)), field);
    }

    public static byte[] SilentWav(double seconds) => PromptFiles.Wav(1, 1, 24000, 16, new byte[(int)(24000 * seconds) * 2]);

    /// <summary>Each operation's documented statuses, on the main host (keys on, max_upload_size_mb 1, stand-in models).</summary>
    public async Task Everything(HttpClient withoutKey, HttpClient wrongKey)
    {
        var huge = new string('a', 3 << 20);              // above every body limit of the main host
        var big = new string('a', (int)(1.5 * (1 << 20))); // above the 1 MB of routes without their own limit
        var silentPrompt = "base64+" + Convert.ToBase64String(SilentWav(2));

        await client.GetAsync("/health");
        await client.GetAsync("/ready");

        // The voice store, first: the ZipVoice probes speak with this voice.
        var register = (string name, byte[] audio) => Post("/v1/zipvoice/voices/register", Form(new JsonObject { ["name"] = name, ["transcription"] = "Hello there, this is me." }, ("audio_file", audio, "me.wav")));
        Assert.Equal(HttpStatusCode.Created, (await register(Voice, TestAudio.SineWav(2.0))).StatusCode);
        await register(Voice, TestAudio.SineWav(2.0));                                  // 409
        await register("bad name!", TestAudio.SineWav(1.0));                            // 400
        await register("too_big", new byte[(int)(1.5 * (1 << 20))]);                    // 413
        await register("empty", PromptFiles.Wav(1, 1, 24000, 16, []));                  // 422
        await register("garbage", Encoding.ASCII.GetBytes(new string('x', 4000)));      // 415
        await Post("/v1/zipvoice/voices/register", Json(new JsonObject { ["name"] = "json" })); // 415
        await client.GetAsync("/v1/zipvoice/voices");
        await client.GetAsync($"/v1/zipvoice/voices/{Voice}");
        await client.GetAsync("/v1/zipvoice/voices/nobody");
        await client.GetAsync("/v1/zipvoice/voices/bad.name");
        foreach (var type in new[] { "url", "base64", "features", "all", "everything" })
            await Post($"/v1/zipvoice/voices/cache/clear?cache_type={type}", null);

        await ProbeSpeechFields();

        // Speech: streamed, SSE, a download link, and each refusal.
        foreach (var route in new[] { "/v1/audio/speech", "/v1/audio/speech/captioned", "/dev/captioned_speech" })
        {
            await Post(route, Json(With(With(KokoroBody, "stream", true), "response_format", "mp3")));
            await Post(route, Json(With(KokoroBody, "normalization_options", new JsonObject { ["normalize"] = false })));
            await Post(route, Json(new JsonObject()));                                                   // 400: no input
            await Post(route, Json(With(KokoroBody, "voice", "af_nobody")));                             // 404
            await Post(route, Json(With(KokoroBody, "model", "no_such_model")));                         // 404
            await Post(route, Json(With(KokoroBody, "input", route == "/v1/audio/speech" ? huge : big))); // 413
            await Post(route, Text("Hello", "text/plain"));                                              // 415
            await Post(route, Json(With(With(ZipVoiceBody, "voice", silentPrompt), "prompt_text", "Hello there."))); // 422
            await Post(route, Json(With(ZipVoiceBody, "model", "zipvoice_dialog")));                     // 503
        }
        var linked = await Post("/v1/audio/speech", Json(With(KokoroBody, "return_download_link", true)));
        await client.GetAsync(linked.Headers.GetValues("X-Download-Path").Single());
        await client.GetAsync($"/v1/download/speech-{new string('0', 32)}.mp3");  // 404: well-formed, not there
        await client.GetAsync("/v1/download/nothing_here.mp3");                   // 400: not a download name

        // ZipVoice speech: a registered voice, an uploaded prompt, and each refusal.
        await Post("/v1/zipvoice/audio/speech", Json(ZipVoiceBody));
        await Post("/v1/zipvoice/audio/speech", Form(With(With(ZipVoiceBody, "voice", "file+upload"), "prompt_text", "Hello there."), ("prompt_wav_file", TestAudio.SineWav(1.5), "prompt.wav")));
        await Post("/v1/zipvoice/audio/speech", Json(With(ZipVoiceBody, "voice", "nobody")));                 // 404
        await Post("/v1/zipvoice/audio/speech", Json(With(ZipVoiceBody, "input", huge)));                     // 413
        await Post("/v1/zipvoice/audio/speech", Text("Hello", "text/plain"));                                 // 415
        await Post("/v1/zipvoice/audio/speech", Form(With(With(ZipVoiceBody, "voice", "file+upload"), "prompt_text", "Hello."), ("prompt_wav_file", Encoding.ASCII.GetBytes(new string('x', 4000)), "prompt.wav"))); // 415
        await Post("/v1/zipvoice/audio/speech", Json(With(With(ZipVoiceBody, "voice", silentPrompt), "prompt_text", "Hello there."))); // 422
        await Post("/v1/zipvoice/audio/speech", Json(With(ZipVoiceBody, "model", "zipvoice_dialog")));       // 503

        // Models, voices, mixing, the developer routes.
        await client.GetAsync("/v1/models");
        await client.GetAsync("/v1/models/kokoro");
        await client.GetAsync("/v1/models/zipvoice");
        await client.GetAsync("/v1/models/no_such_model");
        await client.GetAsync("/v1/audio/voices");
        await client.GetAsync("/v1/audio/voices?legacy=true");
        await client.GetAsync("/v1/audio/voices?legacy=maybe");
        await Post("/v1/audio/voices/combine", Json(JsonValue.Create($"{KokoroVoice}+af_standin_high")));
        await Post("/v1/audio/voices/combine", Json(new JsonArray(KokoroVoice, "af_standin_high")));
        await Post("/v1/audio/voices/combine", Json(JsonValue.Create(42)));
        await Post("/v1/audio/voices/combine", Json(JsonValue.Create($"af_nobody+{KokoroVoice}")));
        await Post("/v1/audio/voices/combine", Json(JsonValue.Create(big)));
        await Post("/dev/phonemize", Json(new JsonObject { ["text"] = "Hello world.", ["language"] = "a" }));
        await Post("/dev/phonemize", Json(new JsonObject()));
        await Post("/dev/phonemize", Json(new JsonObject { ["text"] = big }));
        await Post("/dev/phonemize", Text("Hello", "text/plain"));
        await Post("/dev/generate_from_phonemes", Json(With(PhonemesBody, "phonemes", "")));
        await Post("/dev/generate_from_phonemes", Json(With(PhonemesBody, "voice", "af_nobody")));
        await Post("/dev/generate_from_phonemes", Json(With(PhonemesBody, "phonemes", big)));
        await Post("/dev/generate_from_phonemes", Text("hˈɛloʊ", "text/plain"));

        // A content type no route here takes, on every operation with a body.
        foreach (var (path, item) in document["paths"]!.AsObject())
            if (item!["post"]?["requestBody"] is not null)
                await Post(path.Replace("{name}", Voice), Text("Hello", "text/plain"));

        await client.DeleteAsync("/v1/zipvoice/voices/nobody");
        await client.DeleteAsync("/v1/zipvoice/voices/bad.name");

        // The WebSocket routes, asked over plain HTTP: what they answer before any upgrade.
        await client.GetAsync("/v1/audio/speech/stream");                                                       // 400: not a WebSocket
        foreach (var route in new[] { "stream-input", "multi-stream-input" })
        {
            await client.GetAsync($"/v1/text-to-speech/{KokoroVoice}/{route}");                                 // 400: not a WebSocket
            await client.GetAsync($"/v1/text-to-speech/{KokoroVoice}/{route}?output_format=ulaw_8000");         // 400: a format we cannot make
            await client.GetAsync($"/v1/text-to-speech/af_nobody/{route}");                                     // 404: unknown voice
        }

        // Without the key, and with a wrong one: every operation that declares the scheme.
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operation) in item!.AsObject())
        {
            if (operation!["security"] is null) continue;
            var concrete = path.Replace("{id}", "kokoro").Replace("{file}", "nothing.mp3").Replace("{name}", Voice);
            foreach (var unkeyed in new[] { withoutKey, wrongKey })
                await unkeyed.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), concrete) { Content = method == "post" ? Json(new JsonObject()) : null });
            // The key is asked for before anything else is judged, even a content type the route does not take.
            if (method == "post") await withoutKey.PostAsync(concrete, Text("Hello", "text/plain"));
        }
        await client.DeleteAsync($"/v1/zipvoice/voices/{Voice}");
    }

    /// <summary>429 on every admitted route: the main host's queue owes far more than max_queue_wait_seconds.</summary>
    public async Task Busy(IServiceProvider services)
    {
        var estimator = services.GetRequiredService<QueueWaitEstimator>();
        using (var served = estimator.Admit())
        {
            served.SetBackend("kokoro");
            served.AddInference(10_000);
            served.Finish(complete: true);
        }
        using var ahead = estimator.Admit();
        ahead.SetBackend("kokoro");
        foreach (var route in new[] { "/v1/audio/speech", "/v1/audio/speech/captioned", "/dev/captioned_speech", "/v1/zipvoice/audio/speech" })
            await Post(route, Json(route.Contains("zipvoice") ? ZipVoiceBody : KokoroBody));
        await Post("/dev/generate_from_phonemes", Json(PhonemesBody));
        // The WebSocket routes are refused at the upgrade, before it is accepted.
        foreach (var path in new[] { "/v1/audio/speech/stream", $"/v1/text-to-speech/{KokoroVoice}/stream-input", $"/v1/text-to-speech/{KokoroVoice}/multi-stream-input" })
            await client.GetAsync(path);
    }

    /// <summary>A host with no model files: the routes that need a backend answer 503, /ready too.</summary>
    public async Task NoModels()
    {
        await client.GetAsync("/ready");
        await client.GetAsync("/v1/models");
        await client.GetAsync("/v1/audio/voices");
        await Post("/v1/audio/voices/combine", Json(JsonValue.Create($"{KokoroVoice}+af_standin_high")));
        await Post("/dev/phonemize", Json(new JsonObject { ["text"] = "Hello." }));
        await Post("/dev/generate_from_phonemes", Json(PhonemesBody));
        foreach (var route in new[] { "/v1/audio/speech", "/v1/audio/speech/captioned", "/dev/captioned_speech" })
            await Post(route, Json(KokoroBody));
        await Post("/v1/zipvoice/audio/speech", Json(ZipVoiceBody));
    }
}
