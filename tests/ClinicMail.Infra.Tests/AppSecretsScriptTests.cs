using System.Text.Json;

namespace ClinicMail.Infra.Tests;

// infra/app-secrets.sh against a fake az on PATH that keeps the vault's secrets in a folder and records
// every call (its command line): a secret is created only when absent, with 32 random bytes in base64,
// from an owner-only file; no value ever reaches the output or a command line; an answer other than
// "not found" stops the script before it writes anything.
public sealed class AppSecretsScriptTests
{
    private static readonly string[] Names = ["clinicmail-graph-client-state-key", "clinicmail-code-key"];

    // az resource show: 0 when the secret's file exists, else 3 (ResourceNotFound) or, with FAKE_AZ_SHOW=denied,
    // 1 (AuthorizationFailed). az resource create: copies the @file body to the vault folder, with its mode.
    private const string FakeAz = """
        #!/usr/bin/env bash
        echo "az $*" >>"$FAKE_AZ_LOG"
        command="$1 $2"; name=""; body=""
        while [[ $# -gt 0 ]]; do
          case "$1" in
            --name) name="$2"; shift 2 ;;
            --properties) body="${2#@}"; shift 2 ;;
            *) shift ;;
          esac
        done
        if [[ "$command" == "resource show" ]]; then
          if [[ -f "$FAKE_VAULT/$name" ]]; then exit 0; fi
          if [[ "${FAKE_AZ_SHOW:-}" == denied ]]; then echo "ERROR: (AuthorizationFailed) The client does not have authorization" >&2; exit 1; fi
          echo "ERROR: (ResourceNotFound) The Resource 'Microsoft.KeyVault/vaults/kv-test/secrets/$name' was not found." >&2; exit 3
        fi
        if [[ "$command" == "resource create" ]]; then
          cp "$body" "$FAKE_VAULT/$name"
          stat -c '%a' "$body" >"$FAKE_VAULT/$name.mode"
          echo "$body" >"$FAKE_VAULT/$name.path"
          exit 0
        fi
        exit 1
        """;

    private sealed record Sandbox(string Bin, string Vault, string Log)
    {
        public string[] Calls => File.Exists(Log) ? File.ReadAllLines(Log) : [];

        public string Value(string name) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Vault, name))).RootElement.GetProperty("value").GetString()!;
    }

    private static Sandbox NewSandbox()
    {
        var root = Directory.CreateTempSubdirectory("clinicmail-app-secrets-").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        var vault = Directory.CreateDirectory(Path.Combine(root, "vault")).FullName;
        var az = Path.Combine(bin, "az");
        File.WriteAllText(az, FakeAz.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new Sandbox(bin, vault, Path.Combine(root, "calls.log"));
    }

    private static Scripts.Result Run(Sandbox sandbox, string? show = null) =>
        Scripts.Run("bash", [Path.Combine(InfraTemplates.Root, "infra", "app-secrets.sh"), "--resource-group", "rg-clinicmail", "--vault", "kv-clinicmail-abc123"],
            new Dictionary<string, string>
            {
                ["PATH"] = $"{sandbox.Bin}:/usr/bin:/bin",
                ["FAKE_AZ_LOG"] = sandbox.Log,
                ["FAKE_VAULT"] = sandbox.Vault,
                ["FAKE_AZ_SHOW"] = show ?? "",
            });

    [Test]
    public void EmptyVault_CreatesBothSecrets_Random32BytesFromAnOwnerOnlyFile()
    {
        var sandbox = NewSandbox();

        var result = Run(sandbox);

        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        var values = Names.Select(sandbox.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(values.Select(v => Convert.FromBase64String(v).Length), Has.All.EqualTo(32));
            Assert.That(values.Distinct().Count(), Is.EqualTo(2), "two keys, two values");
            Assert.That(sandbox.Calls.Count(c => c.StartsWith("az resource create", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(sandbox.Calls.Where(c => c.StartsWith("az resource create", StringComparison.Ordinal)),
                Has.All.Contains("--resource-group rg-clinicmail --namespace Microsoft.KeyVault --parent vaults/kv-clinicmail-abc123 --resource-type secrets")
                    .And.Contains("--properties @"));
            foreach (var name in Names)
            {
                Assert.That(File.ReadAllText(Path.Combine(sandbox.Vault, name + ".mode")).Trim(), Is.EqualTo("600"), "the body file is the owner's only");
                Assert.That(File.Exists(File.ReadAllText(Path.Combine(sandbox.Vault, name + ".path")).Trim()), Is.False, "the body file is deleted");
            }
        });
        AssertNeverShown(sandbox, result, values);
    }

    [Test]
    public void SecondRun_KeepsBothValues_CreatesNothing()
    {
        var sandbox = NewSandbox();
        Assert.That(Run(sandbox).ExitCode, Is.Zero);
        var before = Names.Select(sandbox.Value).ToList();
        var callsBefore = sandbox.Calls.Length;

        var result = Run(sandbox);

        var second = sandbox.Calls.Skip(callsBefore).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Stderr);
            Assert.That(second, Has.Count.EqualTo(2).And.All.StartWith("az resource show"), "only looked at, never written");
            Assert.That(Names.Select(sandbox.Value), Is.EqualTo(before));
            Assert.That(result.Stdout, Does.Contain("kept"));
        });
        AssertNeverShown(sandbox, result, before);
    }

    [Test]
    public void OneSecretPresent_OnlyTheOtherIsCreated()
    {
        var sandbox = NewSandbox();
        const string existing = "{\"value\":\"ZXhpc3Rpbmcga2V5IG9mIHRoZSBjbGllbnQgc3RhdGUgaGFzaGVzIQ==\"}";
        File.WriteAllText(Path.Combine(sandbox.Vault, Names[0]), existing);

        var result = Run(sandbox);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Stderr);
            Assert.That(File.ReadAllText(Path.Combine(sandbox.Vault, Names[0])), Is.EqualTo(existing), "a key in use is never replaced");
            Assert.That(sandbox.Calls.Where(c => c.StartsWith("az resource create", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1).And.All.Contains($"--name {Names[1]}"));
        });
        AssertNeverShown(sandbox, result, [sandbox.Value(Names[1])]);
    }

    // Signed out, no right, network: "could not tell" is not "absent" (a new value would replace a key in use).
    [Test]
    public void ExistenceUnknown_StopsBeforeWritingAnything()
    {
        var sandbox = NewSandbox();

        var result = Run(sandbox, show: "denied");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero);
            Assert.That(result.Stderr, Does.Contain("nothing was changed").And.Contain("AuthorizationFailed"));
            Assert.That(sandbox.Calls, Has.None.StartWith("az resource create"));
            Assert.That(Directory.EnumerateFiles(sandbox.Vault), Is.Empty);
        });
    }

    [TestCase("--vault", "https://kv.vault.azure.net/")]
    [TestCase("--resource-group", "")]
    public void InvalidArgument_IsRefusedBeforeAnyCall(string option, string value)
    {
        var sandbox = NewSandbox();
        string[] arguments = option == "--vault"
            ? ["--resource-group", "rg", "--vault", value]
            : ["--resource-group", value, "--vault", "kv-clinicmail-abc123"];

        var result = Scripts.Run("bash", [Path.Combine(InfraTemplates.Root, "infra", "app-secrets.sh"), .. arguments],
            new Dictionary<string, string> { ["PATH"] = $"{sandbox.Bin}:/usr/bin:/bin", ["FAKE_AZ_LOG"] = sandbox.Log, ["FAKE_VAULT"] = sandbox.Vault });

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Stderr, Does.Contain(option));
        Assert.That(sandbox.Calls, Is.Empty);
    }

    private static void AssertNeverShown(Sandbox sandbox, Scripts.Result result, IEnumerable<string> values)
    {
        var calls = string.Join('\n', sandbox.Calls);
        foreach (var value in values)
        {
            Assert.That(result.Stdout + result.Stderr, Does.Not.Contain(value), "a value is never printed");
            Assert.That(calls, Does.Not.Contain(value), "a value is never on a command line");
        }
    }
}
