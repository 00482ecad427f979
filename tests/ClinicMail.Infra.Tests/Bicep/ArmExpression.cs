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

// What an expression becomes for given parameter values; runtime-only parts stay unknown.
public sealed class ArmEvaluator(IReadOnlyDictionary<string, JsonNode?> parameters, string tenantId)
{
    public sealed record Unknown(string Expression);

    public object? Evaluate(ArmExpression expression) => expression switch
    {
        // Every arm is typed object: JsonNode's implicit conversion from string would otherwise turn
        // evaluated strings back into JSON nodes.
        ArmLiteral l => l.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : (object?)l.Value,
        ArmMember { Target: ArmCall { Function: "tenant" }, Member: "tenantId" } => tenantId,
        ArmCall { Function: "parameters" } c => parameters.TryGetValue((string)Evaluate(c.Arguments[0])!, out var p)
            ? (p is JsonValue pv && pv.TryGetValue<string>(out var ps) ? ps : (object?)p)
            : new Unknown(c.ToString()),
        ArmCall { Function: "format" } c => Format(c),
        ArmCall { Function: "empty" } c => Empty(Evaluate(c.Arguments[0])),
        ArmCall { Function: "if" } c => Evaluate(c.Arguments[0]) switch
        {
            true => Evaluate(c.Arguments[1]),
            false => Evaluate(c.Arguments[2]),
            var other => other,
        },
        _ => new Unknown(expression.ToString()),
    };

    private static object Empty(object? value) => value switch
    {
        Unknown unknown => unknown,
        null => true,
        string s => s.Length == 0,
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
