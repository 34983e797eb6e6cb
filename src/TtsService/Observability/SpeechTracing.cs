using System.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace TtsService.Observability;

/// <summary>
/// The service's spans, one per stage of a speech request: admission, the inference queue, the text front end,
/// each model call, and the encoding and writing of each piece of audio. They are children of ASP.NET Core's
/// request span. Exported with OpenTelemetry when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (<see cref="TracingExtensions"/>);
/// with no listener, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and costs nothing.
/// </summary>
public static class SpeechTracing
{
    public const string SourceName = "TtsService";

    public const string Admission = "tts.admission";
    public const string Queue = "tts.queue";
    public const string TextFrontEnd = "tts.text";
    public const string Model = "tts.model";
    /// <summary>ZipVoice's three models inside one <see cref="Model"/> call.</summary>
    public const string TextEncoder = "tts.model.text_encoder", FlowMatchingDecoder = "tts.model.fm_decoder", Vocoder = "tts.model.vocoder";
    public const string Encode = "tts.encode";
    public const string Write = "tts.write";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Runs each step of a lazy front end (phonemizing the next piece) inside a <c>tts.text</c> span.</summary>
    public static IEnumerable<T> Traced<T>(IEnumerable<T> steps, string backend)
    {
        using var enumerator = steps.GetEnumerator();
        while (true)
        {
            T current;
            using (var span = Source.StartActivity(TextFrontEnd))
            {
                span?.SetTag("tts.backend", backend);
                if (!enumerator.MoveNext()) yield break;
                current = enumerator.Current;
            }
            yield return current;
        }
    }
}

public static class TracingExtensions
{
    /// <summary>Metrics (per-host meters, /metrics) and traces (OTLP when configured): the service's observability in one call.</summary>
    public static WebApplicationBuilder AddServiceTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddServiceMetrics();
        builder.Services.AddServiceTracing(builder.Configuration);
        return builder;
    }

    /// <summary>The OTLP endpoint setting (OpenTelemetry's own environment variable).</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Traces to an OpenTelemetry collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads its other
    /// <c>OTEL_*</c> variables itself): ASP.NET Core's request spans and the service's stage spans. Unset, nothing is
    /// registered and no span is even created.
    /// </summary>
    public static IServiceCollection AddServiceTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey])) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tts-service"))
            .WithTracing(tracing => tracing
                .AddSource(SpeechTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        return services;
    }
}
