using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Policy;

/// <summary>Form warnings from « La gestion et la rédaction des courriels : quelques éléments à
/// retenir » (Collège des médecins): subject, greeting, closing formula, professional signature,
/// a single recipient. Stateless and thread-safe; etiquette only
/// warns, it never blocks nor changes the decision.</summary>
/// <remarks>The sender's address is not etiquette here: it is the reason NON_PROFESSIONAL_SENDER (PolicyEngine),
/// which warns or blocks by content, so the pane shows it once.
/// Only the physician's new text counts (the <see cref="TextPart.Body"/> segments): a
/// greeting or signature in the quoted history of a reply is someone else's, or an older one.</remarks>
public sealed class EtiquetteChecker
{
    public static EtiquetteChecker Default { get; } = new();

    /// <summary>Signature parts reported in <see cref="EtiquetteWarning.Missing"/>.</summary>
    public const string MissingName = "name";

    public const string MissingMd = "md";

    public const string MissingSpecialty = "specialty";

    public const string MissingPhone = "phone";

    // Specialist titles (CMQ), folded: lower case, no accents.
    private static readonly string[] Specialties =
    [
        "medecin de famille", "medecine familiale", "medecine de famille", "omnipraticien", "medecin generaliste", "pediatre",
        "psychiatre", "interniste", "medecine interne", "cardiologue", "dermatologue", "gynecologue", "obstetricien",
        "chirurgien", "oncologue", "hemato-oncologue", "neurologue", "radiologue", "urologue", "gastro-enterologue",
        "gastroenterologue", "endocrinologue", "pneumologue", "rhumatologue", "nephrologue", "ophtalmologiste",
        "oto-rhino-laryngologiste", "orl", "anesthesiologiste", "geriatre", "hematologue", "urgentologue", "medecin d'urgence",
        "medecine d'urgence", "infectiologue", "microbiologiste", "allergologue", "immunologue", "physiatre", "pathologiste",
        "radio-oncologue", "medecin specialiste", "specialiste en", "residente", "resident",
        "family physician", "family medicine", "family doctor", "general practitioner", "pediatrician", "paediatrician",
        "psychiatrist", "internist", "internal medicine", "cardiologist", "dermatologist", "gynecologist", "gynaecologist",
        "obstetrician", "surgeon", "oncologist", "neurologist", "radiologist", "urologist", "gastroenterologist",
        "endocrinologist", "respirologist", "pulmonologist", "rheumatologist", "nephrologist", "ophthalmologist",
        "otolaryngologist", "anesthesiologist", "anaesthetist", "geriatrician", "hematologist", "haematologist",
        "emergency physician", "emergency medicine", "infectious diseases", "allergist", "physiatrist", "pathologist",
    ];

    // Capitalised words that are not a name in a signature block.
    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "Dr", "Dre", "Docteur", "Docteure", "Doctor", "MD", "M.D", "M.D.", "Médecin", "Medecin", "Clinique", "Clinic", "GMF",
        "CLSC", "CIUSSS", "CISSS", "Tél", "Tel", "Téléphone", "Phone", "Poste", "Ext", "Cordialement", "Regards",
    };

    /// <param name="draft">The draft as Outlook sees it (subject, visible recipients).</param>
    /// <param name="text">Its extracted text; only the new body is read.</param>
    public IReadOnlyList<EtiquetteWarning> Check(Draft draft, CheckedText text)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(text);
        var warnings = new List<EtiquetteWarning>();

        if (!HasSubject(draft.Subject))
        {
            warnings.Add(new EtiquetteWarning(EtiquetteCode.MissingSubject, new LocalizedText(
                "Le message n'a pas d'objet. Le Collège demande de toujours spécifier l'objet du message.",
                "The message has no subject. The Collège asks that the subject of every message be stated.")));
        }

        var body = string.Join("\n\n", text.Segments.Where(s => s?.Part == TextPart.Body).Select(s => s.Text));
        var layout = BodyLayout.Analyze(body);

        if (!layout.HasGreeting(body))
        {
            warnings.Add(new EtiquetteWarning(EtiquetteCode.NoGreeting, new LocalizedText(
                "Le message ne commence pas par une salutation (par exemple « Bonjour Madame Tremblay, »).",
                "The message does not start with a greeting (for example \"Hello Ms. Tremblay,\").")));
        }

        if (layout.ClosingLine is null)
        {
            warnings.Add(new EtiquetteWarning(EtiquetteCode.NoClosing, new LocalizedText(
                "Le message ne se termine pas par une formule de politesse (par exemple « Cordialement, »).",
                "The message does not end with a closing (for example \"Kind regards,\").")));
        }

        var missing = MissingSignatureParts(body, layout);
        if (missing.Count > 0)
        {
            warnings.Add(new EtiquetteWarning(EtiquetteCode.NoSignature, new LocalizedText(
                "La signature professionnelle est incomplète : il manque " + DescribeFr(missing) + ". Elle doit comporter prénom et nom, M.D., le titre de spécialiste et un numéro de téléphone professionnel.",
                "The professional signature is incomplete: " + DescribeEn(missing) + " missing. It must give first and last name, M.D., the specialist title and a professional phone number."),
                missing));
        }

        var visible = (draft.To?.Count ?? 0) + (draft.Cc?.Count ?? 0);
        if (visible > 1)
        {
            warnings.Add(new EtiquetteWarning(EtiquetteCode.SeveralRecipients, new LocalizedText(
                "Le message a plusieurs destinataires visibles. Le Collège recommande d'adresser ses courriels de préférence à un seul destinataire.",
                "The message has several visible recipients. The Collège recommends addressing each e-mail to a single recipient where possible.")));
        }

        return warnings;
    }

    /// <summary>A subject that says something: not empty, not just "RE:" / « TR : » prefixes.</summary>
    private static bool HasSubject(string? subject)
    {
        var rest = (subject ?? "").AsSpan().Trim();
        while (true)
        {
            var stripped = StripPrefix(rest);
            if (stripped.Length == rest.Length)
            {
                break;
            }

            rest = stripped;
        }

        return rest.ContainsAnyExcept(" \t\u00A0:-_.".AsSpan());

        static ReadOnlySpan<char> StripPrefix(ReadOnlySpan<char> s)
        {
            string[] prefixes = ["re", "tr", "fw", "fwd", "réf", "ref"];
            foreach (var prefix in prefixes)
            {
                if (s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    var after = s[prefix.Length..].TrimStart(" \u00A0".AsSpan());
                    if (after.StartsWith(":"))
                    {
                        return after[1..].TrimStart();
                    }
                }
            }

            return s;
        }
    }

    /// <summary>« Programmer une signature professionnelle automatique : Prénom Nom, M.D.; Titre de
    /// spécialiste (CMQ); Numéro de téléphone professionnel. » Looks in the signature block, or in
    /// the last paragraph when no block was recognised.</summary>
    private static List<string> MissingSignatureParts(string body, BodyLayout layout)
    {
        var region = body.Length == 0 ? "" : body[Math.Min(layout.SignatureSearchStart, body.Length)..];
        var lines = region.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = new List<string>(4);

        var hasMd = false;
        var hasName = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var titled = BodyLayout.StartsWithTitle(line) || BodyLayout.HasMdToken(line);
            hasMd |= titled;
            // The name sits on the titled line ("Dre Émilie Boisvert", "Jean Roy, M.D.") or opens the block.
            if ((titled || i == 0) && HasName(line))
            {
                hasName = true;
            }
        }

        var folded = BodyLayout.Fold(region);
        var hasSpecialty = Specialties.Any(s => ContainsWord(folded, s));
        var hasPhone = region.Length > 0 && IdentifierDetector.ContainsPhone(region);

        if (!hasName)
        {
            missing.Add(MissingName);
        }

        if (!hasMd)
        {
            missing.Add(MissingMd);
        }

        if (!hasSpecialty)
        {
            missing.Add(MissingSpecialty);
        }

        if (!hasPhone)
        {
            missing.Add(MissingPhone);
        }

        return missing;
    }

    /// <summary>Two capitalised words in a row that are not titles: « Marie-Ève Dion », "John Smith".</summary>
    private static bool HasName(string line)
    {
        var run = 0;
        foreach (var raw in line.Split([' ', ',', '\t', '\u00A0'], StringSplitOptions.RemoveEmptyEntries))
        {
            var word = raw.TrimEnd('.', ';', ':');
            if (word.Length >= 2 && char.IsUpper(word[0]) && char.IsLetter(word[1]) && !NotNames.Contains(word) && !NotNames.Contains(raw))
            {
                run++;
                if (run >= 2)
                {
                    return true;
                }
            }
            else
            {
                run = 0;
            }
        }

        return false;
    }

    private static bool ContainsWord(string folded, string word)
    {
        var offset = 0;
        while (offset < folded.Length)
        {
            var index = folded.IndexOf(word, offset, StringComparison.Ordinal);
            if (index < 0)
            {
                return false;
            }

            var end = index + word.Length;
            // A prefix match is fine at the end ("pédiatre" covers « pédiatres »), not at the start.
            if (index == 0 || !char.IsLetter(folded[index - 1]))
            {
                return true;
            }

            offset = end;
        }

        return false;
    }

    private static string DescribeFr(List<string> missing) => string.Join(", ", missing.Select(m => m switch
    {
        MissingName => "le prénom et le nom",
        MissingMd => "la mention M.D.",
        MissingSpecialty => "le titre de spécialiste",
        _ => "le numéro de téléphone professionnel",
    }));

    private static string DescribeEn(List<string> missing) => string.Join(", ", missing.Select(m => m switch
    {
        MissingName => "the first and last name",
        MissingMd => "the M.D. designation",
        MissingSpecialty => "the specialist title",
        _ => "the professional phone number",
    })) + (missing.Count > 1 ? " are" : " is");
}
