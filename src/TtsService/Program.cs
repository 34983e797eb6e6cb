using Prometheus;
using Serilog;
using TtsService.Api;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Observability;
using TtsService.Inference.ZipVoice;
using TtsService.Text;
using TtsService.Text.Espeak;
using TtsService.Text.Normalization;
using TtsService.Text.Phonemes;
using TtsService.Voices;

var builder = WebApplication.CreateBuilder(args);

// Settings: appsettings.json (repo root or next to the binary) < .env < environment < command line.
builder.Configuration.AddServiceSources(builder.Environment.ContentRootPath);
// Read from the final configuration (test hosts and the command line add sources after this line).
builder.Services.AddSingleton(sp => TtsSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));

builder.Host.UseSerilog((context, logger) => logger
    .ReadFrom.Configuration(context.Configuration)
    .Enrich.FromLogContext()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
    o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
});
builder.Services.AddServiceErrors();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new() { Title = "TtsService", Version = "v1" }));

// Whole-request timeout and a graceful stop: SIGTERM stops accepting, in-flight requests get time to finish.
builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new() { Timeout = TimeSpan.FromSeconds(SettingsAtStartup().RequestTimeoutSeconds) });
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(SettingsAtStartup().ShutdownTimeoutSeconds));

builder.Services.AddSingleton<AudioEncoderFactory>();
builder.Services.AddSingleton<PromptAudioDecoder>();
builder.Services.AddSingleton<AudioResponseWriter>();
builder.Services.AddSingleton<DownloadStore>();
builder.Services.AddSingleton<OnnxSessions>();
builder.Services.AddSingleton<InferenceLimiter>();
builder.Services.AddSingleton<QueueWaitEstimator>();
// Text front end: normalizer → sentence chunker → espeak-ng phonemes (in-process) → misaki symbols.
builder.Services.AddSingleton<ITextNormalizer, EnglishTextNormalizer>();
builder.Services.AddSingleton<ITextChunker, SentenceChunker>();
builder.Services.AddSingleton<IPhonemizer, EspeakPhonemizer>();
builder.Services.AddSingleton<MisakiLexicon>();
builder.Services.AddSingleton<IKokoroG2P>(sp => new KokoroG2P(sp.GetRequiredService<IPhonemizer>(), sp.GetRequiredService<MisakiLexicon>()));
// Backends: each loads its models at start-up and reports Unavailable (503) instead of failing the host.
builder.Services.AddSingleton<KokoroBackend>();
builder.Services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<KokoroBackend>());
builder.Services.AddSingleton<ZipVoiceBackend>();
builder.Services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<ZipVoiceBackend>());
builder.Services.AddSingleton<IZipVoiceSynthesizer>(sp => sp.GetRequiredService<ZipVoiceBackend>());
builder.Services.AddSingleton<BackendManager>();
builder.Services.AddVoicePrompts();
builder.Services.AddSingleton<SpeechEndpoints.IOpenAiSpeechHandler, ZipVoiceEndpoints.OpenAiHandler>();

var app = builder.Build();

// Request logging outermost, so it records the status the error handler finally sent (not a 500 for every typed 4xx).
app.UseSerilogRequestLogging(o => o.GetLevel = (http, _, error) =>
    // A 503 is a known state (a model is missing; /ready says which), not a bug: warn, do not page anyone.
    error is not null || (http.Response.StatusCode >= 500 && http.Response.StatusCode != 503) ? Serilog.Events.LogEventLevel.Error
    : http.Response.StatusCode >= 400 ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Information);
app.UseServiceErrors();
app.UseHttpMetrics();
app.UseMiddleware<ApiKeyMiddleware>();
app.UseBodySizeLimits();
app.UseMiddleware<AdmissionMiddleware>();
app.UseRequestTimeouts();
app.UseSwagger();
app.UseSwaggerUI(o => { o.RoutePrefix = "docs"; o.SwaggerEndpoint("/swagger/v1/swagger.json", "TtsService v1"); });
app.UseWebPage();

app.MapHealth();
app.MapMetrics();
ServiceMetrics.Observe(app.Services.GetRequiredService<InferenceLimiter>());
var v1 = app.MapGroup("/v1");
v1.MapSpeech();
v1.MapModels();
v1.MapKokoroVoices();
v1.MapCaptionedSpeech("/audio/speech/captioned");
v1.MapDownloads();
v1.MapGroup("/zipvoice").MapZipVoice();
app.MapGroup("/dev").MapDev();

// Load the models now, not on the first request; failures leave that backend unavailable, never stop the host.
_ = app.Services.GetRequiredService<BackendManager>().Statuses;
// Open the voice store now: it removes what an interrupted write left behind.
_ = app.Services.GetRequiredService<VoicePromptStore>();

app.Run();

// Settings as the configuration stands when services are configured (before the host is built).
TtsSettings SettingsAtStartup() => TtsSettings.FromConfiguration(builder.Configuration);

public partial class Program;
