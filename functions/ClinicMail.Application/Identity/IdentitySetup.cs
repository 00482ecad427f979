using ClinicMail.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace ClinicMail.Application.Identity;

/// <summary>JWT bearer validation of Entra ID v2.0 access tokens (or the development issuer's, with
/// the same code) and the role policies.</summary>
public static class IdentitySetup
{
    public const string PhysicianPolicy = "Physician";
    public const string ClinicAdminPolicy = "ClinicAdmin";
    public const string ComplianceReviewerPolicy = "ComplianceReviewer";
    public const string RegistryReadPolicy = "RegistryRead";

    /// <summary>Reading the audit log: reviewers see everything, physicians their own records (AuditReviewHandler).</summary>
    public const string AuditReadPolicy = "AuditRead";

    public static IServiceCollection AddClinicMailIdentity(this IServiceCollection services, IdentityOptions identity, string publicBaseUrl)
    {
        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                // Claims keep their Entra names ("roles", "scp", "tid", "oid"): no inbound remapping.
                options.MapInboundClaims = false;
                // The same token arrives with every check: a full validation once, then reused while it
                // stays valid (ValidatedTokenCache says when it is not).
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new ValidatedTokenCache { MapInboundClaims = false });
                options.RequireHttpsMetadata = !identity.IsDevelopment;
                options.MetadataAddress = identity.IsDevelopment
                    ? $"{DevelopmentIssuer.IssuerFor(publicBaseUrl, identity.AllowedTenants.FirstOrDefault() ?? DevelopmentIssuer.TenantId)}/.well-known/openid-configuration"
                    : $"{identity.Instance.TrimEnd('/')}/{identity.AllowedTenants.FirstOrDefault() ?? "organizations"}/v2.0/.well-known/openid-configuration";
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    // Issuer per tenant, only for allow-listed tenants (Entra's v2.0 issuer is per tenant).
                    ValidIssuers = identity.AllowedTenants.Select(t => identity.IsDevelopment
                        ? DevelopmentIssuer.IssuerFor(publicBaseUrl, t)
                        : $"{identity.Instance.TrimEnd('/')}/{t}/v2.0").ToList(),
                    ValidateAudience = true,
                    ValidAudiences = identity.ValidAudiences().ToList(),
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = TimeSpan.FromMinutes(2),
                    RoleClaimType = "roles",
                    NameClaimType = "oid",
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        var principal = context.Principal!;
                        var tid = principal.FindFirst("tid")?.Value;
                        var oid = principal.FindFirst("oid")?.Value;
                        var version = principal.FindFirst("ver")?.Value;
                        if (tid is null || !identity.AllowedTenants.Contains(tid, StringComparer.OrdinalIgnoreCase))
                        {
                            context.Fail("The token's tenant is not allowed.");
                        }
                        else if (string.IsNullOrEmpty(oid))
                        {
                            context.Fail("The token has no object id.");
                        }
                        else if (version != "2.0")
                        {
                            context.Fail("Only v2.0 access tokens are accepted.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(PhysicianPolicy, p => RoleWithScope(p, Roles.Physician))
            .AddPolicy(ClinicAdminPolicy, p => RoleWithScope(p, Roles.ClinicAdmin))
            .AddPolicy(ComplianceReviewerPolicy, p => RoleWithScope(p, Roles.ComplianceReviewer))
            .AddPolicy(RegistryReadPolicy, p => RoleWithScope(p, Roles.ClinicAdmin, Roles.Physician))
            .AddPolicy(AuditReadPolicy, p => RoleWithScope(p, Roles.ComplianceReviewer, Roles.Physician))
            // Anything not explicitly opened requires an authenticated caller (the route-contract test checks roles).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>An app role and, because the add-in calls on behalf of a signed-in user, the delegated scope.</summary>
    private static void RoleWithScope(AuthorizationPolicyBuilder policy, params string[] roles) =>
        policy.RequireAuthenticatedUser()
            .RequireRole(roles)
            .RequireAssertion(context => context.User.FindFirst("scp")?.Value
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Contains(Roles.Scope, StringComparer.Ordinal) == true);
}
