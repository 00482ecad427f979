using System.Text.Json;

namespace ClinicMail.Infra.Tests;

// infra/deploy.sh --what-if: the whole plan, printed, with nothing called. A fake az/psql/pwsh/curl/
// dotnet/npm on PATH records any call, so "calls nothing" is checked, not assumed.
public sealed class DeployScriptTests
{
    public const string Host = "clinicmail.clinique-exemple.med";
    public const string ClientId = "2b0c5a6e-7d41-4f0e-9a3b-5c8d1e2f3a4b";
    public const string TenantId = "8f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b";
    public const string Sender = "clinicmail-envoi@clinique-exemple.med";

    private static readonly string[] Tools = ["az", "psql", "pwsh", "curl", "dotnet", "npm", "node"];

    public sealed record Plan(Scripts.Result Result, string CallLog, string OutDirectory)
    {
        public IReadOnlyList<string> Commands =>
            (Result.Stdout + Result.Stderr).Split('\n').Where(l => l.StartsWith("+ ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();

        // The derived identity values the script prints ("  CLINICMAIL_X=value" lines; first wins).
        public IReadOnlyDictionary<string, string> Derived =>
            Result.Stdout.Split('\n')
                .Where(l => l.StartsWith("  CLINICMAIL_", StringComparison.Ordinal))
                .Select(l => l.Trim().Split('=', 2))
                .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
    }

    public static Plan WhatIf(params string[] extra)
    {
        var sandbox = Directory.CreateTempSubdirectory("clinicmail-deploy-");
        var bin = Directory.CreateDirectory(Path.Combine(sandbox.FullName, "bin"));
        var log = Path.Combine(sandbox.FullName, "calls.log");
        foreach (var tool in Tools)
        {
            var path = Path.Combine(bin.FullName, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> '{log}'\nexit 1\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var outDirectory = Path.Combine(sandbox.FullName, "out");
        string[] arguments =
        [
            Path.Combine(InfraTemplates.Root, "infra", "deploy.sh"), "--what-if",
            "--resource-group", "rg-clinicmail", "--base-name", "clinicmail", "--host", Host, "--sender", Sender,
            "--internal-domain", "clinique-exemple.med", "--internal-domain", "ssss.gouv.qc.ca",
            "--postgres-admin-group-id", "11111111-2222-4333-8444-555555555555", "--postgres-admin-group-name", "ClinicMail DB Admins",
            "--out", outDirectory, .. extra,
        ];
        var result = Scripts.Run("bash", arguments, new Dictionary<string, string>
        {
            ["PATH"] = $"{bin.FullName}:/usr/bin:/bin",
        });
        return new Plan(result, File.Exists(log) ? File.ReadAllText(log) : string.Empty, outDirectory);
    }

    private static Plan Sample => WhatIf("--client-id", ClientId, "--tenant-id", TenantId);

    [Test]
    public void WhatIf_SampleValues_CallsNothingAndSucceeds()
    {
        var plan = Sample;

        Assert.That(plan.Result.ExitCode, Is.Zero, plan.Result.Stderr);
        Assert.That(plan.CallLog, Is.Empty, "--what-if must not run az, psql, pwsh, curl, dotnet or npm");
        Assert.That(plan.Result.Stdout, Does.Contain("--what-if: printing the plan, calling nothing"));
    }

    [Test]
    public void WhatIf_Plan_ListsEveryStepInOrder()
    {
        var commands = Sample.Commands;
        string[] expected =
        [
            "az group create --name rg-clinicmail --location canadacentral",
            "infra/entra/register-app.sh --host " + Host,
            "az keyvault list --resource-group rg-clinicmail",
            "az deployment group create --resource-group rg-clinicmail --name clinicmail --template-file",
            "infra/app-secrets.sh --resource-group rg-clinicmail --vault <keyVaultName>",
            "az deployment group create --resource-group rg-clinicmail --name clinicmail --template-file",
            "az functionapp config hostname add --resource-group rg-clinicmail --webapp-name <functionAppName> --hostname " + Host,
            "az functionapp config ssl bind",
            "psql 'host=<postgresServerFqdn> dbname=postgres user=ClinicMail DB Admins sslmode=require' -v app_role=<postgresAppRoleName> -v app_oid=<identityPrincipalId>",
            "functions/publish.sh",
            "cp ",
            "az functionapp deploy --resource-group rg-clinicmail --name <functionAppName> --src-path",
            "infra/exchange/grant-mail-send.ps1 -AppId <identityClientId> -ServicePrincipalObjectId <identityPrincipalId> -SenderAddress " + Sender,
            "curl --fail --silent --show-error https://" + Host + "/api/health",
        ];

        var position = -1;
        foreach (var step in expected)
        {
            var index = commands.Select((c, i) => (c, i)).FirstOrDefault(x => x.i > position && x.c.Contains(step, StringComparison.Ordinal), (c: "", i: -1)).i;
            Assert.That(index, Is.GreaterThan(position), $"step not found after position {position}: {step}\nplan:\n{string.Join('\n', commands)}");
            position = index;
        }
    }

    [Test]
    public void WhatIf_Plan_EndsWithTheAdminCenterUploadOfTheBuiltManifest()
    {
        var plan = Sample;

        Assert.Multiple(() =>
        {
            Assert.That(plan.Result.Stdout, Does.Contain("Integrated apps"));
            Assert.That(plan.Result.Stdout, Does.Contain($"Upload manifest file (.xml) from device: {plan.OutDirectory}/manifest.xml"));
            Assert.That(plan.Commands.Single(c => c.StartsWith("cp ", StringComparison.Ordinal)), Does.EndWith("addin/dist/manifest.xml " + plan.OutDirectory + "/manifest.xml"));
        });
    }

    [Test]
    public void WhatIf_ParametersFile_FeedsMainBicepFromTheGivenValues()
    {
        var plan = Sample;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.OutDirectory, "main.parameters.json")));
        var given = json.RootElement.GetProperty("parameters");
        var declared = InfraTemplates.Main.Parameters;
        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);

        Assert.Multiple(() =>
        {
            Assert.That(declared.Select(p => p.Key), Is.SupersetOf(given.EnumerateObject().Select(p => p.Name)));
            Assert.That(given.EnumerateObject().Select(p => p.Name), Is.SupersetOf(required));
            Assert.That(given.GetProperty("entraClientId").GetProperty("value").GetString(), Is.EqualTo(ClientId));
            Assert.That(given.GetProperty("publicHostName").GetProperty("value").GetString(), Is.EqualTo(Host));
            Assert.That(given.GetProperty("internalDomains").GetProperty("value").EnumerateArray().Select(d => d.GetString()),
                Is.EqualTo(new[] { "clinique-exemple.med", "ssss.gouv.qc.ca" }));
        });
    }

    [Test]
    public void WhatIf_WithoutClientId_ShowsTheRegistrationAndPlaceholders()
    {
        var plan = WhatIf("--tenant-id", TenantId);

        Assert.That(plan.Result.ExitCode, Is.Zero, plan.Result.Stderr);
        Assert.That(plan.CallLog, Is.Empty);
        Assert.That(plan.Derived["CLINICMAIL_APP_ID_URI"], Is.EqualTo($"api://{Host}/<client-id>"));
    }

    [Test]
    public void WhatIf_PostgresToken_IsNeverPrinted()
    {
        var plan = Sample;

        Assert.That(plan.Result.Stdout, Does.Contain("export PGPASSWORD=\"$(az account get-access-token --resource-type oss-rdbms"));
        Assert.That(plan.Result.Stdout, Does.Not.Match("PGPASSWORD=[A-Za-z0-9]"), "only the command that fetches the token, never a token");
    }

    // Watched mailboxes: both modes reach main.bicep's watchedMailboxes, the phone its clinicPhone, and the
    // Exchange step grants on exactly those boxes.
    [Test]
    public void WhatIf_WatchedMailboxes_FeedTheTemplateAndTheExchangeGrant()
    {
        var plan = WhatIf("--client-id", ClientId, "--tenant-id", TenantId,
            "--watched-mailbox", "dre.tremblay@clinique-exemple.med", "--not-for-patients-mailbox", "clinique@clinique-exemple.med",
            "--clinic-phone", "514 555-0100");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.OutDirectory, "main.parameters.json")));
        var given = json.RootElement.GetProperty("parameters");

        Assert.Multiple(() =>
        {
            Assert.That(plan.Result.ExitCode, Is.Zero, plan.Result.Stderr);
            Assert.That(given.GetProperty("watchedMailboxes").GetProperty("value").EnumerateArray()
                .Select(b => (b.GetProperty("address").GetString(), b.GetProperty("mode").GetString())), Is.EqualTo(new[]
                {
                    ("dre.tremblay@clinique-exemple.med", "correspondence"),
                    ("clinique@clinique-exemple.med", "not_for_patients"),
                }));
            Assert.That(given.GetProperty("clinicPhone").GetProperty("value").GetString(), Is.EqualTo("514 555-0100"));
            Assert.That(plan.Commands.Single(c => c.Contains("grant-mail-send.ps1", StringComparison.Ordinal)),
                Does.EndWith("-WatchedMailboxes dre.tremblay@clinique-exemple.med,clinique@clinique-exemple.med"));
        });
    }

    [Test]
    public void WhatIf_NoWatchedMailbox_WatcherOffAndNoWatchedGrant()
    {
        var plan = Sample;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.OutDirectory, "main.parameters.json")));

        Assert.That(json.RootElement.GetProperty("parameters").GetProperty("watchedMailboxes").GetProperty("value").GetArrayLength(), Is.Zero);
        Assert.That(plan.Commands.Single(c => c.Contains("grant-mail-send.ps1", StringComparison.Ordinal)), Does.Not.Contain("-WatchedMailboxes"));
    }

    // First deployment (no vault yet): without the secret grants, then the secrets, then with them; the
    // parameters file ends with the grants on, which is what every later run deploys.
    [Test]
    public void WhatIf_FirstDeployment_GrantsTheSecretsOnlyAfterCreatingThem()
    {
        var plan = Sample;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(plan.OutDirectory, "main.parameters.json")));

        Assert.That(plan.Result.Stdout, Does.Contain("no ClinicMail vault in rg-clinicmail yet"));
        Assert.That(plan.Result.Stdout, Does.Contain("\"grantVaultKeyReaders\": {\n        \"value\": false"), "the first pass, as printed");
        Assert.That(json.RootElement.GetProperty("parameters").GetProperty("grantVaultKeyReaders").GetProperty("value").GetBoolean(), Is.True);
    }

    [Test]
    public void WhatIf_WatchedMailboxWithoutPhone_IsRefused()
    {
        var plan = WhatIf("--watched-mailbox", "dre.tremblay@clinique-exemple.med");

        Assert.That(plan.Result.ExitCode, Is.Not.Zero);
        Assert.That(plan.Result.Stderr, Does.Contain("--clinic-phone"));
        Assert.That(plan.Commands, Is.Empty);
    }

    [TestCase("--host", "clinicmail-func-abc123.azurewebsites.net", "a domain the clinic owns")]
    [TestCase("--watched-mailbox", "not-an-address", "--watched-mailbox")]
    [TestCase("--host", "https://clinicmail.example.med", "--host")]
    [TestCase("--base-name", "Clinic-Mail", "--base-name")]
    [TestCase("--client-id", "not-a-guid", "--client-id")]
    public void WhatIf_InvalidValue_IsRefusedBeforeAnyStep(string option, string value, string message)
    {
        var plan = WhatIf(option, value);

        Assert.That(plan.Result.ExitCode, Is.Not.Zero);
        Assert.That(plan.Result.Stderr, Does.Contain(message));
        Assert.That(plan.Commands, Is.Empty);
    }
}
