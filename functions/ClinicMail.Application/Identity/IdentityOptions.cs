namespace ClinicMail.Application.Identity;

/// <summary><c>Identity:*</c> — which tokens the API accepts.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>Entra (production) or Development (the local development issuer inside the app).</summary>
    public string Mode { get; set; } = "Entra";

    /// <summary>Entra instance; issuers are <c>{Instance}/{tenantId}/v2.0</c>.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com";

    /// <summary>The API's application (client) id. Accepted audiences: this id and <see cref="Audience"/>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The API's application ID URI, <c>api://{host}/{clientId}</c> (infra/identity.sh derives it; <c>api://{clientId}</c> when empty).</summary>
    public string Audience { get; set; } = "";

    /// <summary>Tenant ids whose users may call the API. Tokens from any other tenant are refused.</summary>
    public List<string> AllowedTenants { get; set; } = [];

    public bool IsDevelopment => string.Equals(Mode, "Development", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> ValidAudiences()
    {
        yield return ClientId;
        yield return string.IsNullOrEmpty(Audience) ? $"api://{ClientId}" : Audience;
    }
}

/// <summary>The app roles and the delegated scope of the Entra app registration (infra/entra).</summary>
public static class Roles
{
    public const string Physician = "Physician";
    public const string ClinicAdmin = "ClinicAdmin";
    public const string ComplianceReviewer = "ComplianceReviewer";

    public static IReadOnlyList<string> All { get; } = [Physician, ClinicAdmin, ComplianceReviewer];

    /// <summary>The delegated scope the add-in requests.</summary>
    public const string Scope = "access_as_user";
}

/// <summary>The caller as the audit log records them: tenant id and object id, never a name or address.</summary>
public sealed record Actor(string TenantId, string ObjectId)
{
    public static Actor From(System.Security.Claims.ClaimsPrincipal user) =>
        new(user.FindFirst("tid")?.Value ?? "unknown", user.FindFirst("oid")?.Value ?? "unknown");
}
