namespace ClinicMail.Core.Topics;

/// <summary>Folds one word the way both the lexicon and the checked text are folded, so that
/// "Dépressions", "depression" and "DÉPRESSION" meet on the same key. The same function runs over
/// the lexicon at start-up and over every token at check time: whatever it does, it does to both.</summary>
internal static class TermNormalizer
{
    /// <summary>Longest folded word we stem and look up; longer runs (URLs, hashes) are never terms.</summary>
    public const int MaxWord = 40;

    /// <summary>Multiplier of the polynomial word hash (odd, so the hash is a bijection per length).</summary>
    public const ulong HashBase = 1099511628211UL;

    /// <summary>'\0' for a separator; otherwise the lowercase unaccented letter or digit. Covers Latin-1 and
    /// Latin Extended-A, which is every letter French and English mail is written in.</summary>
    private static readonly char[] Fold = BuildFoldTable();

    /// <summary>Powers of <see cref="HashBase"/> used to derive the hash of a one-letter edit in O(1).</summary>
    public static readonly ulong[] Powers = BuildPowers();

    private static char[] BuildFoldTable()
    {
        var table = new char[0x180];
        for (var c = '0'; c <= '9'; c++)
        {
            table[c] = c;
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            table[c] = c;
            table[char.ToUpperInvariant(c)] = c;
        }

        // Accented letters: decompose (NFD) and keep the base letter. Done once, here, so the hot loop is a lookup.
        for (var c = (char)0xC0; c < 0x180; c++)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }

            var decomposed = c.ToString().Normalize(System.Text.NormalizationForm.FormD);
            var baseLetter = char.ToLowerInvariant(decomposed[0]);
            if (baseLetter is >= 'a' and <= 'z')
            {
                table[c] = baseLetter;
            }
        }

        table[0xB5] = 'u'; // micro sign, as in "µg"
        table[0xDF] = 's'; // ß
        table[0xE6] = 'a'; // æ (the 'e' is appended by the tokenizer)
        table[0xC6] = 'a';
        table[0x153] = 'o'; // œ as in "cœur", "œdème" (the 'e' is appended by the tokenizer)
        table[0x152] = 'o';
        table[0xF8] = 'o';
        table[0xD8] = 'o';
        table[0x131] = 'i';
        return table;
    }

    private static ulong[] BuildPowers()
    {
        var powers = new ulong[MaxWord + 2];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = unchecked(powers[i - 1] * HashBase);
        }

        return powers;
    }

    /// <summary>The folded form of <paramref name="c"/>, or '\0' when it separates words.</summary>
    public static char FoldChar(char c)
    {
        if (c < (char)Fold.Length)
        {
            return Fold[c];
        }

        // Letters of other scripts are kept (lowercased) so they never glue two Latin words together.
        return char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '\0';
    }

    /// <summary>True for the ligatures that fold to two letters (œ → oe, æ → ae).</summary>
    public static bool FoldsToTwo(char c) => c is (char)0x153 or (char)0x152 or (char)0xE6 or (char)0xC6;

    public static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC';

    /// <summary>Light stemming in place: plural and feminine endings of French and English, then doubled
    /// letters collapsed (which also absorbs the commonest phone typo, a doubled or missing double letter).
    /// Returns the new length. Never shortens a word below four letters, so "décès" does not become "dec".</summary>
    public static int Stem(Span<char> w) => w.Length >= 5 && HasDigit(w) ? w.Length : StemLetters(w);

    /// <summary><see cref="Stem"/> for a word the caller knows holds no digit (the tokenizer tracks it while folding).</summary>
    public static int StemLetters(Span<char> w)
    {
        var n = w.Length;

        // "mentaux" → "mental", "hormonaux" → "hormonal" (but "eaux" is a plain plural: "nouveaux").
        if (n >= 5 && w[n - 1] == 'x' && w[n - 2] == 'u' && w[n - 3] == 'a' && w[n - 4] != 'e')
        {
            w[n - 2] = 'l';
            n--;
        }
        else if (n >= 5 && (w[n - 1] == 's' || w[n - 1] == 'x'))
        {
            n--;
        }

        // "anxieuse" → "anxieu" (= "anxieux" without its x); "positive" → "positif".
        if (n >= 6 && w[n - 1] == 'e' && w[n - 2] == 's' && w[n - 3] == 'u' && w[n - 4] == 'e')
        {
            n -= 2;
        }
        else if (n >= 5 && w[n - 1] == 'e' && w[n - 2] == 'v' && w[n - 3] == 'i')
        {
            w[n - 2] = 'f';
            n--;
        }
        else if (n >= 3 && w[n - 1] == 'y')
        {
            // "therapy" and "thérapie" meet on "therapi".
            w[n - 1] = 'i';
        }

        // Feminine and silent final e: "déprimée" / "déprimé" → "deprim".
        for (var k = 0; k < 2 && n >= 5 && w[n - 1] == 'e'; k++)
        {
            n--;
        }

        // Collapse doubled letters: "sexuelle" → "sexuel", "syphillis" → "syphilis", "ITSS" → "its";
        // and read "ph" as "f", the commonest spelling slip ("schizofrénie", "lymfome").
        var write = 1;
        for (var read = 1; read < n; read++)
        {
            var c = w[read];
            if (c == 'h' && w[write - 1] == 'p')
            {
                w[write - 1] = 'f';
                continue;
            }

            if (c == w[write - 1] && c is >= 'a' and <= 'z')
            {
                continue;
            }

            w[write++] = c;
        }

        return n == 0 ? 0 : write;
    }

    public static ulong Hash(ReadOnlySpan<char> w)
    {
        ulong h = 0;
        foreach (var c in w)
        {
            h = unchecked((h * HashBase) + c);
        }

        return h;
    }

    public static bool IsAsciiLetters(ReadOnlySpan<char> w)
    {
        foreach (var c in w)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasDigit(ReadOnlySpan<char> w)
    {
        foreach (var c in w)
        {
            if (c is >= '0' and <= '9')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="a"/> becomes <paramref name="b"/> by one inserted or deleted
    /// letter or one swap of adjacent letters: the phone typos the detector forgives in longer words.</summary>
    public static bool IsOneTypoApart(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length == b.Length)
        {
            var i = 0;
            while (i < a.Length && a[i] == b[i])
            {
                i++;
            }

            return i < a.Length - 1 && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)..].SequenceEqual(b[(i + 2)..]);
        }

        if (Math.Abs(a.Length - b.Length) != 1)
        {
            return false;
        }

        var longer = a.Length > b.Length ? a : b;
        var shorter = a.Length > b.Length ? b : a;
        var j = 0;
        while (j < shorter.Length && longer[j] == shorter[j])
        {
            j++;
        }

        return longer[(j + 1)..].SequenceEqual(shorter[j..]);
    }
}
