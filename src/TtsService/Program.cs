using TtsService.Api;
using TtsService.Audio;
using TtsService.Configuration;
using TtsService.Downloads;
using TtsService.Inference;
using TtsService.Observability;
using TtsService.Text;
using TtsService.Voices;

var builder = WebApplication.CreateBuilder(args);

// Settings: appsettings.json (repo root or next to the binary) < .env < environment < command line; validated at start.
builder.Configuration.AddServiceSources(builder.Environment.ContentRootPath);
builder.Services.AddTtsSettings();
builder.AddServiceLogging();
builder.AddServiceTelemetry();

builder.Services.AddServiceApi();
builder.Services.AddAudioCodecs();
builder.Services.AddTextFrontEnd();
builder.Services.AddSpeechBackends();
builder.Services.AddVoicePrompts();
builder.Services.AddDownloads();

var app = builder.Build();
// A bad setting stops the start here, one line per setting, exit code 2.
if (!app.HasValidSettings()) return 2;

app.UseServiceApi();

app.MapHealth();
app.MapServiceMetrics();
var v1 = app.MapGroupRequiringApiKey("/v1");
v1.MapSpeech();
v1.MapCaptionedSpeech("/audio/speech/captioned", "CreateCaptionedSpeech");
v1.MapSpeechStreams();
v1.MapDownloads();
v1.MapModels();
v1.MapKokoroVoices();
v1.MapGroup("/zipvoice").MapZipVoice();
app.MapGroupRequiringApiKey("/dev").MapDev();

app.Run();
return 0;

public partial class Program;
