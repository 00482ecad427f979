namespace ClinicMail.Infrastructure.Keys;

/// <summary>Reads the parameters of the Bearer challenge in a WWW-Authenticate header
/// (RFC 7235 auth-params: <c>Bearer name="quoted", name=token, ...</c>). Azure.Core has a parser
/// but keeps it internal.</summary>
internal static class BearerChallenge
{
    /// <summary>The Bearer challenge's parameters (names lower-cased), or null when the header has none.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var span = header.AsSpan();
        var position = 0;
        Dictionary<string, string>? bearer = null;
        Dictionary<string, string>? current = null;
        while (position < span.Length)
        {
            while (position < span.Length && (span[position] == ',' || char.IsWhiteSpace(span[position])))
            {
                position++;
            }

            var start = position;
            while (position < span.Length && span[position] != '=' && span[position] != ',' && !char.IsWhiteSpace(span[position]))
            {
                position++;
            }

            var token = span[start..position].ToString();
            if (token.Length == 0)
            {
                break;
            }

            if (position >= span.Length || span[position] != '=')
            {
                // A token with no '=' starts a new challenge (scheme).
                current = token.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && bearer is null
                    ? bearer = new Dictionary<string, string>(StringComparer.Ordinal)
                    : null;
                continue;
            }

            position++;
            string value;
            if (position < span.Length && span[position] == '"')
            {
                position++;
                var valueStart = position;
                while (position < span.Length && span[position] != '"')
                {
                    position++;
                }

                value = span[valueStart..position].ToString();
                position++;
            }
            else
            {
                var valueStart = position;
                while (position < span.Length && span[position] != ',' && !char.IsWhiteSpace(span[position]))
                {
                    position++;
                }

                value = span[valueStart..position].ToString();
            }

            current?.TryAdd(token.ToLowerInvariant(), value);
        }

        return bearer;
    }
}
