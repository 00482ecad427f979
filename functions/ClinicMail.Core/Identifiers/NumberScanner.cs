using ClinicMail.Core.Text;

namespace ClinicMail.Core.Identifiers;

/// <summary>A raw match: what, where in the segment text, how sure; <see cref="Key"/> is the
/// canonical digits of a phone (to recognise the signature's number elsewhere).</summary>
internal readonly record struct Candidate(IdentifierKind Kind, int Start, int Length, double Confidence, string? Key = null);

/// <summary>Hand-written, single-pass scanner for the numeric identifiers: RAMQ numbers, SINs,
/// North American phone numbers and Canadian postal codes.</summary>
/// <remarks>
/// Text is mostly letters, so the scanner jumps from digit to digit with a vectorised search and
/// only then looks around. At a digit it reads a "chain": digit groups joined by at most three
/// separator characters (spaces, a hyphen or a dot, parentheses), then decides what the groups
/// spell. No regular expression, no backtracking: linear in the text whatever the input.
/// False positives are kept down by structure (exact group shapes, checksums, calendar checks) and
/// by refusing numbers glued to letters, decimals ("1,1"), amounts and numbers introduced as an
/// invoice, order or reference number.
/// </remarks>
internal static class NumberScanner
{
    private const int MaxGroups = 8;

    // Words that introduce a number that is not about a person: the SIN/phone shapes after them are
    // invoice, order, confirmation or tracking numbers. Folded (lower case, no accents).
    private static readonly string[] ReferenceWords =
    [
        "facture", "invoice", "commande", "order", "ref", "reference", "confirmation", "transaction", "suivi", "tracking",
        "lot", "compte", "account", "requete", "requisition", "ticket", "billet", "serie", "serial", "colis", "parcel",
    ];

    // Words that make a 9-digit number a SIN with near certainty. Folded.
    private static readonly string[] SinWords = ["nas", "sin", "assurance sociale", "social insurance", "ssn"];

    // Toll-free area codes: numbers of services and helplines (Info-Social, J'ARRÊTE, Tel-jeunes…),
    // never of a patient, so they do not make a message nominative.
    private static readonly int[] TollFree = [800, 833, 844, 855, 866, 877, 888];

    public static void Scan(string text, List<Candidate> output)
    {
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var relative = span[i..].IndexOfAnyInRange('0', '9');
            if (relative < 0)
            {
                return;
            }

            i += relative;
            if (i > 0 && IsAsciiLetter(span[i - 1]) && TryPostalCode(span, i - 1, out var postalLength, out var postalConfidence))
            {
                output.Add(new Candidate(IdentifierKind.PostalCode, i - 1, postalLength, postalConfidence));
                i = i - 1 + postalLength;
                continue;
            }

            i = ScanChain(text, i, output);
        }
    }

    /// <summary>Reads the chain of digit groups at <paramref name="start"/>, classifies it, and
    /// returns where scanning resumes.</summary>
    private static int ScanChain(string text, int start, List<Candidate> output)
    {
        var s = text.AsSpan();
        Span<int> groupStart = stackalloc int[MaxGroups];
        Span<int> groupLength = stackalloc int[MaxGroups];
        var groups = 0;
        var j = start;
        while (true)
        {
            var g = j;
            while (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                j++;
            }

            groupStart[groups] = g;
            groupLength[groups] = j - g;
            groups++;
            if (groups == MaxGroups)
            {
                break;
            }

            var k = j;
            var punctuation = 0;
            while (k < s.Length && k - j < 3 && IsSeparator(s[k]))
            {
                if (s[k] is '-' or '.' or '\u2011' or '\u2010')
                {
                    punctuation++;
                }

                k++;
            }

            if (k == j || punctuation > 1 || k >= s.Length || !char.IsAsciiDigit(s[k]))
            {
                break;
            }

            j = k;
        }

        var chainEnd = groupStart[groups - 1] + groupLength[groups - 1];
        if (groups == MaxGroups)
        {
            // Skip the rest of an endless chain (a table of numbers, hostile input) in one go.
            while (chainEnd < s.Length && (char.IsAsciiDigit(s[chainEnd]) || IsSeparator(s[chainEnd])))
            {
                chainEnd++;
            }

            return chainEnd;
        }

        var before = start > 0 ? s[start - 1] : ' ';
        var gluedToLetters = char.IsLetter(before)
            || (before is '-' or '.' or '/' && start > 1 && char.IsLetterOrDigit(s[start - 2]));
        // A decimal or an amount: "1,1", "3.5", "1 234,56 $" are never identifiers.
        var decimalAfter = chainEnd + 1 < s.Length && s[chainEnd] is ',' or '.' && char.IsAsciiDigit(s[chainEnd + 1]);
        var decimalBefore = start > 1 && before is ',' && char.IsAsciiDigit(s[start - 2]);
        var glueAfter = chainEnd < s.Length && char.IsLetter(s[chainEnd]);

        var consumed = 0;
        if (TryRamq(s, start, groupLength[..groups], out var ramqStart, out var ramqGroups))
        {
            var end = groupStart[ramqGroups - 1] + groupLength[ramqGroups - 1];
            output.Add(new Candidate(IdentifierKind.Ramq, ramqStart, end - ramqStart, 0.95));
            consumed = ramqGroups;
        }

        if (gluedToLetters && consumed == 0)
        {
            return chainEnd;
        }

        // Phones and SINs have at least nine digits: shorter chains ("2 semaines", "38,3") stop here.
        var digitCount = 0;
        for (var g = consumed; g < groups; g++)
        {
            digitCount += groupLength[g];
        }

        if (digitCount < 9)
        {
            return chainEnd;
        }

        if (decimalAfter || decimalBefore || IsAmount(s, start, chainEnd) || IsReference(s, start))
        {
            return chainEnd;
        }

        // Several numbers may follow each other ("514 555-0101 ou 450 555-0102" is two chains, but
        // "514 555-0101 450 555-0102" is one): match left to right at group boundaries.
        var a = consumed;
        while (a < groups)
        {
            var matched = TryPhone(text, groupStart, groupLength, a, groups, glueAfter, output)
                ?? TrySin(text, groupStart, groupLength, a, groups, glueAfter, output);
            a = matched ?? a + 1;
        }

        return chainEnd;
    }

    private static int? TryPhone(string text, Span<int> groupStart, Span<int> groupLength, int a, int groups, bool glueAfter, List<Candidate> output)
    {
        var s = text.AsSpan();
        int areaGroup;
        int last;
        var countryCode = groupLength[a] == 1 && s[groupStart[a]] == '1';
        var first = countryCode ? a + 1 : a;

        if (first + 2 < groups && groupLength[first] == 3 && groupLength[first + 1] == 3 && groupLength[first + 2] == 4)
        {
            areaGroup = first;
            last = first + 2;
        }
        else if (first < groups && groupLength[first] == 10 && (countryCode || !HasPlus(s, groupStart[a])))
        {
            areaGroup = first;
            last = first;
        }
        else if (!countryCode && groupLength[a] == 11 && s[groupStart[a]] == '1')
        {
            areaGroup = -1;
            last = a;
        }
        else
        {
            return null;
        }

        if (last + 1 == groups && glueAfter)
        {
            return null;
        }

        // Digits of the ten-digit national number (a leading country code 1 dropped).
        Span<char> all = stackalloc char[11];
        var n = 0;
        for (var g = a; g <= last; g++)
        {
            foreach (var c in s.Slice(groupStart[g], groupLength[g]))
            {
                if (n == all.Length)
                {
                    return null;
                }

                all[n++] = c;
            }
        }

        if (n == 11 && all[0] == '1')
        {
            all = all[1..];
            n = 10;
        }

        if (n != 10)
        {
            return null;
        }

        var digits = all[..10];
        var area = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
        var exchangeFirst = digits[3] - '0';
        // NANP: area code and exchange start with 2–9; N11 codes are services (911, 811…).
        if (digits[0] < '2' || exchangeFirst < 2 || (digits[1] == '1' && digits[2] == '1') || (digits[4] == '1' && digits[5] == '1'))
        {
            return null;
        }

        if (Array.IndexOf(TollFree, area) >= 0)
        {
            return last + 1;
        }

        var start = groupStart[a];
        if (start > 0 && s[start - 1] == '+')
        {
            start--;
        }
        else if (start > 0 && s[start - 1] == '(' && !countryCode)
        {
            start--;
        }

        var end = groupStart[last] + groupLength[last];
        end += ExtensionLength(s, end);
        var formatted = areaGroup >= 0 && groupLength[areaGroup] == 3;
        output.Add(new Candidate(IdentifierKind.Phone, start, end - start, formatted ? 0.9 : 0.6, new string(digits)));
        return last + 1;
    }

    private static bool HasPlus(ReadOnlySpan<char> s, int start) => start > 0 && s[start - 1] == '+';

    /// <summary>"poste 123", "ext. 123", "x123", "#123" right after a phone number.</summary>
    private static int ExtensionLength(ReadOnlySpan<char> s, int end)
    {
        var k = end;
        while (k < s.Length && k - end < 3 && s[k] is ' ' or ',' or '\u00A0')
        {
            k++;
        }

        var rest = s[k..];
        string[] words = ["poste", "ext.", "ext", "x", "#"];
        foreach (var word in words)
        {
            if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                var d = k + word.Length;
                while (d < s.Length && d - (k + word.Length) < 2 && s[d] is ' ' or '\u00A0' or '.' or ':')
                {
                    d++;
                }

                var digitsStart = d;
                while (d < s.Length && d - digitsStart < 6 && char.IsAsciiDigit(s[d]))
                {
                    d++;
                }

                if (d > digitsStart && (d == s.Length || !char.IsLetterOrDigit(s[d])))
                {
                    return d - end;
                }

                return 0;
            }
        }

        return 0;
    }

    private static int? TrySin(string text, Span<int> groupStart, Span<int> groupLength, int a, int groups, bool glueAfter, List<Candidate> output)
    {
        var s = text.AsSpan();
        int last;
        if (a + 2 < groups && groupLength[a] == 3 && groupLength[a + 1] == 3 && groupLength[a + 2] == 3)
        {
            last = a + 2;
            var sep1 = s.Slice(groupStart[a] + 3, groupStart[a + 1] - groupStart[a] - 3);
            var sep2 = s.Slice(groupStart[a + 1] + 3, groupStart[a + 2] - groupStart[a + 1] - 3);
            if (!sep1.SequenceEqual(sep2) || sep1.ContainsAny('(', ')'))
            {
                return null;
            }

            // "123 456 789 012": a longer number written in threes, not a SIN.
            if (last + 1 < groups && groupLength[last + 1] == 3)
            {
                return null;
            }
        }
        else if (groupLength[a] == 9)
        {
            last = a;
        }
        else
        {
            return null;
        }

        if (last + 1 == groups && glueAfter)
        {
            return null;
        }

        Span<int> digits = stackalloc int[9];
        var n = 0;
        for (var g = a; g <= last; g++)
        {
            foreach (var c in s.Slice(groupStart[g], groupLength[g]))
            {
                digits[n++] = c - '0';
            }
        }

        // Service Canada never issues SINs starting with 0 or 8.
        if (digits[0] is 0 or 8 || !LuhnValid(digits))
        {
            return null;
        }

        var start = groupStart[a];
        var end = groupStart[last] + groupLength[last];
        var confidence = HasNearbyWord(s, start, SinWords) ? 0.95 : last > a ? 0.75 : 0.6;
        output.Add(new Candidate(IdentifierKind.Sin, start, end - start, confidence));
        return last + 1;
    }

    internal static bool LuhnValid(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            // From the right, every second digit is doubled; with 9 digits those are the odd indexes.
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>RAMQ: four letters (three of the family name, one of the given name) then eight
    /// digits YY MM DD NN, where MM is 01–12, or 51–62 for a woman, and DD a day of that month.
    /// Letters may be glued ("trem85122512") or separated by one space or hyphen.</summary>
    private static bool TryRamq(ReadOnlySpan<char> s, int digitStart, Span<int> groupLength, out int start, out int groupCount)
    {
        start = -1;
        groupCount = 0;
        var p = digitStart;
        if (p > 0 && s[p - 1] is ' ' or '\u00A0' or '-')
        {
            p--;
        }

        if (p < 4)
        {
            return false;
        }

        for (var k = p - 4; k < p; k++)
        {
            if (!IsAsciiLetter(s[k]))
            {
                return false;
            }
        }

        if (p > 4 && char.IsLetterOrDigit(s[p - 5]))
        {
            return false;
        }

        var total = 0;
        for (var g = 0; g < groupLength.Length; g++)
        {
            total += groupLength[g];
            if (total == 8)
            {
                groupCount = g + 1;
                break;
            }

            if (total > 8)
            {
                return false;
            }
        }

        if (groupCount == 0)
        {
            return false;
        }

        // Eight digits in order, whatever the grouping.
        Span<int> d = stackalloc int[8];
        var n = 0;
        var k2 = digitStart;
        while (n < 8)
        {
            if (char.IsAsciiDigit(s[k2]))
            {
                d[n++] = s[k2] - '0';
            }

            k2++;
        }

        // The eighth digit must end the number: "trem851225123" is something else.
        if (k2 < s.Length && char.IsLetterOrDigit(s[k2]))
        {
            return false;
        }

        var year = d[0] * 10 + d[1];
        var month = d[2] * 10 + d[3];
        var day = d[4] * 10 + d[5];
        if (month > 50)
        {
            month -= 50;
        }

        if (month is < 1 or > 12 || day < 1 || day > DaysInMonth(year, month))
        {
            return false;
        }

        start = p - 4;
        return true;
    }

    /// <summary>Days in a month for a two-digit year: the century is unknown, so a year divisible
    /// by four is taken as leap (2000 was; only 1900 was not, and nobody born then is a patient).</summary>
    internal static int DaysInMonth(int twoDigitYear, int month) => month switch
    {
        2 => twoDigitYear % 4 == 0 ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    /// <summary>A1A 1A1: the first letter is one of the 18 the post office assigns to a province
    /// (never D F I O Q U W Z); the other letters never D F I O Q U. Upper case, or all lower case.</summary>
    private static bool TryPostalCode(ReadOnlySpan<char> s, int p, out int length, out double confidence)
    {
        length = 0;
        confidence = 0;
        if (p > 0 && char.IsLetterOrDigit(s[p - 1]))
        {
            return false;
        }

        if (p + 6 > s.Length)
        {
            return false;
        }

        var k = p + 3;
        var separator = 0;
        if (k < s.Length && s[k] is ' ' or '\u00A0' or '\u202F' or '-')
        {
            separator = 1;
        }

        var end = p + 6 + separator;
        if (end > s.Length)
        {
            return false;
        }

        Span<char> code = stackalloc char[6];
        code[0] = s[p];
        code[1] = s[p + 1];
        code[2] = s[p + 2];
        code[3] = s[p + 3 + separator];
        code[4] = s[p + 4 + separator];
        code[5] = s[p + 5 + separator];
        if (end < s.Length && char.IsLetterOrDigit(s[end]))
        {
            return false;
        }

        var upper = char.IsAsciiLetterUpper(code[0]);
        for (var i = 0; i < 6; i++)
        {
            var c = code[i];
            var letterPlace = i % 2 == 0;
            if (letterPlace)
            {
                if (!IsAsciiLetter(c) || char.IsAsciiLetterUpper(c) != upper)
                {
                    return false;
                }

                var u = char.ToUpperInvariant(c);
                if (u is 'D' or 'F' or 'I' or 'O' or 'Q' or 'U' || (i == 0 && u is 'W' or 'Z'))
                {
                    return false;
                }
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        length = end - p;
        confidence = upper ? 0.9 : 0.7;
        return true;
    }

    private static bool IsAmount(ReadOnlySpan<char> s, int start, int end)
    {
        var before = s[..start].TrimEnd(" \u00A0\u202F".AsSpan());
        var after = s[end..].TrimStart(" \u00A0\u202F".AsSpan());
        return (before.Length > 0 && before[^1] is '$' or '€' or '#' or '№')
            || (after.Length > 0 && after[0] is '$' or '€' or '%');
    }

    /// <summary>An invoice, order, confirmation or tracking word just before the number, on the same line.</summary>
    private static bool IsReference(ReadOnlySpan<char> s, int start) => HasNearbyWord(s, start, ReferenceWords);

    private static bool HasNearbyWord(ReadOnlySpan<char> s, int start, string[] words)
    {
        const int Window = 32;
        var from = Math.Max(0, start - Window);
        var window = s[from..start];
        var newline = window.LastIndexOf('\n');
        if (newline >= 0)
        {
            window = window[(newline + 1)..];
        }

        Span<char> folded = stackalloc char[window.Length];
        BodyLayout.Fold(window, folded);
        foreach (var word in words)
        {
            var offset = 0;
            while (offset < folded.Length)
            {
                var index = folded[offset..].IndexOf(word, StringComparison.Ordinal);
                if (index < 0)
                {
                    break;
                }

                var at = offset + index;
                var end = at + word.Length;
                if ((at == 0 || !char.IsLetter(folded[at - 1])) && (end == folded.Length || !char.IsLetter(folded[end])))
                {
                    return true;
                }

                offset = at + 1;
            }
        }

        return false;
    }

    private static bool IsSeparator(char c) =>
        c is ' ' or '\u00A0' or '\u202F' or '-' or '.' or '\u2011' or '\u2010' or '(' or ')';

    private static bool IsAsciiLetter(char c) => char.IsAsciiLetter(c);
}
