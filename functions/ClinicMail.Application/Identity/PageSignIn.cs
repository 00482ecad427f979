namespace ClinicMail.Application.Identity;

/// <summary>How the web pages (<c>/clinic/</c>, <c>/review/</c>) sign in, served anonymously at
/// <c>GET /api/sign-in-config</c> (docs/clinic-page.md): in Entra mode, what MSAL needs (authority,
/// client id, the API's scope); in Development mode only the mode, and the pages use the local
/// development issuer. No secret: the same values stand in the add-in's manifest.</summary>
public static class PageSignIn
{
    public static SignInConfig Config(IdentityOptions identity)
    {
        if (identity.IsDevelopment)
        {
            return new SignInConfig("development", null, null, null);
        }

        // One tenant: its own authority; several: "organizations" and the API checks the tenant.
        var tenant = identity.AllowedTenants.Count == 1 ? identity.AllowedTenants[0] : "organizations";
        var audience = string.IsNullOrEmpty(identity.Audience) ? $"api://{identity.ClientId}" : identity.Audience;
        return new SignInConfig("entra", $"{identity.Instance.TrimEnd('/')}/{tenant}", identity.ClientId, [$"{audience}/{Roles.Scope}"]);
    }

    /// <summary>The pages' Content-Security-Policy: their own script, styles and origin only, plus, in
    /// Entra mode, the identity provider (MSAL calls its token endpoint from the page).</summary>
    public static string ContentSecurityPolicy(IdentityOptions identity)
    {
        var connect = identity.IsDevelopment || !Uri.TryCreate(identity.Instance, UriKind.Absolute, out var instance)
            ? "'self'"
            : $"'self' {instance.GetLeftPart(UriPartial.Authority)}";
        return $"default-src 'self'; connect-src {connect}; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
    }

    /// <summary><paramref name="Mode"/> is <c>development</c> or <c>entra</c>; the others are null in development.</summary>
    public sealed record SignInConfig(string Mode, string? Authority, string? ClientId, IReadOnlyList<string>? Scopes);
}
