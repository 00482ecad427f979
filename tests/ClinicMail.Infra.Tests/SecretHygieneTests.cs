using System.Text.Json;
using System.Text.RegularExpressions;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// No secret goes into the deployment (parameters) or comes out of it (outputs are stored in the
// deployment history, readable by anyone with read access to the resource group).
public sealed partial class SecretHygieneTests
{
    public static IEnumerable<TestCaseData> Templates() =>
        InfraTemplates.All.Select(t => new TestCaseData(t.Name).SetArgDisplayNames(t.Name));

    private static ArmTemplate Template(string name) => InfraTemplates.All.Single(t => t.Name == name);

    [TestCaseSource(nameof(Templates))]
    public void Outputs_NameOrValue_NeverLooksLikeASecret(string name)
    {
        foreach (var (outputName, output) in Template(name).Outputs)
        {
            var value = output!["value"]?.ToString() ?? string.Empty;
            Assert.That(SecretName().IsMatch(outputName), Is.False, $"output '{outputName}' is named like a secret");
            Assert.That(SecretValue().IsMatch(value), Is.False, $"output '{outputName}' returns {value}");
            Assert.That(output["type"]!.ToString(), Does.Not.StartWith("secure"), $"output '{outputName}' is @secure");
        }
    }

    [TestCaseSource(nameof(Templates))]
    public void Params_NoneIsSecureOrNamedLikeASecret(string name)
    {
        foreach (var (paramName, param) in Template(name).Parameters)
        {
            Assert.That(param!["type"]!.ToString(), Does.Not.StartWith("secure"), $"param '{paramName}' is @secure: nothing here should need a secret");
            Assert.That(SecretName().IsMatch(paramName), Is.False, $"param '{paramName}' is named like a secret");
        }
    }

    [Test]
    public void Templates_SecretReadingFunctions_AreNeverCalled()
    {
        Assert.That(SecretFunction().Matches(InfraTemplates.Main.Json.ToJsonString()).Select(m => m.Value), Is.Empty,
            "listKeys/listSecrets/SAS calls would put a credential in the deployment");
    }

    [Test]
    public void ParametersExample_Keys_MatchMainParams()
    {
        using var json = JsonDocument.Parse(InfraTemplates.ReadText("infra", "main.parameters.example.json"));
        var given = json.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var declared = InfraTemplates.Main.Parameters.Select(p => p.Key).ToList();
        var required = InfraTemplates.Main.Parameters.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);

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
