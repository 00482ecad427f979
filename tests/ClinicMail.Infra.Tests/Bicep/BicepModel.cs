using System.Globalization;

namespace ClinicMail.Infra.Tests.Bicep;

// A deliberately small model of Bicep syntax: enough to read declarations and the object/array
// literals inside them. Expressions are kept as source text; the tests compare them, they do not
// evaluate them. Anything the parser does not understand makes it throw (never a silent skip).
public abstract record BicepValue;

public sealed record BicepObject(IReadOnlyList<KeyValuePair<string, BicepValue>> Properties) : BicepValue
{
    public IEnumerable<string> Keys => Properties.Select(p => p.Key);

    public BicepValue? this[string key] =>
        Properties.Where(p => string.Equals(p.Key, key, StringComparison.Ordinal)).Select(p => p.Value).FirstOrDefault();

    // Follows a dotted path through nested object literals ("properties.siteConfig.minTlsVersion").
    public BicepValue? At(string dottedPath)
    {
        BicepValue? current = this;
        foreach (var segment in dottedPath.Split('.'))
        {
            current = current is BicepObject obj ? obj[segment] : null;
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }
}

public sealed record BicepArray(IReadOnlyList<BicepValue> Items) : BicepValue;

// "[for x in xs: body]": the header is kept as text, the body is parsed.
public sealed record BicepFor(string Header, BicepValue Body) : BicepValue;

public sealed record BicepExpression(string Text) : BicepValue
{
    // The value of a plain string literal ('abc', no interpolation), otherwise null.
    public string? StringLiteral
    {
        get
        {
            if (Text.Length < 2 || Text[0] != '\'' || Text[^1] != '\'' || Text.StartsWith("'''", StringComparison.Ordinal))
            {
                return null;
            }
            var inner = Text[1..^1];
            if (inner.Contains("${", StringComparison.Ordinal) || HasUnescapedQuote(inner))
            {
                return null;
            }
            return inner.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }
    }

    public bool? Boolean => Text switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    public int? Integer => int.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static bool HasUnescapedQuote(string inner)
    {
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\')
            {
                i++;
            }
            else if (inner[i] == '\'')
            {
                return true;
            }
        }
        return false;
    }
}

public sealed record BicepDecorator(string Name, string Arguments);

public sealed record BicepParam(string Name, string Type, BicepValue? DefaultValue, IReadOnlyList<BicepDecorator> Decorators)
{
    public bool HasDecorator(string name) => Decorators.Any(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}

public sealed record BicepVariable(string Name, BicepValue Value);

public sealed record BicepOutput(string Name, string Type, BicepValue Value, IReadOnlyList<BicepDecorator> Decorators);

public sealed record BicepResource(string Symbol, string Type, string ApiVersion, bool IsExisting, string? Condition, BicepValue Body, string FilePath)
{
    public BicepObject Object => Body as BicepObject
        ?? throw new InvalidOperationException($"Resource '{Symbol}' in {FilePath} is not a plain object declaration.");

    public BicepValue? At(string dottedPath) => Object.At(dottedPath);
}

public sealed record BicepModule(string Symbol, string Path, BicepValue Body);

public sealed record BicepFile(
    string Path,
    string Text,
    IReadOnlyList<BicepParam> Params,
    IReadOnlyList<BicepVariable> Variables,
    IReadOnlyList<BicepResource> Resources,
    IReadOnlyList<BicepModule> Modules,
    IReadOnlyList<BicepOutput> Outputs)
{
    public BicepVariable? Variable(string name) => Variables.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.Ordinal));

    public BicepParam? Param(string name) => Params.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    public BicepResource? Resource(string symbol) => Resources.FirstOrDefault(r => string.Equals(r.Symbol, symbol, StringComparison.Ordinal));
}
