using System.Text.Json;
using System.Text.RegularExpressions;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// No secret goes into the deployment (parameters) or comes out of it (outputs are stored in the
// deployment history, readable by anyone with read access to the resource group).
public sealed partial class SecretHygieneTests
{
    public static IEnumerable<TestCaseData> Files() =>
        InfraTemplates.All.Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f.Path)));

    [TestCaseSource(nameof(Files))]
    public void Outputs_NameOrValue_NeverLooksLikeASecret(BicepFile file)
    {
        foreach (var output in file.Outputs)
        {
            var value = output.Value is BicepExpression e ? e.Text : string.Empty;
            Assert.That(SecretName().IsMatch(output.Name), Is.False, $"output '{output.Name}' is named like a secret");
            Assert.That(SecretValue().IsMatch(value), Is.False, $"output '{output.Name}' returns {value}");
            Assert.That(output.Decorators.Select(d => d.Name), Does.Not.Contain("secure"), $"output '{output.Name}' is @secure");
        }
    }

    [TestCaseSource(nameof(Files))]
    public void Params_NoneIsSecureOrNamedLikeASecret(BicepFile file)
    {
        foreach (var param in file.Params)
        {
            Assert.That(param.HasDecorator("secure"), Is.False, $"param '{param.Name}' is @secure: nothing here should need a secret");
            Assert.That(SecretName().IsMatch(param.Name), Is.False, $"param '{param.Name}' is named like a secret");
        }
    }

    [TestCaseSource(nameof(Files))]
    public void Templates_SecretReadingFunctions_AreNeverCalled(BicepFile file)
    {
        Assert.That(SecretFunction().Matches(file.Text).Select(m => m.Value), Is.Empty,
            "listKeys/listSecrets/SAS calls would put a credential in the deployment");
    }

    [Test]
    public void ParametersExample_Keys_MatchMainParams()
    {
        using var json = JsonDocument.Parse(InfraTemplates.ReadText("infra", "main.parameters.example.json"));
        var given = json.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var declared = InfraTemplates.Main.Params.Select(p => p.Name).ToList();
        var required = InfraTemplates.Main.Params.Where(p => p.DefaultValue is null).Select(p => p.Name);

        Assert.That(declared, Is.SupersetOf(given), "the example sets a parameter main.bicep does not declare");
        Assert.That(given, Is.SupersetOf(required), "the example misses a required parameter");
    }

    [Test]
    public void ParametersExample_Values_HoldNoSecretOrKeyVaultReference()
    {
        var text = InfraTemplates.ReadText("infra", "main.parameters.example.json");
        using var json = JsonDocument.Parse(text);

        foreach (var parameter in json.RootElement.GetProperty("parameters").EnumerateObject())
        {
            Assert.That(parameter.Value.TryGetProperty("reference", out _), Is.False, $"{parameter.Name} pulls a Key Vault secret");
            Assert.That(SecretName().IsMatch(parameter.Name), Is.False);
        }
        Assert.That(text, Does.Not.Match("(?i)(password|accountkey|sharedaccesssignature|sig=)"));
    }

    // Names like keyName / keyVaultUri are identifiers, not secrets; the pattern targets credentials.
    [GeneratedRegex("(?i)(password|passwd|pwd|secret|connectionstring|connstr|accesskey|accountkey|instrumentationkey|apikey|sastoken|token|credential|privatekey)")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?i)(listkeys\s*\(|listsecrets\s*\(|listcredentials?\s*\(|listaccountsas\s*\(|listservicesas\s*\(|\.ConnectionString|primaryKey|secondaryKey|password)")]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"(?i)\b(listkeys|listsecrets|listcredentials?|listaccountsas|listservicesas|listconnectionstrings)\s*\(")]
    private static partial Regex SecretFunction();
}
