using ClinicMail.Core.Text;

namespace ClinicMail.Core.Identifiers;

/// <summary>Finds RAMQ numbers, SINs, dates of birth, phone numbers and postal codes. Stateless, thread-safe.</summary>
/// <remarks>
/// Two fast passes per segment: <see cref="NumberScanner"/> jumps from digit to digit (RAMQ, SIN,
/// phone, postal code) and <see cref="BirthDateScanner"/> jumps from birth cue to birth cue. Both
/// are hand-written scanners without backtracking, so hostile input costs linear time.
/// <para>
/// The phone numbers in the physician's own signature block are not findings, nor the same
/// number repeated elsewhere in the message ("call the clinic at …"): the guideline requires a
/// professional phone number in the signature (« Programmer une signature professionnelle
/// automatique : … Numéro de téléphone professionnel »), and the physician's or clinic's number
/// does not identify a patient. Counting it would make every well-signed message nominative.
/// </para>
/// </remarks>
public sealed class IdentifierDetector
{
    public static IdentifierDetector Default { get; } = new();

    private static readonly IdentifierKind[] KindOrder = Enum.GetValues<IdentifierKind>();

    public IReadOnlyList<IdentifierFinding> Detect(CheckedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var evidence = new List<Evidence>[KindOrder.Length];
        var candidates = new List<Candidate>();
        var professionalPhones = new HashSet<string>(StringComparer.Ordinal);

        // The signature's numbers are learned first, from the new body, so that the same number is
        // recognised in the subject, the body above the signature and the quoted history.
        var perSegment = new List<(TextSegment Segment, List<Candidate> Found, int SignatureStart)>(text.Segments.Count);
        foreach (var segment in text.Segments)
        {
            if (segment?.Text is not { Length: > 0 } content)
            {
                continue;
            }

            var found = new List<Candidate>();
            NumberScanner.Scan(content, found);
            BirthDateScanner.Scan(content, found);
            var signatureStart = -1;
            if (segment.Part == TextPart.Body && found.Exists(c => c.Kind == IdentifierKind.Phone))
            {
                signatureStart = BodyLayout.Analyze(content).SignatureStart;
                if (signatureStart >= 0)
                {
                    foreach (var c in found)
                    {
                        if (c.Kind == IdentifierKind.Phone && c.Start >= signatureStart && c.Key is not null)
                        {
                            professionalPhones.Add(c.Key);
                        }
                    }
                }
            }

            perSegment.Add((segment, found, signatureStart));
        }

        foreach (var (segment, found, signatureStart) in perSegment)
        {
            foreach (var c in found)
            {
                if (c.Kind == IdentifierKind.Phone
                    && ((signatureStart >= 0 && c.Start >= signatureStart) || (c.Key is not null && professionalPhones.Contains(c.Key))))
                {
                    continue;
                }

                var list = evidence[(int)c.Kind] ??= [];
                list.Add(new Evidence(segment.Part, c.Start, c.Length, segment.Text.Substring(c.Start, c.Length), c.Confidence));
            }
        }

        var findings = new List<IdentifierFinding>();
        foreach (var kind in KindOrder)
        {
            if (evidence[(int)kind] is { Count: > 0 } list)
            {
                findings.Add(new IdentifierFinding { Kind = kind, Evidence = list });
            }
        }

        return findings;
    }

    /// <summary>True when the text holds a North American phone number (the etiquette check looks
    /// for the professional phone in the signature).</summary>
    internal static bool ContainsPhone(string text)
    {
        var found = new List<Candidate>();
        NumberScanner.Scan(text, found);
        return found.Exists(c => c.Kind == IdentifierKind.Phone);
    }
}
