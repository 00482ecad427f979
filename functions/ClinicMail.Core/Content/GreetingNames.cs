using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Content;

/// <summary>The person a draft greets (« Toujours débuter par une salutation »): the name tokens after
/// « Bonjour Monsieur … », « Chère Julie », « Dear Ms. … », « Hi Mike », compared with registered
/// patients accent- and case-insensitively, with nicknames, short forms and initials.</summary>
public static class GreetingNames
{
    private static readonly HashSet<string> Greetings = new(StringComparer.Ordinal)
    {
        "bonjour", "bonsoir", "allo", "salut", "cher", "chere", "chers", "cheres", "dear", "hi", "hello", "hey", "good", "madame", "monsieur",
    };

    private static readonly HashSet<string> Titles = new(StringComparer.Ordinal)
    {
        "m", "mme", "mlle", "monsieur", "madame", "mademoiselle", "mr", "mrs", "ms", "miss", "mx", "dr", "dre", "docteur", "docteure",
        "doctor", "me", "morning", "afternoon", "evening",
    };

    /// <summary>Common short forms (folded): nickname → given names it stands for.</summary>
    private static readonly Dictionary<string, string[]> Nicknames = new(StringComparer.Ordinal)
    {
        ["bob"] = ["robert"],
        ["rob"] = ["robert"],
        ["bobby"] = ["robert"],
        ["mike"] = ["michael", "michel"],
        ["mick"] = ["michael"],
        ["bill"] = ["william"],
        ["will"] = ["william"],
        ["billy"] = ["william"],
        ["jim"] = ["james"],
        ["jimmy"] = ["james"],
        ["jen"] = ["jennifer"],
        ["jenny"] = ["jennifer"],
        ["kate"] = ["katherine", "catherine"],
        ["katie"] = ["katherine", "catherine"],
        ["cathy"] = ["catherine"],
        ["liz"] = ["elizabeth", "elisabeth"],
        ["beth"] = ["elizabeth", "elisabeth"],
        ["babette"] = ["elisabeth"],
        ["tom"] = ["thomas"],
        ["dave"] = ["david"],
        ["dan"] = ["daniel"],
        ["danny"] = ["daniel"],
        ["steve"] = ["stephen", "steven", "stephane"],
        ["chris"] = ["christopher", "christophe", "christine", "christian"],
        ["pat"] = ["patrick", "patricia"],
        ["sue"] = ["susan", "suzanne"],
        ["nick"] = ["nicolas", "nicholas"],
        ["ben"] = ["benjamin"],
        ["sam"] = ["samuel", "samantha"],
        ["matt"] = ["matthew", "mathieu"],
        ["tony"] = ["anthony", "antoine"],
        ["fred"] = ["frederic", "frederick"],
        ["jeff"] = ["jeffrey", "geoffrey", "jean francois"],
        ["peggy"] = ["margaret"],
        ["maggie"] = ["margaret"],
        ["dick"] = ["richard"],
        ["rick"] = ["richard"],
        ["ted"] = ["edward"],
        ["ed"] = ["edward", "edouard"],
        ["andy"] = ["andrew", "andre"],
        ["gab"] = ["gabriel", "gabrielle"],
        ["max"] = ["maxime", "maximilien"],
        ["manu"] = ["emmanuel", "emmanuelle"],
        ["zach"] = ["zachary"],
        ["josh"] = ["joshua"],
        ["abby"] = ["abigail"],
    };

    /// <summary>The folded name tokens of the greeting line (initials joined, « J.-F. » → « jf »), or none.</summary>
    public static IReadOnlyList<string> Extract(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var line = FirstLine(body);
        if (line.Length == 0)
        {
            return [];
        }

        var cut = line.IndexOfAny([',', ':', '!', ';']);
        if (cut >= 0)
        {
            line = line[..cut];
        }

        var words = line.Split([' ', '\t', '\u00a0'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !Greetings.Contains(FoldedText.Fold(words[0]).Trim()))
        {
            return [];
        }

        var tokens = new List<string>();
        for (var i = 1; i < words.Length; i++)
        {
            var raw = words[i].Trim('.', '(', ')', '"', '«', '»');
            var folded = FoldedText.Fold(raw).Trim();
            if (folded.Length == 0)
            {
                continue;
            }

            if (tokens.Count == 0 && Titles.Contains(folded.Replace(" ", "", StringComparison.Ordinal)))
            {
                continue;
            }

            if (!char.IsUpper(raw[0]))
            {
                // « Bonjour à vous », « Hi there »: not a name.
                break;
            }

            var parts = folded.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            tokens.Add(parts.All(p => p.Length == 1) ? string.Concat(parts) : string.Join(' ', parts));
        }

        return tokens;
    }

    /// <summary>How well the greeting names a patient: 2 when a given name (or its short form or initials)
    /// matches, 1 when only the family name does, 0 when nothing does.</summary>
    public static int Match(IReadOnlyList<string> tokens, Patient patient)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(patient);
        var given = FoldedText.Fold(patient.GivenName).Trim();
        var givenParts = given.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var family = FoldedText.Fold(patient.FamilyName).Trim();
        var familyParts = family.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var initials = string.Concat(givenParts.Select(p => p[0]));
        var best = 0;
        foreach (var token in tokens)
        {
            foreach (var part in token.Split(' '))
            {
                if (familyParts.Contains(part, StringComparer.Ordinal) || string.Equals(token, family, StringComparison.Ordinal))
                {
                    best = Math.Max(best, 1);
                }
            }

            if (GivenMatches(token, given, givenParts, initials))
            {
                return 2;
            }
        }

        return best;
    }

    /// <summary>The given names a greeting token may stand for, to find a patient in the body text.</summary>
    public static bool MentionsGivenName(string foldedBody, Patient patient)
    {
        ArgumentNullException.ThrowIfNull(foldedBody);
        ArgumentNullException.ThrowIfNull(patient);
        var given = FoldedText.Fold(patient.GivenName);
        return given.Trim().Length > 0 && foldedBody.Contains(given, StringComparison.Ordinal);
    }

    private static bool GivenMatches(string token, string given, string[] givenParts, string initials)
    {
        if (string.Equals(token, given, StringComparison.Ordinal) || givenParts.Contains(token, StringComparer.Ordinal))
        {
            return true;
        }

        var compact = token.Replace(" ", "", StringComparison.Ordinal);
        if (initials.Length >= 2 && string.Equals(compact, initials, StringComparison.Ordinal))
        {
            return true;
        }

        if (compact.Length == 1 && givenParts.Length > 0 && givenParts[0][0] == compact[0])
        {
            return true;
        }

        // Short forms: « Alex » for Alexandre, « Nico » for Nicolas, « Cath » for Catherine.
        if (compact.Length >= 3 && givenParts.Any(p => p.Length > compact.Length && p.StartsWith(compact, StringComparison.Ordinal)))
        {
            return true;
        }

        return Nicknames.TryGetValue(compact, out var names) && names.Any(n => string.Equals(n, given, StringComparison.Ordinal) || givenParts.Contains(n, StringComparer.Ordinal));
    }

    private static string FirstLine(string body)
    {
        foreach (var line in body.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                return trimmed;
            }
        }

        return "";
    }
}
