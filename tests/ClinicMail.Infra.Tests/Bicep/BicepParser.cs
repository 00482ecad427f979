namespace ClinicMail.Infra.Tests.Bicep;

// Reads top-level Bicep declarations (param, var, resource, module, output) and the object/array
// literals inside them. It is not a compiler: it does not type-check or evaluate expressions. It is
// strict about what it does read, so a template it cannot understand fails the tests loudly.
public sealed class BicepParser
{
    private readonly string _source;
    private readonly IReadOnlyList<BicepToken> _tokens;
    private int _position;

    private BicepParser(string source)
    {
        _source = source;
        _tokens = BicepLexer.Tokenize(source);
    }

    public static BicepFile ParseFile(string path) => Parse(File.ReadAllText(path), path);

    public static BicepFile Parse(string source, string path = "<inline>")
    {
        try
        {
            return new BicepParser(source).ParseDeclarations(path);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    private BicepToken Current => _tokens[_position];

    private BicepFile ParseDeclarations(string path)
    {
        var parameters = new List<BicepParam>();
        var variables = new List<BicepVariable>();
        var resources = new List<BicepResource>();
        var modules = new List<BicepModule>();
        var outputs = new List<BicepOutput>();

        while (true)
        {
            SkipNewlines();
            if (Current.Kind == BicepTokenKind.End)
            {
                break;
            }
            var decorators = ParseDecorators();
            var keyword = ExpectIdentifier();
            switch (keyword)
            {
                case "targetScope":
                    ExpectSymbol("=");
                    ParseExpression();
                    break;
                case "param":
                    {
                        var name = ExpectIdentifier();
                        var type = CaptureUntil(stopAtEquals: true);
                        BicepValue? defaultValue = null;
                        if (IsSymbol("="))
                        {
                            _position++;
                            defaultValue = ParseValue();
                        }
                        parameters.Add(new BicepParam(name, type, defaultValue, decorators));
                        break;
                    }
                case "var":
                    {
                        var name = ExpectIdentifier();
                        ExpectSymbol("=");
                        variables.Add(new BicepVariable(name, ParseValue()));
                        break;
                    }
                case "resource":
                    {
                        var symbol = ExpectIdentifier();
                        var typeAndVersion = Unquote(Expect(BicepTokenKind.String).Text);
                        var at = typeAndVersion.IndexOf('@', StringComparison.Ordinal);
                        if (at < 0)
                        {
                            throw Error($"resource '{symbol}' has no API version");
                        }
                        var isExisting = IsIdentifier("existing");
                        if (isExisting)
                        {
                            _position++;
                        }
                        ExpectSymbol("=");
                        var condition = ParseOptionalCondition();
                        resources.Add(new BicepResource(symbol, typeAndVersion[..at], typeAndVersion[(at + 1)..], isExisting, condition, ParseValue(), path));
                        break;
                    }
                case "module":
                    {
                        var symbol = ExpectIdentifier();
                        var modulePath = Unquote(Expect(BicepTokenKind.String).Text);
                        ExpectSymbol("=");
                        ParseOptionalCondition();
                        modules.Add(new BicepModule(symbol, modulePath, ParseValue()));
                        break;
                    }
                case "output":
                    {
                        var name = ExpectIdentifier();
                        var type = CaptureUntil(stopAtEquals: true);
                        ExpectSymbol("=");
                        outputs.Add(new BicepOutput(name, type, ParseValue(), decorators));
                        break;
                    }
                case "metadata" or "import" or "type" or "func" or "extension":
                    CaptureUntil(stopAtEquals: false);
                    break;
                default:
                    throw Error($"unexpected top-level keyword '{keyword}'");
            }
        }
        return new BicepFile(path, _source, parameters, variables, resources, modules, outputs);
    }

    private List<BicepDecorator> ParseDecorators()
    {
        var decorators = new List<BicepDecorator>();
        while (IsSymbol("@"))
        {
            _position++;
            var name = ExpectIdentifier();
            while (IsSymbol("."))
            {
                _position++;
                name = ExpectIdentifier();
            }
            var arguments = string.Empty;
            if (IsSymbol("("))
            {
                var start = Current.End;
                var close = SkipBalanced();
                arguments = _source[start..close].Trim();
            }
            decorators.Add(new BicepDecorator(name, arguments));
            SkipNewlines();
        }
        return decorators;
    }

    private string? ParseOptionalCondition()
    {
        if (!IsIdentifier("if"))
        {
            return null;
        }
        _position++;
        if (!IsSymbol("("))
        {
            throw Error("expected '(' after 'if'");
        }
        var start = Current.End;
        var close = SkipBalanced();
        return _source[start..close].Trim();
    }

    private BicepValue ParseValue()
    {
        if (IsSymbol("{"))
        {
            return ParseObject();
        }
        if (IsSymbol("["))
        {
            var next = _position + 1;
            while (_tokens[next].Kind == BicepTokenKind.Newline)
            {
                next++;
            }
            return _tokens[next] is { Kind: BicepTokenKind.Identifier, Text: "for" } ? ParseFor() : ParseArray();
        }
        return ParseExpression();
    }

    private BicepObject ParseObject()
    {
        ExpectSymbol("{");
        var properties = new List<KeyValuePair<string, BicepValue>>();
        while (true)
        {
            SkipNewlinesAndCommas();
            if (IsSymbol("}"))
            {
                _position++;
                return new BicepObject(properties);
            }
            ParseDecorators();
            var key = Current.Kind switch
            {
                BicepTokenKind.Identifier => Current.Text,
                BicepTokenKind.String => Unquote(Current.Text),
                _ => throw Error($"expected a property name, found '{Current.Text}'"),
            };
            _position++;
            if (properties.Any(p => string.Equals(p.Key, key, StringComparison.Ordinal)))
            {
                throw Error($"duplicate property '{key}'");
            }
            ExpectSymbol(":");
            properties.Add(new KeyValuePair<string, BicepValue>(key, ParseValue()));
        }
    }

    private BicepArray ParseArray()
    {
        ExpectSymbol("[");
        var items = new List<BicepValue>();
        while (true)
        {
            SkipNewlinesAndCommas();
            if (IsSymbol("]"))
            {
                _position++;
                return new BicepArray(items);
            }
            items.Add(ParseValue());
        }
    }

    private BicepFor ParseFor()
    {
        ExpectSymbol("[");
        SkipNewlines();
        var headerStart = Current.Start;
        var depth = 0;
        while (!(depth == 0 && IsSymbol(":")))
        {
            if (Current.Kind == BicepTokenKind.End)
            {
                throw Error("unterminated for-expression");
            }
            depth += Nesting(Current);
            _position++;
        }
        var header = _source[headerStart..Current.Start].Trim();
        _position++;
        SkipNewlines();
        ParseOptionalCondition();
        var body = ParseValue();
        SkipNewlines();
        ExpectSymbol("]");
        return new BicepFor(header, body);
    }

    // An expression runs to the end of the line (or a separator) at bracket depth 0; inside
    // brackets it may span lines, as multi-line function calls do.
    private BicepExpression ParseExpression()
    {
        var start = Current.Start;
        var end = start;
        var depth = 0;
        while (Current.Kind != BicepTokenKind.End)
        {
            if (depth == 0 && (Current.Kind == BicepTokenKind.Newline || IsSymbol(",") || IsSymbol("}") || IsSymbol("]") || IsSymbol(")")))
            {
                break;
            }
            depth += Nesting(Current);
            if (depth < 0)
            {
                throw Error("unbalanced brackets");
            }
            end = Current.End;
            _position++;
        }
        if (end == start)
        {
            throw Error($"expected a value, found '{Current.Text}'");
        }
        if (depth != 0)
        {
            throw Error("unbalanced brackets at end of input");
        }
        return new BicepExpression(_source[start..end]);
    }

    private string CaptureUntil(bool stopAtEquals)
    {
        var start = Current.Start;
        var end = start;
        var depth = 0;
        while (Current.Kind != BicepTokenKind.End && !(depth == 0 && (Current.Kind == BicepTokenKind.Newline || (stopAtEquals && IsSymbol("=")))))
        {
            depth += Nesting(Current);
            end = Current.End;
            _position++;
        }
        return _source[start..end].Trim();
    }

    // Skips a parenthesised group starting at the current '(' and returns the offset of its ')'.
    private int SkipBalanced()
    {
        var depth = 0;
        do
        {
            if (Current.Kind == BicepTokenKind.End)
            {
                throw Error("unbalanced parentheses");
            }
            depth += Nesting(Current);
            _position++;
        }
        while (depth > 0);
        return _tokens[_position - 1].Start;
    }

    private static int Nesting(BicepToken token) => token.Kind != BicepTokenKind.Symbol ? 0 : token.Text switch
    {
        "(" or "[" or "{" => 1,
        ")" or "]" or "}" => -1,
        _ => 0,
    };

    private void SkipNewlines()
    {
        while (Current.Kind == BicepTokenKind.Newline)
        {
            _position++;
        }
    }

    private void SkipNewlinesAndCommas()
    {
        while (Current.Kind == BicepTokenKind.Newline || IsSymbol(","))
        {
            _position++;
        }
    }

    private bool IsSymbol(string text) => Current.Kind == BicepTokenKind.Symbol && string.Equals(Current.Text, text, StringComparison.Ordinal);

    private bool IsIdentifier(string text) => Current.Kind == BicepTokenKind.Identifier && string.Equals(Current.Text, text, StringComparison.Ordinal);

    private BicepToken Expect(BicepTokenKind kind)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected {kind}, found '{Current.Text}'");
        }
        return _tokens[_position++];
    }

    private string ExpectIdentifier() => Expect(BicepTokenKind.Identifier).Text;

    private void ExpectSymbol(string text)
    {
        if (!IsSymbol(text))
        {
            throw Error($"expected '{text}', found '{Current.Text}'");
        }
        _position++;
    }

    private static string Unquote(string literal) =>
        literal.Length >= 2 && literal[0] == '\'' && literal[^1] == '\'' ? literal[1..^1] : literal;

    private FormatException Error(string message) => BicepLexer.Error(_source, Current.Start, message);
}
