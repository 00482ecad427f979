using System.Text.Json;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Topics;

namespace ClinicMail.Functions.Hosting;

/// <summary>The JSON spelling of enum values, for audit data (the same names the API returns).</summary>
public static class Codes
{
    public static string Of(Decision value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(SecureDelivery value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(TopicCategory value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(IdentifierKind value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(ReasonCode value) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());
}

/// <summary>"Today" for consent expiry is the clinic's date, not the server's UTC date.</summary>
public static class ClinicClock
{
    public static DateOnly Today(TimeProvider time, ClinicMailOptions options)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
    }
}
