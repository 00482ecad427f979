using System.Text.Json.Nodes;
using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// The Function App's app settings as the compiled template produces them for one set of main.bicep
// parameter values: the app-settings union evaluated (ArmEvaluator), keeping what is known before the
// deployment runs (runtime values such as the identity's client id stay out).
public static class DeployedSettings
{
    public const string Host = "clinicmail.clinique-exemple.med";

    // What the platform gives keyVault.outputs.keyVaultUri (with its trailing slash).
    public const string VaultUri = "https://kv-clinicmail-abc123.vault.azure.net/";

    public const string TenantId = "8f1e2d3c-4b5a-4697-8a1b-2c3d4e5f6a7b";

    // main.bicep parameters -> the functionapp module's parameters -> its app settings.
    public static IReadOnlyDictionary<string, string> For(JsonArray watchedMailboxes, string clinicPhone = "514 555-0100", string clinicName = "")
    {
        var main = InfraTemplates.Main;
        var mainParameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["publicHostName"] = JsonValue.Create(Host),
            ["watchedMailboxes"] = watchedMailboxes,
            ["clinicPhone"] = JsonValue.Create(clinicPhone),
            ["clinicName"] = JsonValue.Create(clinicName),
        };
        var mainEvaluator = new ArmEvaluator(mainParameters, TenantId, main.Variables);
        var functionApp = InfraTemplates.Module("functionapp");
        var moduleParameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["keyVaultUri"] = JsonValue.Create(VaultUri) };
        foreach (var name in new[] { "publicHostName", "watchedMailboxes", "clinicPhone", "clinicName", "clientStateKeyName", "codeKeyName" })
        {
            moduleParameters[name] = ToNode(mainEvaluator.Evaluate(ArmExpression.Of(functionApp.PassedParameter(name))));
        }

        var evaluator = new ArmEvaluator(moduleParameters, TenantId, functionApp.Variables);
        var union = (ArmCall)ArmExpression.Of(InfraTemplates.Single("Microsoft.Web/sites/config").At("properties"));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in union.Arguments)
        {
            var entries = part is ArmCall { Function: "createObject" } create
                ? create.CreateObjectEntries().Select(e => KeyValuePair.Create(e.Key, evaluator.Evaluate(e.Value)))
                : evaluator.Evaluate(part) is JsonObject known
                    ? known.Select(e => KeyValuePair.Create(e.Key, (object?)e.Value?.GetValue<string>()))
                    : []; // a group built from parameters not given here (internal domains, Sent Items)
            foreach (var (key, value) in entries)
            {
                if (value is string text)
                {
                    settings[key] = text;
                }
            }
        }
        return settings;
    }

    public static JsonArray Mailboxes(params JsonObject[] boxes) => new(boxes.Cast<JsonNode?>().ToArray());

    private static JsonNode? ToNode(object? value) => value switch
    {
        string s => JsonValue.Create(s),
        JsonNode n => n.DeepClone(),
        _ => throw new AssertionException($"a parameter main.bicep passes to the functionapp module is not known before deployment: {value}"),
    };
}
