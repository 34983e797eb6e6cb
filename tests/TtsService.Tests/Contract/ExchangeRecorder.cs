using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace TtsService.Tests.Contract;

/// <summary>
/// Records every exchange of the client it sits in as one JSON line for <c>tools/openapi/check-exchanges.mjs</c>: the
/// request (method, path, content type, its JSON or form fields, whether it carried the key) and the response
/// (status, content type, JSON or NDJSON lines). The response is handed on re-readable.
/// </summary>
public sealed class ExchangeRecorder(List<string> lines, string? key) : DelegatingHandler
{
    private const int MaxRecordedRequestBytes = 256 * 1024;

    /// <summary>Marks a request as the probe of one field: the checker then expects a 400 naming it exactly when the value is outside the document.</summary>
    public static readonly HttpRequestOptionsKey<string> Probe = new("contract-probe");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var record = new JsonObject
        {
            ["method"] = request.Method.Method,
            ["path"] = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath),
            ["query"] = request.RequestUri.Query,
            ["keysRequired"] = key is not null,
            ["authorized"] = key is not null && request.Headers.Authorization?.ToString() == $"Bearer {key}",
        };
        if (request.Options.TryGetValue(Probe, out var probe)) record["probe"] = probe;
        if (request.Content is { } content)
        {
            record["requestContentType"] = content.Headers.ContentType?.ToString();
            if (content is MultipartFormDataContent multipart)
            {
                var form = new JsonObject();
                foreach (var part in multipart)
                {
                    var name = part.Headers.ContentDisposition?.Name?.Trim('"') ?? "";
                    form[name] = part.Headers.ContentDisposition?.FileName is { } file ? $"<file {file.Trim('"')}>" : await part.ReadAsStringAsync(cancellationToken);
                }
                record["requestForm"] = form;
            }
            else if (content.Headers.ContentType?.MediaType == "application/json" && content.Headers.ContentLength is <= MaxRecordedRequestBytes)
            {
                try { record["requestJson"] = JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken)); }
                catch (System.Text.Json.JsonException) { /* malformed on purpose: nothing to check it against */ }
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var copy = new ByteArrayContent(bytes);
        foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = copy;

        var type = response.Content.Headers.ContentType?.MediaType;
        record["status"] = (int)response.StatusCode;
        record["responseContentType"] = response.Content.Headers.ContentType?.ToString();
        record["responseLength"] = bytes.Length;
        if (type == "application/json")
        {
            try { record["responseJson"] = JsonNode.Parse(bytes); }
            catch (System.Text.Json.JsonException) { /* the checker reports a JSON response that is not JSON */ }
        }
        else if (type == "application/x-ndjson")
        {
            record["responseLines"] = new JsonArray([.. System.Text.Encoding.UTF8.GetString(bytes)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line))]);
        }
        lock (lines) lines.Add(record.ToJsonString());
        return response;
    }

    /// <summary>A client of <paramref name="factory"/> that records into <paramref name="lines"/>, sending <paramref name="key"/> when given.</summary>
    public static HttpClient Client(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, List<string> lines, string? key, bool sendKey = true)
    {
        var client = factory.CreateDefaultClient(new ExchangeRecorder(lines, key));
        if (key is not null && sendKey) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
