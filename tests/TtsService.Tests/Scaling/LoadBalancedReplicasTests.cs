using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TtsService.Tests.Voices;

namespace TtsService.Tests.Scaling;

/// <summary>
/// Two replicas behind nginx sharing one voice store and download folder (<see cref="ReplicaPair"/>): what is
/// registered, overwritten or deleted through either is what both serve next, concurrent registers of one name
/// have one winner, a download link works on the other replica, and a replica SIGKILLed mid-register leaves the
/// survivor a consistent store. Each scenario uses its own voice names.
/// </summary>
public sealed class LoadBalancedReplicasTests(ReplicaPair pair) : IClassFixture<ReplicaPair>
{
    private void SkipIfNoNginx() => Skip.If(pair.SkipReason is not null, pair.SkipReason);

    private static MultipartFormDataContent RegisterForm(string name, string transcription, double seconds, bool overwrite = false) => new()
    {
        { new StringContent(name), "name" },
        { new StringContent(transcription), "transcription" },
        { new ByteArrayContent(TestAudio.SineWav(seconds)) { Headers = { ContentType = new MediaTypeHeaderValue("audio/wav") } }, "audio_file", "prompt.wav" },
        { new StringContent(overwrite ? "true" : "false"), "overwrite" },
    };

    private static object Speech(string voice, string input = "Hello there, from whichever replica.", bool downloadLink = false) => new
    {
        model = "zipvoice", input, voice, response_format = "wav", stream = false, num_steps = 2, seed = 1,
        return_download_link = downloadLink,
    };

    private async Task<HttpResponseMessage> Register(HttpClient http, string name, string transcription, double seconds, bool overwrite = false) =>
        await http.PostAsync("/v1/zipvoice/voices/register", RegisterForm(name, transcription, seconds, overwrite));

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement?> InfoOn(ReplicaPair.Replica replica, string name)
    {
        var response = await replica.Http.GetAsync($"/v1/zipvoice/voices/{name}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await Json(response, HttpStatusCode.OK);
    }

    private ReplicaPair.Replica[] Both => [pair.A, pair.B];

    [SkippableFact]
    public async Task A_voice_registered_through_nginx_is_spoken_by_both_replicas()
    {
        SkipIfNoNginx();
        await Json(await Register(pair.Nginx, "everywhere", "Hello there, I am a test voice.", 1.0), HttpStatusCode.Created);
        var before = await Task.WhenAll(Both.Select(r => r.MetricAsync("tts_audio_seconds_total", "backend=\"zipvoice\"")));
        for (var i = 0; i < 6; i++)
        {
            var response = await pair.Nginx.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("everywhere"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"speech {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 44);
        }
        var after = await Task.WhenAll(Both.Select(r => r.MetricAsync("tts_audio_seconds_total", "backend=\"zipvoice\"")));
        // Round robin sent requests to both, and both had the voice.
        Assert.True(after[0] > before[0], $"replica A spoke nothing ({before[0]} → {after[0]})");
        Assert.True(after[1] > before[1], $"replica B spoke nothing ({before[1]} → {after[1]})");
    }

    [SkippableFact]
    public async Task An_overwrite_through_nginx_is_what_both_replicas_serve_next()
    {
        SkipIfNoNginx();
        await Json(await Register(pair.Nginx, "changing", "The first words.", 1.0), HttpStatusCode.Created);
        foreach (var replica in Both)
        {
            Assert.Equal("The first words.", (await InfoOn(replica, "changing"))?.GetProperty("transcription").GetString());
            // Warm each replica's decoded-prompt and feature caches with the first version.
            Assert.Equal(HttpStatusCode.OK, (await replica.Http.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("changing"))).StatusCode);
        }
        await Json(await Register(pair.Nginx, "changing", "The second, longer words.", 2.0, overwrite: true), HttpStatusCode.Created);
        foreach (var replica in Both)
        {
            var info = await InfoOn(replica, "changing");
            Assert.Equal("The second, longer words.", info?.GetProperty("transcription").GetString());
            Assert.Equal(2.0, info!.Value.GetProperty("audio_info").GetProperty("duration").GetDouble(), 3);
            Assert.Equal(HttpStatusCode.OK, (await replica.Http.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("changing"))).StatusCode);
        }
    }

    [SkippableFact]
    public async Task A_delete_through_nginx_is_404_on_both_replicas()
    {
        SkipIfNoNginx();
        await Json(await Register(pair.Nginx, "doomed", "Soon gone.", 1.0), HttpStatusCode.Created);
        foreach (var replica in Both) Assert.NotNull(await InfoOn(replica, "doomed"));
        await Json(await pair.Nginx.DeleteAsync("/v1/zipvoice/voices/doomed"), HttpStatusCode.OK);
        foreach (var replica in Both)
        {
            Assert.Null(await InfoOn(replica, "doomed"));
            await Json(await replica.Http.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("doomed")), HttpStatusCode.NotFound);
            await Json(await replica.Http.DeleteAsync("/v1/zipvoice/voices/doomed"), HttpStatusCode.NotFound);
            var list = await Json(await replica.Http.GetAsync("/v1/zipvoice/voices"), HttpStatusCode.OK);
            Assert.False(list.GetProperty("voices").TryGetProperty("doomed", out _));
        }
    }

    [SkippableFact]
    public async Task Concurrent_registers_of_one_name_through_nginx_have_one_winner_and_overwrites_one_whole_last_writer()
    {
        SkipIfNoNginx();
        const int n = 8;
        var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => Register(pair.Nginx, "contested", $"Attempt {i}.", 0.5)));
        var codes = results.Select(r => r.StatusCode).ToList();
        Assert.True(codes.Count(c => c == HttpStatusCode.Created) == 1 && codes.Count(c => c == HttpStatusCode.Conflict) == n - 1,
            "expected one 201 and the rest 409, got " + string.Join(", ", codes.Select(c => (int)c)));
        var winner = codes.IndexOf(HttpStatusCode.Created);
        foreach (var replica in Both)
            Assert.Equal($"Attempt {winner}.", (await InfoOn(replica, "contested"))?.GetProperty("transcription").GetString());

        // overwrite=true: every one succeeds and the last writer wins whole (its transcript with its own audio length).
        var seconds = Enumerable.Range(0, n).Select(i => 0.5 + 0.125 * i).ToArray();
        results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => Register(pair.Nginx, "contested", $"Overwrite {i}.", seconds[i], overwrite: true)));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var infos = await Task.WhenAll(Both.Select(r => InfoOn(r, "contested")));
        Assert.Equal(infos[0]?.GetProperty("transcription").GetString(), infos[1]?.GetProperty("transcription").GetString());
        var last = int.Parse(infos[0]!.Value.GetProperty("transcription").GetString()!["Overwrite ".Length..^1]);
        foreach (var info in infos) Assert.Equal(seconds[last], info!.Value.GetProperty("audio_info").GetProperty("duration").GetDouble(), 3);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(pair.VoicesDir, "contested")).Length);
    }

    [SkippableFact]
    public async Task A_download_link_made_on_one_replica_is_served_by_the_other_and_expires_on_both()
    {
        SkipIfNoNginx();
        await Json(await Register(pair.Nginx, "linked", "Keep a copy of this.", 1.0), HttpStatusCode.Created);
        var made = await pair.A.Http.PostAsJsonAsync("/v1/zipvoice/audio/speech", Speech("linked", downloadLink: true));
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var audio = await made.Content.ReadAsByteArrayAsync();
        var link = Assert.Single(made.Headers.GetValues("X-Download-Path"));

        var fetched = await pair.B.Http.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(audio, await fetched.Content.ReadAsByteArrayAsync());

        // Past download_ttl_minutes (60) by the file's own time: both replicas refuse it.
        var file = Path.Combine(pair.DownloadsDir, link.Split('/').Last());
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-61));
        foreach (var replica in Both) await Json(await replica.Http.GetAsync(link), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task A_replica_killed_mid_register_leaves_the_survivor_a_consistent_store_and_restarts_clean()
    {
        SkipIfNoNginx();
        var voiceDir = Path.Combine(pair.VoicesDir, ReplicaPair.SlowCommitVoice);
        // Replica A commits this voice a minute after writing its audio: kill it in between.
        var register = Register(pair.A.Http, ReplicaPair.SlowCommitVoice, "Never finished.", 1.5);
        await ReplicaPair.WaitAsync(() => Task.FromResult(Directory.Exists(voiceDir) && Directory.GetFiles(voiceDir, "audio-*.wav").Length > 0),
            "replica A to write the audio", () => pair.A.Log);
        pair.A.Kill();
        try
        {
            var outcome = await Record.ExceptionAsync(() => register);
            Assert.True(outcome is HttpRequestException,
                $"the register must die with its replica; got {(outcome is null ? $"{(int)register.Result.StatusCode} {await register.Result.Content.ReadAsStringAsync()}" : outcome.ToString())}");
            Assert.False(File.Exists(Path.Combine(voiceDir, "voice.json")), "the kill came too late: the register had committed");

            // The survivor, through nginx (A refuses connections now): no half voice, and its look removes A's leftovers.
            var list = await Json(await pair.Nginx.GetAsync("/v1/zipvoice/voices"), HttpStatusCode.OK);
            Assert.False(list.GetProperty("voices").TryGetProperty(ReplicaPair.SlowCommitVoice, out _));
            await Json(await pair.Nginx.GetAsync($"/v1/zipvoice/voices/{ReplicaPair.SlowCommitVoice}"), HttpStatusCode.NotFound);
            Assert.False(Directory.Exists(voiceDir), "the survivor must clean up the dead replica's half-written voice");
            Assert.Empty(Directory.GetFileSystemEntries(pair.VoicesDir, ".tmp-*", SearchOption.AllDirectories));
            // The dead writer's lock went with it: the name registers at once through the survivor.
            await Json(await Register(pair.Nginx, ReplicaPair.SlowCommitVoice, "Finished this time.", 1.0), HttpStatusCode.Created);
        }
        finally
        {
            pair.A.Start();
            await pair.A.WaitReadyAsync();
        }
        Assert.Equal("Finished this time.", (await InfoOn(pair.A, ReplicaPair.SlowCommitVoice))?.GetProperty("transcription").GetString());
    }

    /// <summary>A Kokoro request long enough that one at a time keeps a replica's single slot busy for a while.</summary>
    private static readonly object Busy = new
    {
        model = "kokoro", voice = "af_standin_low", response_format = "pcm", stream = false,
        input = string.Join(' ', Enumerable.Repeat("A request long enough to keep one inference slot busy for a while.", 200)),
    };

    [SkippableFact]
    public async Task A_burst_one_replica_refuses_with_429_is_served_by_the_pair_through_nginx()
    {
        SkipIfNoNginx();
        // Each replica measures what such a request costs (admission needs a measured cost per backend).
        foreach (var replica in Both)
            for (var i = 0; i < 2; i++)
                Assert.Equal(HttpStatusCode.OK, (await replica.Http.PostAsJsonAsync("/v1/audio/speech", Busy)).StatusCode);
        foreach (var replica in Both)
        {
            var cost = await replica.MetricAsync("tts_request_inference_seconds_mean", "backend=\"kokoro\"");
            // Precondition, not the claim: a newcomer behind one such request must wait past max_queue_wait_seconds.
            Assert.True(cost > 4 * ReplicaPair.MaxQueueWaitSeconds, $"replica {replica.Name}: a request costs only {cost:0.###} s; make Busy longer");
        }

        // Alone: of two arriving together at A, one is refused at once with a Retry-After.
        var alone = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => pair.A.Http.PostAsJsonAsync("/v1/audio/speech", Busy)));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], alone.Select(r => r.StatusCode).Order());
        var refused = alone.Single(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal("rate_limit_exceeded", (await Json(refused, HttpStatusCode.TooManyRequests)).GetProperty("error").GetProperty("code").GetString());

        // The pair: the same burst through nginx, both asked of A first; A refuses one and nginx passes it to B.
        var refusedBefore = await Task.WhenAll(Both.Select(r => r.MetricAsync("tts_admission_rejected_total")));
        var served = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => pair.Nginx.PostAsJsonAsync("/a-first/v1/audio/speech", Busy)));
        Assert.All(served, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var refusedAfter = await Task.WhenAll(Both.Select(r => r.MetricAsync("tts_admission_rejected_total")));
        Assert.Equal(1, refusedAfter[0] - refusedBefore[0]);
        Assert.Equal(0, refusedAfter[1] - refusedBefore[1]);

        // And through the round-robin entry, a burst of two is served whole too.
        var roundRobin = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => pair.Nginx.PostAsJsonAsync("/v1/audio/speech", Busy)));
        Assert.All(roundRobin, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }
}
