using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ClinicMail.Infra.Tests.Bicep;

// A parsed ARM template expression ("[format('api://{0}', parameters('x'))]"), enough to read what
// the compiler emitted: function calls, string/number literals, property and index access. Evaluate
// resolves parameters from sample values and leaves runtime values (reference(), resourceId()) as
// Unknown, so a test can check what a setting becomes for a given deployment.
public abstract record ArmExpression
{
    public static ArmExpression Parse(string text)
    {
        if (!text.StartsWith('[') || !text.EndsWith(']') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return new ArmLiteral(JsonValue.Create(text));
        }
        var parser = new Parser(text[1..^1]);
        var expression = parser.Expression();
        parser.End();
        return expression;
    }

    public static ArmExpression Of(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? Parse(s) : new ArmLiteral(node);

    private sealed class Parser(string text)
    {
        private int _position;

        public ArmExpression Expression()
        {
            Skip();
            ArmExpression result;
            var c = text[_position];
            if (c == '\'')
            {
                var value = new StringBuilder();
                _position++;
                while (true)
                {
                    if (text[_position] == '\'')
                    {
                        if (_position + 1 < text.Length && text[_position + 1] == '\'') { value.Append('\''); _position += 2; continue; }
                        _position++;
                        break;
                    }
                    value.Append(text[_position++]);
                }
                result = new ArmLiteral(JsonValue.Create(value.ToString()));
            }
            else if (char.IsDigit(c) || c == '-')
            {
                var start = _position++;
                while (_position < text.Length && char.IsDigit(text[_position])) _position++;
                result = new ArmLiteral(JsonValue.Create(long.Parse(text[start.._position], CultureInfo.InvariantCulture)));
            }
            else
            {
                var name = Identifier();
                Skip();
                Expect('(');
                var arguments = new List<ArmExpression>();
                Skip();
                if (text[_position] != ')')
                {
                    do { arguments.Add(Expression()); Skip(); } while (TryTake(','));
                }
                Expect(')');
                result = new ArmCall(name, arguments);
            }
            while (true)
            {
                Skip();
                if (TryTake('.'))
                {
                    result = new ArmMember(result, Identifier());
                }
                else if (TryTake('['))
                {
                    var index = Expression();
                    Skip();
                    Expect(']');
                    result = new ArmIndex(result, index);
                }
                else
                {
                    return result;
                }
            }
        }

        public void End()
        {
            Skip();
            if (_position != text.Length) throw new FormatException($"unexpected '{text[_position..]}'");
        }

        private string Identifier()
        {
            Skip();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_')) _position++;
            if (start == _position) throw new FormatException($"identifier expected at {_position} in {text}");
            return text[start.._position];
        }

        private void Skip() { while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++; }

        private bool TryTake(char c)
        {
            if (_position < text.Length && text[_position] == c) { _position++; return true; }
            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c)) throw new FormatException($"'{c}' expected at {_position} in {text}");
        }
    }
}

public sealed record ArmLiteral(JsonNode? Value) : ArmExpression
{
    public override string ToString() => Value?.ToJsonString() ?? "null";
}

public sealed record ArmCall(string Function, IReadOnlyList<ArmExpression> Arguments) : ArmExpression
{
    public override string ToString() => $"{Function}({string.Join(", ", Arguments)})";

    // createObject('a', x, 'b', y) as name -> value expression.
    public IReadOnlyDictionary<string, ArmExpression> CreateObjectEntries()
    {
        Assert.That(Function, Is.EqualTo("createObject"));
        var entries = new Dictionary<string, ArmExpression>(StringComparer.Ordinal);
        for (var i = 0; i < Arguments.Count; i += 2)
        {
            entries[(string)((ArmLiteral)Arguments[i]).Value!] = Arguments[i + 1];
        }
        return entries;
    }
}

public sealed record ArmMember(ArmExpression Target, string Member) : ArmExpression
{
    public override string ToString() => $"{Target}.{Member}";
}

public sealed record ArmIndex(ArmExpression Target, ArmExpression Index) : ArmExpression
{
    public override string ToString() => $"{Target}[{Index}]";
}

// What an expression becomes for given parameter values; runtime-only parts stay unknown. With the
// template's variables, it also evaluates the collection functions and lambdas the app settings use
// (range, map, filter, flatten, toObject, tryGet, union...), as ARM does: a missing property read with
// [] fails, as the deployment would.
public sealed class ArmEvaluator(IReadOnlyDictionary<string, JsonNode?> parameters, string tenantId, JsonObject? variables = null)
{
    public sealed record Unknown(string Expression);

    private sealed record Lambda(IReadOnlyList<string> Names, ArmExpression Body);

    private readonly Dictionary<string, object?> _lambdaVariables = new(StringComparer.Ordinal);

    public object? Evaluate(ArmExpression expression) => expression switch
    {
        // Every arm is typed object: JsonNode's implicit conversion from string would otherwise turn
        // evaluated strings back into JSON nodes.
        ArmLiteral l => FromNode(l.Value),
        ArmMember { Target: ArmCall { Function: "tenant" }, Member: "tenantId" } => tenantId,
        ArmCall { Function: "parameters" } c => parameters.TryGetValue((string)Evaluate(c.Arguments[0])!, out var p)
            ? FromNode(p)
            : new Unknown(c.ToString()),
        ArmCall { Function: "variables" } c => variables?[(string)Evaluate(c.Arguments[0])!] is { } v
            ? Evaluate(ArmExpression.Of(v))
            : new Unknown(c.ToString()),
        ArmCall { Function: "format" } c => Format(c),
        ArmCall { Function: "empty" } c => Empty(Evaluate(c.Arguments[0])),
        ArmCall { Function: "if" } c => Evaluate(c.Arguments[0]) switch
        {
            true => Evaluate(c.Arguments[1]),
            false => Evaluate(c.Arguments[2]),
            var other => other,
        },
        ArmCall { Function: "lambda" } c => new Lambda(c.Arguments.SkipLast(1).Select(a => (string)Evaluate(a)!).ToList(), c.Arguments[^1]),
        ArmCall { Function: "lambdaVariables" } c => _lambdaVariables[(string)Evaluate(c.Arguments[0])!],
        ArmCall { Function: "null" } => null,
        ArmCall c => Call(c),
        ArmMember m => Evaluate(m.Target) switch
        {
            Unknown unknown => unknown,
            JsonObject o => o.TryGetPropertyValue(m.Member, out var value) ? FromNode(value) : throw new InvalidOperationException($"property '{m.Member}' does not exist: {m}"),
            var other => throw new InvalidOperationException($"{m}: {other} has no properties"),
        },
        ArmIndex i => Index(Evaluate(i.Target), Evaluate(i.Index), i),
        _ => new Unknown(expression.ToString()),
    };

    private object? Call(ArmCall call)
    {
        var arguments = call.Arguments.Select(Evaluate).ToList();
        if (arguments.OfType<Unknown>().FirstOrDefault() is { } unknown)
        {
            return unknown;
        }
        return call.Function switch
        {
            "createObject" => new JsonObject(Enumerable.Range(0, arguments.Count / 2)
                .Select(i => KeyValuePair.Create((string)arguments[2 * i]!, ToNode(arguments[(2 * i) + 1])))),
            "createArray" => new JsonArray(arguments.Select(ToNode).ToArray()),
            "range" => new JsonArray(Enumerable.Range(Int(arguments[0]), Int(arguments[1])).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
            "length" => arguments[0] switch
            {
                string s => s.Length,
                JsonArray a => a.Count,
                JsonObject o => o.Count,
                var other => throw new InvalidOperationException($"length({other})"),
            },
            "string" => arguments[0] switch
            {
                string s => s,
                bool b => b ? "True" : "False",
                var other => ToNode(other) is JsonValue v ? v.ToString() : ToNode(other)?.ToJsonString() ?? "",
            },
            "equals" => JsonNode.DeepEquals(ToNode(arguments[0]), ToNode(arguments[1])),
            "not" => !(bool)arguments[0]!,
            "tryGet" => arguments[0] is JsonObject o ? FromNode(o[(string)arguments[1]!]) : null,
            "union" => Union(arguments),
            "flatten" => new JsonArray(Array(arguments[0]).SelectMany(inner => ((JsonArray)inner!).Select(n => n?.DeepClone())).ToArray()),
            "map" => new JsonArray(Array(arguments[0]).Select(n => ToNode(Apply(arguments[1], n))).ToArray()),
            "filter" => new JsonArray(Array(arguments[0]).Where(n => Apply(arguments[1], n) is true).Select(n => n?.DeepClone()).ToArray()),
            "toObject" => new JsonObject(Array(arguments[0]).Select(n => KeyValuePair.Create(
                (string)Apply(arguments[1], n)!,
                arguments.Count > 2 ? ToNode(Apply(arguments[2], n)) : n?.DeepClone()))),
            _ => new Unknown(call.ToString()),
        };
    }

    private object? Apply(object? lambda, JsonNode? argument)
    {
        var function = (Lambda)lambda!;
        _lambdaVariables[function.Names[0]] = FromNode(argument?.DeepClone());
        return Evaluate(function.Body);
    }

    private static IEnumerable<JsonNode?> Array(object? value) =>
        value as JsonArray ?? throw new InvalidOperationException($"an array is expected, not {value}");

    private static int Int(object? value) => value is JsonValue v
        ? (v.TryGetValue<int>(out var i) ? i : checked((int)v.GetValue<long>()))
        : Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static JsonObject Union(IEnumerable<object?> objects)
    {
        var result = new JsonObject();
        foreach (var o in objects.Cast<JsonObject>())
        {
            foreach (var (key, value) in o)
            {
                result[key] = value?.DeepClone();
            }
        }
        return result;
    }

    private static object? Index(object? target, object? index, ArmIndex expression) => (target, index) switch
    {
        (Unknown unknown, _) => unknown,
        (_, Unknown unknown) => unknown,
        (JsonArray a, _) => FromNode(a[Int(index)]),
        (JsonObject o, string key) => o.TryGetPropertyValue(key, out var value) ? FromNode(value) : throw new InvalidOperationException($"property '{key}' does not exist: {expression}"),
        _ => throw new InvalidOperationException($"{expression}: cannot index {target} with {index}"),
    };

    // Strings and booleans as .NET values (how callers compare them), everything else as JSON.
    private static object? FromNode(JsonNode? node) => node switch
    {
        // (object) on each arm: a string or bool arm would otherwise convert implicitly back to JsonNode.
        JsonValue v when v.TryGetValue<string>(out var s) => (object)s,
        JsonValue v when v.TryGetValue<bool>(out var b) => (object)b,
        _ => (object?)node,
    };

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        JsonNode n => n.Parent is null ? n : n.DeepClone(),
        _ => throw new InvalidOperationException($"not a JSON value: {value}"),
    };

    private static object Empty(object? value) => value switch
    {
        Unknown unknown => unknown,
        null => true,
        string s => s.Length == 0,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        _ => false,
    };

    private object Format(ArmCall call)
    {
        var values = call.Arguments.Skip(1).Select(Evaluate).ToList();
        var unknown = values.OfType<Unknown>().FirstOrDefault();
        if (unknown is not null || Evaluate(call.Arguments[0]) is not string format)
        {
            return unknown ?? new Unknown(call.ToString());
        }
        return string.Format(CultureInfo.InvariantCulture, format, values.Select(v => v?.ToString()).ToArray<object?>());
    }
}
