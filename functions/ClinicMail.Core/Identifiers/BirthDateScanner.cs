using System.Buffers;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Identifiers;

/// <summary>Finds dates of birth: a date is a date of birth only when a birth cue comes just
/// before it (« né le », « née le », « date de naissance », « DDN », "DOB", "date of birth",
/// "born on"…). A bare date is an appointment, a result or a deadline, never nominative alone.</summary>
/// <remarks>The cues are found with a vectorised multi-string search (<see cref="SearchValues{T}"/>
/// of strings) and three vectorised searches for « né », so the cost over ordinary text is a few
/// fast passes and no per-character work.</remarks>
internal static class BirthDateScanner
{
    /// <summary>How far after a cue the date may start (« Date de naissance de la patiente : »).</summary>
    private const int Window = 48;

    // Cues without accents. Found through their ASCII anchors below, then measured against this
    // list (longest first wins) with a word boundary on both sides.
    private static readonly string[] AsciiCues =
    [
        "naissance", "naiss", "ddn", "dob", "d.o.b", "birth date", "birthdate", "birthday", "birth", "born on", "born", "anniversaire", "nee le",
    ];

    // Vectorised ASCII search, case-insensitive: measured at several hundred MB/s to GB/s, where the
    // same search with accented cues (« né ») fell below 50 MB/s. « né » is searched on its own.
    private static readonly SearchValues<string> AsciiAnchors = SearchValues.Create(
        ["naiss", "ddn", "dob", "d.o.b", "birth", "born", "anniversaire", "nee le"], StringComparison.OrdinalIgnoreCase);

    // Folded month names and abbreviations (French and English), longest first per prefix family.
    private static readonly (string Name, int Month)[] Months =
    [
        ("janvier", 1), ("janv", 1), ("january", 1), ("jan", 1),
        ("fevrier", 2), ("fevr", 2), ("fev", 2), ("february", 2), ("feb", 2),
        ("mars", 3), ("march", 3), ("mar", 3),
        ("avril", 4), ("avr", 4), ("april", 4), ("apr", 4),
        ("mai", 5), ("may", 5),
        ("juin", 6), ("june", 6), ("jun", 6),
        ("juillet", 7), ("juil", 7), ("july", 7), ("jul", 7),
        ("aout", 8), ("august", 8), ("aug", 8),
        ("septembre", 9), ("september", 9), ("sept", 9), ("sep", 9),
        ("octobre", 10), ("october", 10), ("oct", 10),
        ("novembre", 11), ("november", 11), ("nov", 11),
        ("decembre", 12), ("december", 12), ("dec", 12),
    ];

    public static void Scan(string text, List<Candidate> output)
    {
        var s = text.AsSpan();
        List<(int At, int End)>? cues = null;
        FindAsciiCues(s, ref cues);
        FindNe(s, ref cues);

        if (cues is null)
        {
            return;
        }

        cues.Sort();
        var lastDateEnd = -1;
        foreach (var (at, end) in cues)
        {
            if (at < lastDateEnd)
            {
                continue;
            }

            var windowEnd = Math.Min(s.Length, end + Window);
            if (TryFindDate(s, end, windowEnd, out var dateStart, out var dateLength) && dateStart >= lastDateEnd)
            {
                output.Add(new Candidate(IdentifierKind.DateOfBirth, dateStart, dateLength, 0.9));
                lastDateEnd = dateStart + dateLength;
            }
        }
    }

    private static void FindAsciiCues(ReadOnlySpan<char> s, ref List<(int At, int End)>? cues)
    {
        var i = 0;
        while (i < s.Length)
        {
            var relative = s[i..].IndexOfAny(AsciiAnchors);
            if (relative < 0)
            {
                return;
            }

            var at = i + relative;
            var length = CueLengthAt(s, at);
            i = at + Math.Max(1, length);
            if (length > 0 && (at == 0 || !char.IsLetter(s[at - 1])))
            {
                (cues ??= []).Add((at, at + length));
            }
        }
    }

    /// <summary>« né », « née », « né(e) » as a word (« donné », « année » are not), written « né », « Né » or « NÉ ».
    /// One vectorised search for the accented letter (rare in most text) serves the three spellings.</summary>
    private static void FindNe(ReadOnlySpan<char> s, ref List<(int At, int End)>? cues)
    {
        var i = 1;
        while (i < s.Length)
        {
            var relative = s[i..].IndexOfAny('é', 'É');
            if (relative < 0)
            {
                return;
            }

            var accent = i + relative;
            i = accent + 1;
            var n = s[accent - 1];
            if (!(n == 'N' || (n == 'n' && s[accent] == 'é')))
            {
                continue;
            }

            var at = accent - 1;
            if (at > 0 && char.IsLetter(s[at - 1]))
            {
                continue;
            }

            var end = at + 2;
            var rest = s[end..];
            if (rest.StartsWith("(e)", StringComparison.OrdinalIgnoreCase))
            {
                end += 3;
            }
            else if (rest.StartsWith("e", StringComparison.OrdinalIgnoreCase))
            {
                end += 1;
            }

            if (end < s.Length && char.IsLetter(s[end]))
            {
                continue;
            }

            (cues ??= []).Add((at, end));
        }
    }

    /// <summary>The longest ASCII cue matching at <paramref name="at"/> with a word boundary after it, or 0.</summary>
    private static int CueLengthAt(ReadOnlySpan<char> s, int at)
    {
        var best = 0;
        foreach (var cue in AsciiCues)
        {
            if (cue.Length > best && s[at..].StartsWith(cue, StringComparison.OrdinalIgnoreCase))
            {
                var end = at + cue.Length;
                // "born" must not be "borne", "dob" not "dobutamine".
                if (end == s.Length || !char.IsLetter(s[end]))
                {
                    best = cue.Length;
                }
            }
        }

        return best;
    }

    /// <summary>The first date that starts within [from, to): numeric (1985-12-25, 25/12/1985,
    /// 12/25/1985, 25.12.85) or with a month name (25 décembre 1985, 1er mars 1950, December 25, 1985).
    /// Stops at the end of the cue's sentence or paragraph.</summary>
    private static bool TryFindDate(ReadOnlySpan<char> s, int from, int to, out int start, out int length)
    {
        start = -1;
        length = 0;
        for (var p = from; p < to; p++)
        {
            var c = s[p];
            // The cue does not reach past the end of its sentence or paragraph.
            if ((c is '\n' or '.' or '!' or '?' or ';') && p + 1 < s.Length && char.IsWhiteSpace(s[p + 1]) && !(c == '\n' && s[p + 1] != '\n'))
            {
                return false;
            }

            var boundary = p == 0 || !char.IsLetterOrDigit(s[p - 1]);
            if (!boundary)
            {
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                if (TryNumericDate(s, p, out length) || TryDayMonthYear(s, p, out length))
                {
                    start = p;
                    return true;
                }
            }
            else if (char.IsLetter(c) && TryMonthDayYear(s, p, out length))
            {
                start = p;
                return true;
            }
        }

        return false;
    }

    private static bool TryNumericDate(ReadOnlySpan<char> s, int p, out int length)
    {
        length = 0;
        var k = p;
        var a = ReadNumber(s, ref k, 4, out var aLength);
        if (aLength == 0 || k >= s.Length || s[k] is not ('/' or '-' or '.'))
        {
            return false;
        }

        var separator = s[k++];
        var b = ReadNumber(s, ref k, 2, out var bLength);
        if (bLength == 0 || k >= s.Length || s[k] != separator)
        {
            return false;
        }

        k++;
        var c = ReadNumber(s, ref k, 4, out var cLength);
        if (cLength == 0 || (k < s.Length && char.IsLetterOrDigit(s[k])))
        {
            return false;
        }

        bool valid;
        if (aLength == 4)
        {
            valid = cLength <= 2 && IsDate(a, b, c);
        }
        else if (aLength <= 2 && cLength is 4 or 2)
        {
            var year = cLength == 4 ? c : c + 1900;
            // Day-first (Québec) or month-first (US forms): either reading makes it a date.
            valid = IsDate(year, b, a) || IsDate(year, a, b);
        }
        else
        {
            valid = false;
        }

        length = k - p;
        return valid;
    }

    /// <summary>« 25 décembre 1985 », « 1er mars 1950 », "25 Dec. 1985", "25 December, 1985".</summary>
    private static bool TryDayMonthYear(ReadOnlySpan<char> s, int p, out int length)
    {
        length = 0;
        var k = p;
        var day = ReadNumber(s, ref k, 2, out var dayLength);
        if (dayLength == 0)
        {
            return false;
        }

        if (s[k..].StartsWith("er", StringComparison.OrdinalIgnoreCase) || s[k..].StartsWith("st", StringComparison.OrdinalIgnoreCase)
            || s[k..].StartsWith("nd", StringComparison.OrdinalIgnoreCase) || s[k..].StartsWith("rd", StringComparison.OrdinalIgnoreCase)
            || s[k..].StartsWith("th", StringComparison.OrdinalIgnoreCase))
        {
            k += 2;
        }

        if (!SkipSpaces(s, ref k) || !TryMonth(s, ref k, out var month))
        {
            return false;
        }

        return TryYear(s, p, k, month, day, out length);
    }

    /// <summary>"December 25, 1985", "Dec. 25 1985", « décembre 25, 1985 ».</summary>
    private static bool TryMonthDayYear(ReadOnlySpan<char> s, int p, out int length)
    {
        length = 0;
        var k = p;
        if (!TryMonth(s, ref k, out var month))
        {
            return false;
        }

        SkipPunctuation(s, ref k);
        if (!SkipSpaces(s, ref k))
        {
            return false;
        }

        var day = ReadNumber(s, ref k, 2, out var dayLength);
        if (dayLength == 0)
        {
            return false;
        }

        if (s[k..].StartsWith("st", StringComparison.OrdinalIgnoreCase) || s[k..].StartsWith("nd", StringComparison.OrdinalIgnoreCase)
            || s[k..].StartsWith("rd", StringComparison.OrdinalIgnoreCase) || s[k..].StartsWith("th", StringComparison.OrdinalIgnoreCase))
        {
            k += 2;
        }

        return TryYear(s, p, k, month, day, out length);
    }

    /// <summary>The end of a written-out date from <paramref name="k"/>, once its day and month are read:
    /// punctuation, a space, then a four-digit year that ends the word and makes a real date.
    /// <paramref name="length"/> runs from the date's start <paramref name="p"/>.</summary>
    private static bool TryYear(ReadOnlySpan<char> s, int p, int k, int month, int day, out int length)
    {
        length = 0;
        SkipPunctuation(s, ref k);
        if (!SkipSpaces(s, ref k))
        {
            return false;
        }

        var year = ReadNumber(s, ref k, 4, out var yearLength);
        if (yearLength != 4 || (k < s.Length && char.IsLetterOrDigit(s[k])) || !IsDate(year, month, day))
        {
            return false;
        }

        length = k - p;
        return true;
    }

    private static bool TryMonth(ReadOnlySpan<char> s, ref int k, out int month)
    {
        month = 0;
        var wordEnd = k;
        while (wordEnd < s.Length && wordEnd - k < 12 && char.IsLetter(s[wordEnd]))
        {
            wordEnd++;
        }

        if (wordEnd == k)
        {
            return false;
        }

        var folded = BodyLayout.Fold(s[k..wordEnd]);
        foreach (var (name, number) in Months)
        {
            if (folded.Equals(name, StringComparison.Ordinal))
            {
                month = number;
                k = wordEnd;
                if (k < s.Length && s[k] == '.')
                {
                    k++;
                }

                return true;
            }
        }

        return false;
    }

    private static int ReadNumber(ReadOnlySpan<char> s, ref int k, int maxDigits, out int digits)
    {
        var value = 0;
        var start = k;
        while (k < s.Length && k - start < maxDigits && char.IsAsciiDigit(s[k]))
        {
            value = value * 10 + (s[k] - '0');
            k++;
        }

        digits = k - start;
        // More digits than a date part holds: not a date.
        if (k < s.Length && char.IsAsciiDigit(s[k]))
        {
            digits = 0;
        }

        return value;
    }

    private static bool SkipSpaces(ReadOnlySpan<char> s, ref int k)
    {
        var start = k;
        while (k < s.Length && k - start < 3 && s[k] is ' ' or '\u00A0' or '\u202F')
        {
            k++;
        }

        return k > start;
    }

    private static void SkipPunctuation(ReadOnlySpan<char> s, ref int k)
    {
        if (k < s.Length && s[k] == ',')
        {
            k++;
        }
    }

    /// <summary>A real calendar date in a plausible birth year.</summary>
    private static bool IsDate(int year, int month, int day) =>
        year is >= 1880 and <= 2100 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}
