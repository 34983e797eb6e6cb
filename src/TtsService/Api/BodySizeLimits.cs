using TtsService.Configuration;
using TtsService.Errors;

namespace TtsService.Api;

/// <summary>The most bytes an endpoint's request body may have; attach with <see cref="BodySizeLimits.WithBodyLimit"/>.</summary>
public sealed record BodySizeLimit(long MaxBytes);

/// <summary>
/// Per-route body limits: JSON endpoints take little, prompt uploads more. Enforced before the body is
/// read (Content-Length) and while it is read (chunked bodies), so an oversized body is a 413 without
/// being buffered. Routes without their own limit get <see cref="DefaultMaxBytes"/>.
/// </summary>
public static class BodySizeLimits
{
    public const long DefaultMaxBytes = 1L << 20;

    /// <summary>A JSON body that may carry a base64 prompt (a third larger than the upload limit) besides its other fields.</summary>
    public static long Base64PromptBody(TtsSettings settings) => UploadBytes(settings) / 3 * 4 + DefaultMaxBytes;

    /// <summary>A multipart body with one uploaded prompt and a few fields.</summary>
    public static long UploadBody(TtsSettings settings) => UploadBytes(settings) + DefaultMaxBytes;

    private static long UploadBytes(TtsSettings settings) => (long)(settings.MaxUploadSizeMb * 1024 * 1024);

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodySizeLimit(maxBytes));

    public static IApplicationBuilder UseBodySizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>()?.MaxBytes ?? DefaultMaxBytes;
        if (context.Request.ContentLength is { } length && length > limit)
            throw new PayloadTooLargeException($"Request body is {length} bytes; this endpoint accepts at most {limit}.", null);
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = limit;
        context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        await next(context);
    });

    /// <summary>Counts bytes as they are read and stops at the limit (for bodies without Content-Length).</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw new PayloadTooLargeException($"Request body is larger than the {limit} bytes this endpoint accepts.", null);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
