using Serilog;
using TtsService.Api;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Inference;
using TtsService.Inference.Kokoro;
using TtsService.Inference.ZipVoice;
using TtsService.Text;
using TtsService.Text.Espeak;

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
});
builder.Services.AddServiceErrors();
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(o => o.SwaggerDoc("v1", new() { Title = "TtsService", Version = "v1" }));

builder.Services.AddSingleton<AudioEncoderFactory>();
builder.Services.AddSingleton<PromptAudioDecoder>();
builder.Services.AddSingleton<AudioResponseWriter>();
builder.Services.AddSingleton<OnnxSessions>();
builder.Services.AddSingleton<InferenceLimiter>();
// Text front end: normalizer → sentence chunker → espeak-ng phonemes (in-process) → misaki symbols.
builder.Services.AddSingleton<ITextNormalizer, UnchangedTextNormalizer>();
builder.Services.AddSingleton<ITextChunker, SentenceChunker>();
builder.Services.AddSingleton<IPhonemizer, EspeakPhonemizer>();
builder.Services.AddSingleton<IKokoroG2P, KokoroG2P>();
// Backends: each loads its models at start-up and reports Unavailable (503) instead of failing the host.
builder.Services.AddSingleton<KokoroBackend>();
builder.Services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<KokoroBackend>());
builder.Services.AddSingleton<ZipVoiceBackend>();
builder.Services.AddSingleton<ISpeechBackend>(sp => sp.GetRequiredService<ZipVoiceBackend>());
builder.Services.AddSingleton<IZipVoiceSynthesizer>(sp => sp.GetRequiredService<ZipVoiceBackend>());
builder.Services.AddSingleton<BackendManager>();

var app = builder.Build();

app.UseServiceErrors();
app.UseSerilogRequestLogging();
app.UseMiddleware<ApiKeyMiddleware>();
app.UseSwagger();
app.UseSwaggerUI(o => { o.RoutePrefix = "docs"; o.SwaggerEndpoint("/swagger/v1/swagger.json", "TtsService v1"); });

app.MapHealth();
var v1 = app.MapGroup("/v1");
v1.MapSpeech();
v1.MapModels();
v1.MapKokoroVoices();
v1.MapCaptionedSpeech("/audio/speech/captioned");
app.MapGroup("/dev").MapDev();

// Load the models now, not on the first request; failures leave that backend unavailable, never stop the host.
_ = app.Services.GetRequiredService<BackendManager>().Statuses;

app.Run();

public partial class Program;
