using System.Text.Json;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Json;

/// <summary>The JSON spelling of enum values, for audit data (the same names the API returns).</summary>
public static class Codes
{
    public static string Of(Decision value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(SecureDelivery value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(TopicCategory value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(IdentifierKind value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Of(ReasonCode value) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());

    public static string Of(Recipients.RecipientStatus value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
