namespace TtsService.Errors;

/// <summary>
/// Base of every error the service reports on purpose. Backends, codecs and stores throw these;
/// <see cref="Api.ErrorResponses"/> turns them into the one JSON error shape of the spec.
/// </summary>
public abstract class ServiceException(int status, string type, string code, string message, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Code { get; } = code;
    public string? Param { get; } = param;
}

/// <summary>400: a request field is missing, malformed or out of range.</summary>
public sealed class InvalidRequestException(string message, string? param = null, string code = "invalid_request")
    : ServiceException(400, "invalid_request_error", code, message, param);

/// <summary>401: missing or wrong API key.</summary>
public sealed class UnauthorizedException(string message)
    : ServiceException(401, "invalid_request_error", "invalid_api_key", message);

/// <summary>404: an unknown voice, model or file.</summary>
public sealed class NotFoundException(string message, string? param = null, string code = "not_found")
    : ServiceException(404, "not_found_error", code, message, param);

/// <summary>409: the resource already exists.</summary>
public sealed class ConflictException(string message, string? param = null, string code = "already_exists")
    : ServiceException(409, "invalid_request_error", code, message, param);

/// <summary>413: body, upload or download larger than allowed.</summary>
public sealed class PayloadTooLargeException(string message, string? param = null, string code = "payload_too_large")
    : ServiceException(413, "invalid_request_error", code, message, param);

/// <summary>415: audio (or body) in a format we do not read.</summary>
public sealed class UnsupportedMediaException(string message, string? param = null, string code = "unsupported_audio_format")
    : ServiceException(415, "invalid_request_error", code, message, param);

/// <summary>422: the input is well-formed but unusable (corrupt audio, prompt too long).</summary>
public sealed class UnprocessableException(string message, string? param = null, string code = "unprocessable_audio")
    : ServiceException(422, "invalid_request_error", code, message, param);

/// <summary>429: the inference queue is full.</summary>
public sealed class TooManyRequestsException(string message, int retryAfterSeconds)
    : ServiceException(429, "rate_limit_error", "rate_limit_exceeded", message)
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>503: the backend is disabled or its model files are missing or broken.</summary>
public sealed class BackendUnavailableException(string message, string? param = "model", string code = "backend_unavailable")
    : ServiceException(503, "service_unavailable", code, message, param);
