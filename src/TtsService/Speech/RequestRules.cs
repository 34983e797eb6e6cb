using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using TtsService.Errors;

namespace TtsService.Speech;

/// <summary>The error code a field's violations report, when it is not <c>invalid_&lt;field&gt;</c> (kept for existing clients).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ErrorCodeAttribute(string code) : Attribute
{
    public string Code { get; } = code;
}

/// <summary>
/// Enforces the data annotations declared on a request type (<see cref="RangeAttribute"/>, <see cref="AllowedValuesAttribute"/>,
/// <see cref="RequiredAttribute"/>, ...), the same annotations Swashbuckle writes into the OpenAPI document, so a limit is
/// stated once. The first violation, in declaration order, is a 400 in the service's error shape whose <c>param</c> is
/// the field's wire (snake_case) name.
/// </summary>
public static class RequestRules<T> where T : class
{
    private sealed record Rule(PropertyInfo Property, string Name, ValidationAttribute[] Attributes, string Code);

    private static readonly Rule[] Rules = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
        .Select(p =>
        {
            var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            return new Rule(p, name, p.GetCustomAttributes<ValidationAttribute>(inherit: true).ToArray(),
                p.GetCustomAttribute<ErrorCodeAttribute>()?.Code ?? $"invalid_{name}");
        })
        .Where(r => r.Attributes.Length > 0)
        .ToArray();

    /// <summary>Throws <see cref="InvalidRequestException"/> for the first field that breaks its declared rule.</summary>
    public static void Check(T request)
    {
        foreach (var rule in Rules)
        {
            var value = rule.Property.GetValue(request);
            foreach (var attribute in rule.Attributes)
            {
                if (attribute.GetValidationResult(value, new ValidationContext(request) { MemberName = rule.Property.Name }) == ValidationResult.Success) continue;
                throw new InvalidRequestException(Describe(rule.Name, attribute, value), rule.Name, rule.Code);
            }
        }
    }

    private static string Describe(string name, ValidationAttribute attribute, object? value) => attribute switch
    {
        RequiredAttribute => $"{name} is required and must not be empty.",
        RangeAttribute range => string.Create(CultureInfo.InvariantCulture,
            $"{name} must be in {(range.MinimumIsExclusive ? "(" : "[")}{range.Minimum}, {range.Maximum}{(range.MaximumIsExclusive ? ")" : "]")} (got {value})."),
        AllowedValuesAttribute allowed =>
            $"{name} '{value}' is not one of: {string.Join(", ", allowed.Values.OfType<string>())}.",
        _ => attribute.FormatErrorMessage(name),
    };
}
