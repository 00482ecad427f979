namespace ClinicMail.Infra.Tests.Bicep;

public enum BicepTokenKind
{
    Identifier,
    String,
    Number,
    Symbol,
    Newline,
    End,
}

public readonly record struct BicepToken(BicepTokenKind Kind, string Text, int Start, int End);

// Splits Bicep source into tokens. Strings are scanned with their interpolations ('${a}{b}' holds
// braces that must not count as structure), comments are dropped, newlines are kept because they
// end statements and object properties in Bicep.
public static class BicepLexer
{
    private static readonly string[] TwoCharSymbols = ["==", "!=", ">=", "<=", "&&", "||", "??", "=>", "=~", "!~", ".?"];

    public static IReadOnlyList<BicepToken> Tokenize(string source)
    {
        var tokens = new List<BicepToken>();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c is ' ' or '\t' or '\r')
            {
                i++;
            }
            else if (c == '\n')
            {
                tokens.Add(new BicepToken(BicepTokenKind.Newline, "\n", i, i + 1));
                i++;
            }
            else if (c == '/' && Peek(source, i + 1) == '/')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && Peek(source, i + 1) == '*')
            {
                var close = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Error(source, i, "unterminated block comment");
                }
                i = close + 2;
            }
            else if (c == '\'')
            {
                var end = ScanString(source, i);
                tokens.Add(new BicepToken(BicepTokenKind.String, source[i..end], i, end));
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new BicepToken(BicepTokenKind.Identifier, source[start..i], start, i));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < source.Length && char.IsDigit(source[i]))
                {
                    i++;
                }
                tokens.Add(new BicepToken(BicepTokenKind.Number, source[start..i], start, i));
            }
            else
            {
                var two = i + 1 < source.Length ? source.Substring(i, 2) : string.Empty;
                var length = Array.IndexOf(TwoCharSymbols, two) >= 0 ? 2 : 1;
                tokens.Add(new BicepToken(BicepTokenKind.Symbol, source.Substring(i, length), i, i + length));
                i += length;
            }
        }
        tokens.Add(new BicepToken(BicepTokenKind.End, string.Empty, source.Length, source.Length));
        return tokens;
    }

    // Returns the index just past the string that starts at 'start' (a single quote).
    private static int ScanString(string source, int start)
    {
        if (string.CompareOrdinal(source, start, "'''", 0, 3) == 0)
        {
            var close = source.IndexOf("'''", start + 3, StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error(source, start, "unterminated multi-line string");
            }
            return close + 3;
        }

        var i = start + 1;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\\')
            {
                i += 2;
            }
            else if (c == '\'')
            {
                return i + 1;
            }
            else if (c == '$' && Peek(source, i + 1) == '{')
            {
                i = ScanInterpolation(source, i + 2);
            }
            else if (c == '\n')
            {
                throw Error(source, start, "newline inside a single-line string");
            }
            else
            {
                i++;
            }
        }
        throw Error(source, start, "unterminated string");
    }

    // Scans an interpolation body up to and including its closing brace; nested strings may hold braces.
    private static int ScanInterpolation(string source, int i)
    {
        var depth = 1;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\'')
            {
                i = ScanString(source, i);
                continue;
            }
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                if (depth == 0)
                {
                    return i + 1;
                }
            }
            i++;
        }
        throw Error(source, i, "unterminated interpolation");
    }

    private static char Peek(string source, int i) => i < source.Length ? source[i] : '\0';

    internal static FormatException Error(string source, int position, string message)
    {
        var line = 1 + source.AsSpan(0, Math.Min(position, source.Length)).Count('\n');
        return new FormatException($"Bicep line {line}: {message}");
    }
}
