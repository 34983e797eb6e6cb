using TtsService.Tests.Audio;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace TtsService.Tests.Web;

/// <summary>The /web page in real headless Chromium against the running service (Kokoro and ZipVoice stand-ins).</summary>
public sealed class WebPageTests(BrowserServiceFixture service, ITestOutputHelper output) : IClassFixture<BrowserServiceFixture>
{
    private const string Voice = "af_standin_low";
    private const float TimeoutMs = 30_000;

    [SkippableFact]
    public async Task Page_loads_without_console_errors_and_lists_the_voices_and_models_from_the_api()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;

        var apiVoices = (await service.Http.GetFromJsonAsync<JsonElement>("/v1/audio/voices")).GetProperty("voices").EnumerateArray().Select(v => v.GetProperty("id").GetString()).ToList();
        var pageVoices = await page.Locator("#voice option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal(apiVoices, pageVoices);
        Assert.Contains(Voice, pageVoices);

        var apiModels = (await service.Http.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        var pageModels = await page.Locator("#model option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal(apiModels, pageModels);

        // Every form control has a label a screen reader can read.
        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0).map(e => e.id)");
        Assert.Empty(unlabelled);
        Assert.Empty(session.ConsoleErrors);
    }

    [SkippableFact]
    public async Task Speak_streams_mp3_into_an_audio_element_with_a_duration_and_a_download_link()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        // The streaming path is the one under test: Debian's Chromium plays MP3 through Media Source Extensions.
        Assert.True(await page.EvaluateAsync<bool>("() => MediaSource.isTypeSupported('audio/mpeg')"), "this Chromium cannot stream MP3 through MediaSource");

        await page.FillAsync("#text", "Hello there. This is the web page speaking.");
        await page.SelectOptionAsync("#voice", Voice);
        await page.SelectOptionAsync("#format", "mp3");
        await page.ClickAsync("#speak");

        await WaitForStateAsync(page, "done");
        Assert.Contains("streamed", await page.TextContentAsync("#status"));
        var duration = await PlayerDurationAsync(page);
        Assert.True(duration > 0, $"audio duration {duration}");
        Assert.True(await page.IsVisibleAsync("#download"));
        Assert.Equal("speech.mp3", await page.GetAttributeAsync("#download", "download"));
        Assert.StartsWith("blob:", await page.GetAttributeAsync("#download", "href"));
        Assert.Empty(session.ConsoleErrors);
    }

    [SkippableFact]
    public async Task Speak_fetches_wav_whole_and_plays_a_typed_voice_mix()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;

        await page.FillAsync("#text", "A short sentence in a wave file.");
        await page.FillAsync("#voice-custom", "af_standin_low(2)+af_standin_high(1)");
        await page.SelectOptionAsync("#format", "wav");
        await page.ClickAsync("#speak");

        await WaitForStateAsync(page, "done");
        Assert.True(await PlayerDurationAsync(page) > 0);
        Assert.Equal("speech.wav", await page.GetAttributeAsync("#download", "download"));
        Assert.Empty(session.ConsoleErrors);
    }

    [SkippableFact]
    public async Task Api_errors_are_shown_as_the_services_readable_message()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;

        // An unknown voice typed by hand: the page shows exactly the message the API gives.
        var apiMessage = await ApiErrorMessageAsync(new { model = "kokoro", input = "Hello.", voice = "zz_nobody", response_format = "mp3", stream = false });
        await page.FillAsync("#voice-custom", "zz_nobody");
        await page.ClickAsync("#speak");
        await WaitForStateAsync(page, "error");
        var error = page.Locator("#error");
        Assert.True(await error.IsVisibleAsync());
        Assert.Equal("alert", await error.GetAttributeAsync("role"));
        Assert.Equal("Error: " + apiMessage, await error.TextContentAsync());
        Assert.Contains("zz_nobody", apiMessage);
        Assert.False(await page.IsVisibleAsync("#download"));

        // Empty text, submitted from the keyboard (Ctrl+Enter in the text area).
        await page.FillAsync("#voice-custom", "");
        await page.FillAsync("#text", "");
        await page.FocusAsync("#text");
        await page.Keyboard.PressAsync("Control+Enter");
        await page.WaitForFunctionAsync("() => document.getElementById('error').textContent.includes('input')", null, new() { Timeout = TimeoutMs });
        var emptyMessage = await ApiErrorMessageAsync(new { model = "kokoro", input = "", voice = Voice });
        Assert.Equal("Error: " + emptyMessage, await error.TextContentAsync());

        // The browser logs each failed request as a console error; nothing else may be logged.
        Assert.All(session.ConsoleErrors, e => Assert.Contains("Failed to load resource", e));
    }

    [SkippableFact]
    public async Task Captions_show_the_words_and_highlight_the_one_being_spoken()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        const string text = "Captions follow every word.";

        await page.FillAsync("#text", text);
        await page.SelectOptionAsync("#voice", Voice);
        await page.CheckAsync("#captions");
        await page.ClickAsync("#speak");
        await WaitForStateAsync(page, "done");

        var words = await page.Locator("#captions-view .word").AllTextContentsAsync();
        Assert.NotEmpty(words);
        Assert.Contains(words, w => w.Contains("Captions", StringComparison.OrdinalIgnoreCase));
        Assert.True(await PlayerDurationAsync(page) > 0);

        // Seek into the middle of the second word: that word, and only it, is highlighted.
        var index = Math.Min(1, words.Count - 1);
        var middle = await page.EvaluateAsync<double>(
            "i => { const w = document.querySelectorAll('#captions-view .word')[i]; return (+w.dataset.start + +w.dataset.end) / 2; }", index);
        await page.EvaluateAsync("t => { const p = document.getElementById('player'); p.pause(); p.currentTime = t; }", middle);
        await page.WaitForFunctionAsync(
            "i => document.querySelectorAll('#captions-view .word')[i].classList.contains('current')", index, new() { Timeout = TimeoutMs });
        Assert.Equal(1, await page.Locator("#captions-view .word.current").CountAsync());

        var screenshot = Path.Combine(AppContext.BaseDirectory, "web-page.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        output.WriteLine($"Screenshot of /web after speaking with captions: {screenshot}");
        // Also on the runner's console at normal verbosity (scripts/test.sh), where test output is not shown.
        Console.Error.WriteLine($"[web] screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 0);
        Assert.Empty(session.ConsoleErrors);
    }

    [SkippableFact]
    public async Task Api_key_field_unlocks_a_service_that_requires_keys()
    {
        service.RequireBrowser();
        var (factory, address) = service.StartService(("api_keys", "web-key"));
        await using var _ = factory;
        await using var session = await OpenAsync(address, waitFor: "error");
        var page = session.Page;

        using var http = new HttpClient { BaseAddress = address };
        var unauthorized = await (await http.GetAsync("/v1/models")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Error: " + unauthorized.GetProperty("error").GetProperty("message").GetString(), await page.TextContentAsync("#error"));
        Assert.Equal("api-key", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        await page.FillAsync("#api-key", "web-key");
        await page.Keyboard.PressAsync("Tab"); // change event: the key is stored for this tab and the lists reload
        await WaitForStateAsync(page, "ready");
        Assert.Equal("web-key", await page.EvaluateAsync<string>("() => sessionStorage.getItem('tts_api_key')"));
        Assert.Contains(Voice, await page.Locator("#voice option").AllTextContentsAsync());
        Assert.False(await page.IsVisibleAsync("#error"));

        await page.SelectOptionAsync("#voice", Voice);
        await page.SelectOptionAsync("#format", "wav");
        await page.ClickAsync("#speak");
        await WaitForStateAsync(page, "done");
        Assert.True(await PlayerDurationAsync(page) > 0);
        Assert.All(session.ConsoleErrors, e => Assert.Contains("401", e));
    }

    [SkippableFact]
    public async Task ZipVoice_prompt_file_is_registered_listed_spoken_with_and_deleted()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        var name = "web_upload_" + Guid.NewGuid().ToString("N")[..8];
        var wav = Path.Combine(Path.GetTempPath(), name + ".wav");
        File.WriteAllBytes(wav, PromptFiles.ToneWav(24_000, seconds: 1.5));
        try
        {
            await page.FillAsync("#zv-name", name);
            await page.FillAsync("#zv-transcript", "A steady tone for the test.");
            await page.SetInputFilesAsync("#zv-file", wav);
            await page.ClickAsync("#zv-register");
            await page.WaitForFunctionAsync("n => document.getElementById('status').textContent.includes('Registered voice ' + n)", name, new() { Timeout = TimeoutMs });

            var stored = await service.Http.GetFromJsonAsync<JsonElement>($"/v1/zipvoice/voices/{name}");
            Assert.Equal("A steady tone for the test.", stored.GetProperty("transcription").GetString());
            Assert.InRange(stored.GetProperty("audio_info").GetProperty("duration").GetDouble(), 1.4, 1.6);
            Assert.Contains(name, await page.TextContentAsync("#zv-list"));

            // "Use" picks a ZipVoice model and the voice; Speak then clones it through /v1/zipvoice/audio/speech.
            await page.ClickAsync($"button[aria-label='Use voice {name}']");
            Assert.StartsWith("zipvoice", await page.InputValueAsync("#model"));
            Assert.Equal(name, await page.InputValueAsync("#voice"));
            Assert.True(await page.IsDisabledAsync("#captions"));
            await page.FillAsync("#text", "Cloned from a tone.");
            await page.SelectOptionAsync("#format", "wav");
            var speech = page.WaitForResponseAsync(r => r.Url.EndsWith("/v1/zipvoice/audio/speech"));
            await page.ClickAsync("#speak");
            Assert.Equal(200, (await speech).Status);
            await WaitForStateAsync(page, "done");
            Assert.True(await PlayerDurationAsync(page) > 0);

            await page.ClickAsync($"button[aria-label='Delete voice {name}']");
            await page.WaitForFunctionAsync("n => !document.getElementById('zv-list').textContent.includes(n)", name, new() { Timeout = TimeoutMs });
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await service.Http.GetAsync($"/v1/zipvoice/voices/{name}")).StatusCode);
            Assert.Empty(session.ConsoleErrors);
        }
        finally { File.Delete(wav); }
    }

    [SkippableFact]
    public async Task ZipVoice_prompt_recorded_with_the_microphone_is_sent_as_wav_and_registered()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        var name = "web_recorded_" + Guid.NewGuid().ToString("N")[..8];

        await page.ClickAsync("#zv-record");
        // The microphone opens asynchronously; the button says when it is recording.
        await page.WaitForFunctionAsync("() => document.getElementById('zv-record').getAttribute('aria-pressed') === 'true'", null, new() { Timeout = TimeoutMs });
        await page.WaitForTimeoutAsync(1500); // Chromium's fake microphone beeps meanwhile
        await page.ClickAsync("#zv-record");
        await page.WaitForFunctionAsync("() => !document.getElementById('zv-preview').hidden", null, new() { Timeout = TimeoutMs });

        await page.FillAsync("#zv-name", name);
        await page.FillAsync("#zv-transcript", "Beep beep.");
        await page.ClickAsync("#zv-register");
        await page.WaitForFunctionAsync("n => document.getElementById('status').textContent.includes('Registered voice ' + n)", name, new() { Timeout = TimeoutMs });

        // The browser recorded WebM/Opus; the page converted it to WAV, which the service decoded.
        var stored = await service.Http.GetFromJsonAsync<JsonElement>($"/v1/zipvoice/voices/{name}");
        Assert.InRange(stored.GetProperty("audio_info").GetProperty("duration").GetDouble(), 0.5, 5);
        Assert.Empty(session.ConsoleErrors);
        await service.Http.DeleteAsync($"/v1/zipvoice/voices/{name}");
    }

    [SkippableFact]
    public async Task Live_mode_speaks_a_simulated_llm_stream_over_the_websocket()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        await page.SelectOptionAsync("#voice", Voice);
        await page.FillAsync("#live-text", "Hello there. This is spoken while the text is still arriving.");
        await page.ClickAsync("#live-simulate");

        await page.WaitForFunctionAsync("() => document.body.dataset.live === 'done'", null, new() { Timeout = TimeoutMs });
        Assert.Equal("Hello there This is spoken while the text is still arriving", (await page.TextContentAsync("#live-words"))!.Trim());
        Assert.Contains("Done:", await page.TextContentAsync("#live-status"));
        // The page queued the PCM frames on its AudioContext, one after the other.
        Assert.True(await page.EvaluateAsync<double>("() => live.playAt") > 1);
        Assert.Empty(session.ConsoleErrors);
    }

    [SkippableFact]
    public async Task Live_mode_speaks_what_is_typed_clause_by_clause()
    {
        service.RequireBrowser();
        await using var session = await OpenAsync();
        var page = session.Page;
        await page.SelectOptionAsync("#voice", Voice);
        await page.ClickAsync("#live-start");
        await page.WaitForFunctionAsync("() => document.body.dataset.live === 'open'", null, new() { Timeout = TimeoutMs });
        await page.Locator("#live-text").PressSequentiallyAsync("Typed words are spoken. ", new() { Delay = 10 });
        // The sentence is complete once the space after it is typed: it is spoken while the session stays open.
        await page.WaitForFunctionAsync("() => document.getElementById('live-words').textContent.includes('spoken')", null, new() { Timeout = TimeoutMs });
        Assert.Equal("open", await page.EvaluateAsync<string>("() => document.body.dataset.live"));
        await page.ClickAsync("#live-end");
        await page.WaitForFunctionAsync("() => document.body.dataset.live === 'done'", null, new() { Timeout = TimeoutMs });
        Assert.Equal("Typed words are spoken", (await page.TextContentAsync("#live-words"))!.Trim());
        Assert.Empty(session.ConsoleErrors);
    }

    private async Task<string> ApiErrorMessageAsync(object body)
    {
        using var response = await service.Http.PostAsJsonAsync("/v1/audio/speech", body);
        Assert.False(response.IsSuccessStatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
    }

    private static Task WaitForStateAsync(IPage page, string state) =>
        page.WaitForFunctionAsync($"() => document.body.dataset.state === '{state}'", null, new() { Timeout = TimeoutMs });

    private static async Task<double> PlayerDurationAsync(IPage page)
    {
        // Metadata loads after the source is set; a finite, positive duration means the browser decoded the audio.
        await page.WaitForFunctionAsync("() => { const d = document.getElementById('player').duration; return Number.isFinite(d) && d > 0; }",
            null, new() { Timeout = TimeoutMs });
        return await page.EvaluateAsync<double>("() => document.getElementById('player').duration");
    }

    /// <summary>A fresh browser context on /web, ready (models and voices loaded), collecting console errors.</summary>
    private async Task<PageSession> OpenAsync(Uri? baseAddress = null, string waitFor = "ready")
    {
        var context = await service.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1000, Height = 900 },
            Permissions = ["microphone"],
        });
        var page = await context.NewPageAsync();
        var session = new PageSession(context, page);
        page.Console += (_, message) => { if (message.Type == "error") session.ConsoleErrors.Add(message.Text); };
        page.PageError += (_, error) => session.ConsoleErrors.Add("page error: " + error);
        var response = await page.GotoAsync(new Uri(baseAddress ?? service.BaseAddress, "/web").ToString());
        Assert.NotNull(response);
        Assert.True(response.Ok, $"GET /web: {response.Status}");
        await WaitForStateAsync(page, waitFor);
        return session;
    }

    private sealed record PageSession(IBrowserContext Context, IPage Page) : IAsyncDisposable
    {
        public List<string> ConsoleErrors { get; } = [];
        public ValueTask DisposeAsync() => new(Context.CloseAsync());
    }
}
