namespace ClinicMail.Core.Text;

/// <summary>Where the greeting, the closing formula and the signature block sit in the
/// physician's new text. Shared by the etiquette checker (which wants them present) and the
/// identifier detector (which must not count the professional phone the signature has to carry).</summary>
/// <remarks>Heuristic and small on purpose: it only looks at the first line and at the last
/// <see cref="TailLines"/> non-empty lines, so its cost does not grow with the body.</remarks>
internal sealed record BodyLayout
{
    /// <summary>How many non-empty lines at the end of the body may hold the closing and the signature.</summary>
    public const int TailLines = 12;

    /// <summary>Lines longer than this are prose, not a closing formula or a signature line.</summary>
    public const int MaxShortLine = 80;

    /// <summary>The first non-empty line, or null when the body is empty.</summary>
    public required LineSpan? FirstLine { get; init; }

    /// <summary>The line holding the closing formula (« Cordialement, », "Best regards,"), or null.</summary>
    public required LineSpan? ClosingLine { get; init; }

    /// <summary>Offset in the body where the signature block starts, or -1 when none was recognised.</summary>
    public required int SignatureStart { get; init; }

    /// <summary>The lines the signature block (if any) spans, or the last paragraph when no block was
    /// recognised: where the etiquette check looks for the name, M.D., specialty and phone.</summary>
    public required int SignatureSearchStart { get; init; }

    // « Toujours débuter par une salutation » — folded (lower case, no accents).
    private static readonly string[] Greetings =
    [
        "bonjour", "bonsoir", "bon matin", "salut", "allo", "madame", "monsieur", "mesdames", "messieurs", "mme", "mlle", "m.",
        "cher", "chere", "chers", "cheres", "docteur", "docteure", "dr", "dre", "coucou",
        "hello", "hi", "hey", "dear", "good morning", "good afternoon", "good evening", "greetings", "mr", "mrs", "ms",
    ];

    // « Terminer avec une formule de politesse appropriée » — folded, longest first where one is a prefix of another.
    private static readonly string[] Closings =
    [
        "bien cordialement", "cordialement", "bien a vous", "bonne fin de journee", "bonne journee", "bonne soiree",
        "bonne fin de semaine", "bonne semaine", "meilleures salutations", "sinceres salutations", "salutations", "au plaisir",
        "a bientot", "merci beaucoup", "merci", "veuillez agreer", "recevez", "prenez soin de vous", "amicalement",
        "best regards", "kind regards", "warm regards", "warmest regards", "regards", "yours sincerely", "sincerely", "yours truly",
        "best wishes", "all the best", "best", "thank you", "thanks", "take care", "respectfully", "cheers",
    ];

    // Titles a physician's signature line starts with (case-sensitive: "dr" inside prose is not a title).
    private static readonly string[] Titles = ["Dr", "Dre", "Dr.", "Dre.", "Docteur", "Docteure", "Doctor"];

    public static BodyLayout Analyze(string body)
    {
        var lines = NonEmptyLines(body);
        if (lines.Count == 0)
        {
            return new BodyLayout { FirstLine = null, ClosingLine = null, SignatureStart = -1, SignatureSearchStart = body.Length };
        }

        var tailFrom = Math.Max(0, lines.Count - TailLines);
        // The greeting line cannot also be the closing: keep it out of the tail.
        if (tailFrom == 0)
        {
            tailFrom = 1;
        }

        LineSpan? closing = null;
        var closingEnd = -1;
        for (var i = lines.Count - 1; i >= tailFrom; i--)
        {
            var line = lines[i];
            if (line.Length <= MaxShortLine && StartsWithPhrase(body.AsSpan(line.Start, line.Length), Closings, out var phraseLength))
            {
                closing = line;
                closingEnd = line.Start + phraseLength;
                break;
            }
        }

        var signatureStart = -1;
        if (closing is { } c)
        {
            // "Cordialement, Dre Émilie Boisvert" keeps the name on the closing line.
            var rest = body.AsSpan(closingEnd, c.End - closingEnd);
            var restTrimmed = rest.TrimStart(" ,.!;:-—\t".AsSpan());
            if (!restTrimmed.IsEmpty)
            {
                signatureStart = c.End - restTrimmed.Length;
            }
            else
            {
                var index = lines.IndexOf(c);
                if (index + 1 < lines.Count)
                {
                    signatureStart = lines[index + 1].Start;
                }
            }
        }
        else
        {
            signatureStart = FindSignatureWithoutClosing(body, lines, tailFrom);
        }

        var searchStart = signatureStart >= 0 ? signatureStart : LastParagraphStart(body, lines);
        return new BodyLayout { FirstLine = lines[0], ClosingLine = closing, SignatureStart = signatureStart, SignatureSearchStart = searchStart };
    }

    /// <summary>True when the first non-empty line starts with a greeting word.</summary>
    public bool HasGreeting(string body) =>
        FirstLine is { } first && StartsWithPhrase(body.AsSpan(first.Start, first.Length), Greetings, out _);

    /// <summary>Without a closing formula, the signature is the last paragraph's first line that
    /// starts with a title (Dr, Dre…) or carries "M.D."/"MD", or the line after a "-- " delimiter.</summary>
    private static int FindSignatureWithoutClosing(string body, List<LineSpan> lines, int tailFrom)
    {
        for (var i = lines.Count - 1; i >= tailFrom; i--)
        {
            var text = body.AsSpan(lines[i].Start, lines[i].Length).Trim();
            if (text is "--" or "—" or "__")
            {
                return i + 1 < lines.Count ? lines[i + 1].Start : -1;
            }
        }

        var paragraphStart = LastParagraphStart(body, lines);
        foreach (var line in lines)
        {
            if (line.Start < paragraphStart || line.Length > MaxShortLine)
            {
                continue;
            }

            var text = body.AsSpan(line.Start, line.Length);
            if (StartsWithTitle(text) || HasMdToken(text))
            {
                return line.Start;
            }
        }

        return -1;
    }

    /// <summary>Start of the last block of consecutive non-empty lines.</summary>
    private static int LastParagraphStart(string body, List<LineSpan> lines)
    {
        var start = lines[^1].Start;
        for (var i = lines.Count - 2; i >= 0; i--)
        {
            // Only a newline (and spaces) between the two lines: same paragraph.
            var gap = body.AsSpan(lines[i].End, lines[i + 1].Start - lines[i].End);
            if (gap.Count('\n') > 1)
            {
                break;
            }

            start = lines[i].Start;
        }

        return start;
    }

    public static bool StartsWithTitle(ReadOnlySpan<char> line)
    {
        line = line.TrimStart();
        foreach (var title in Titles)
        {
            if (line.StartsWith(title, StringComparison.Ordinal) && (line.Length == title.Length || !char.IsLetterOrDigit(line[title.Length])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"M.D.", "M.D", "MD" as a token (case-sensitive: "md" in prose is not the degree).</summary>
    public static bool HasMdToken(ReadOnlySpan<char> line)
    {
        return ContainsToken(line, "M.D") || ContainsToken(line, "MD");

        static bool ContainsToken(ReadOnlySpan<char> text, string token)
        {
            var offset = 0;
            while (offset < text.Length)
            {
                var index = text[offset..].IndexOf(token, StringComparison.Ordinal);
                if (index < 0)
                {
                    return false;
                }

                var at = offset + index;
                var end = at + token.Length;
                var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
                var after = end == text.Length || !char.IsLetterOrDigit(text[end]);
                if (before && after)
                {
                    return true;
                }

                offset = at + 1;
            }

            return false;
        }
    }

    /// <summary>Whether the line, folded, starts with one of the phrases followed by a word boundary.</summary>
    public static bool StartsWithPhrase(ReadOnlySpan<char> line, string[] phrases, out int length)
    {
        var trimmed = line.TrimStart();
        var leading = line.Length - trimmed.Length;
        line = trimmed;
        length = 0;
        Span<char> folded = stackalloc char[Math.Min(line.Length, 64)];
        Fold(line[..folded.Length], folded);
        foreach (var phrase in phrases)
        {
            if (folded.StartsWith(phrase, StringComparison.Ordinal)
                && (folded.Length == phrase.Length || !char.IsLetterOrDigit(folded[phrase.Length]) || phrase.EndsWith('.')))
            {
                length = leading + phrase.Length;
                return true;
            }
        }

        return false;
    }

    /// <summary>Lower case without French diacritics, typographic apostrophe as ASCII: the form every
    /// lexicon here is written in. Same length as the input so offsets carry over.</summary>
    public static void Fold(ReadOnlySpan<char> source, Span<char> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = FoldChar(source[i]);
        }
    }

    public static string Fold(ReadOnlySpan<char> source)
    {
        return string.Create(source.Length, source.ToString(), static (dest, s) => Fold(s, dest));
    }

    public static char FoldChar(char c) => char.ToLowerInvariant(c) switch
    {
        'à' or 'â' or 'ä' or 'á' => 'a',
        'é' or 'è' or 'ê' or 'ë' => 'e',
        'î' or 'ï' or 'í' => 'i',
        'ô' or 'ö' or 'ó' => 'o',
        'ù' or 'û' or 'ü' or 'ú' => 'u',
        'ç' => 'c',
        '’' or 'ʼ' => '\'',
        '\u00A0' or '\u202F' => ' ',
        var lower => lower,
    };

    private static List<LineSpan> NonEmptyLines(string body)
    {
        var lines = new List<LineSpan>();
        var start = 0;
        while (start <= body.Length)
        {
            var newline = body.IndexOf('\n', start);
            var end = newline < 0 ? body.Length : newline;
            var line = body.AsSpan(start, end - start);
            var trimmedEnd = line.TrimEnd();
            var trimmed = trimmedEnd.TrimStart();
            if (!trimmed.IsEmpty)
            {
                var lead = trimmedEnd.Length - trimmed.Length;
                lines.Add(new LineSpan(start + lead, trimmed.Length));
            }

            if (newline < 0)
            {
                break;
            }

            start = newline + 1;
        }

        return lines;
    }
}

/// <summary>A line of the body: offset and length of its text without surrounding whitespace.</summary>
internal readonly record struct LineSpan(int Start, int Length)
{
    public int End => Start + Length;
}
