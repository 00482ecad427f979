using System.CommandLine;
using ClinicMail.Infrastructure.Identity;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail token --role Physician</c>: mints an access token from the local development
/// issuer (the key file the app created in its data folder). Development only: production tokens
/// come from Entra ID.</summary>
internal static class TokenCommand
{
    private static readonly string[] KnownRoles = ["Physician", "ClinicAdmin", "ComplianceReviewer"];

    public static Command Create(CliIo io)
    {
        var role = new Option<string[]>("--role") { Description = "App role(s): Physician, ClinicAdmin, ComplianceReviewer.", Required = true, AllowMultipleArgumentsPerToken = true };
        var dataDir = new Option<string>("--data-dir") { Description = "The app's data folder (holds dev-issuer-key.pem).", DefaultValueFactory = _ => ".data" };
        var baseUrl = new Option<string>("--base-url") { Description = "The app's URL (the token's issuer is derived from it).", DefaultValueFactory = _ => "http://localhost:7071" };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime in minutes (1–480).", DefaultValueFactory = _ => 60 };
        var command = new Command("token", "Mint a development access token (local development issuer only).") { role, dataDir, baseUrl, minutes };
        command.SetAction(async (parse, ct) =>
        {
            var roles = parse.GetValue(role) ?? [];
            var unknown = roles.Where(r => !KnownRoles.Contains(r, StringComparer.Ordinal)).ToList();
            var lifetime = parse.GetValue(minutes);
            if (unknown.Count > 0 || lifetime is < 1 or > 480)
            {
                await io.Error.WriteLineAsync(
                    $"clinicmail: rôle inconnu ou durée invalide / unknown role or invalid lifetime. Roles: {string.Join(", ", KnownRoles)}; --minutes 1–480.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var issuer = DevelopmentIssuer.LoadOrCreate(Path.Combine(parse.GetValue(dataDir)!, "dev-issuer-key.pem"), parse.GetValue(baseUrl)!);
            await io.Out.WriteLineAsync(issuer.Mint(new TokenRequest { Roles = roles, Lifetime = TimeSpan.FromMinutes(lifetime) })).ConfigureAwait(false);
            return ExitCodes.Allow;
        });
        return command;
    }
}
