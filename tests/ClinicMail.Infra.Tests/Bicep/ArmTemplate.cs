using System.Text.Json.Nodes;

namespace ClinicMail.Infra.Tests.Bicep;

// A compiled ARM template (main.json from bicep build) and, recursively, the templates of its modules
// (nested Microsoft.Resources/deployments). Resources declared with 'existing' are not in ARM JSON.
public sealed class ArmTemplate
{
    public ArmTemplate(string name, JsonObject json, ArmTemplate? parent = null)
    {
        Name = name;
        Json = json;
        Parent = parent;
        var resources = json["resources"] as JsonArray ?? [];
        Resources = resources.OfType<JsonObject>()
            .Where(r => (string?)r["type"] != "Microsoft.Resources/deployments")
            .Select(r => new ArmResource(r, this))
            .ToList();
        Modules = resources.OfType<JsonObject>()
            .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
            .Select(r => new ArmTemplate((string)r["name"]!, (JsonObject)r["properties"]!["template"]!, this) { Deployment = r })
            .ToList();
    }

    // The deployment name ("clinicmail-keyvault"), "main" for the root.
    public string Name { get; }

    public JsonObject Json { get; }

    public ArmTemplate? Parent { get; }

    // The nested deployment resource that carries this module (its "parameters" are what main passes).
    public JsonObject? Deployment { get; private init; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public IReadOnlyList<ArmTemplate> Modules { get; }

    public IEnumerable<ArmTemplate> SelfAndModules => Modules.SelectMany(m => m.SelfAndModules).Prepend(this);

    public JsonObject Parameters => Json["parameters"] as JsonObject ?? [];

    public JsonObject Variables => Json["variables"] as JsonObject ?? [];

    public JsonObject Outputs => Json["outputs"] as JsonObject ?? [];

    public ArmTemplate Module(string shortName) =>
        SelfAndModules.SingleOrDefault(t => t.Name == $"clinicmail-{shortName}")
            ?? throw new InvalidOperationException($"no module clinicmail-{shortName} in the compiled template");

    // The value a module deployment passes for one of its parameters (an ARM expression or literal).
    public JsonNode? PassedParameter(string name) => Deployment?["properties"]?["parameters"]?[name]?["value"];

    public JsonNode? Variable(string name) => Variables[name];
}

public sealed class ArmResource(JsonObject json, ArmTemplate template)
{
    public JsonObject Json { get; } = json;

    public ArmTemplate Template { get; } = template;

    public string Type => (string)Json["type"]!;

    public string ApiVersion => (string)Json["apiVersion"]!;

    public string Name => Json["name"]!.ToString();

    // Dotted path below the resource: "properties.sku.name".
    public JsonNode? At(string path)
    {
        JsonNode? node = Json;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }
        return node;
    }

    public string String(string path)
    {
        var node = At(path);
        Assert.That(node, Is.Not.Null, $"{Type}: {path} must be set");
        return node!.ToString();
    }

    public override string ToString() => $"{Type} {Name} ({Template.Name})";
}
