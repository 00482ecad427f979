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

    /// <summary>Candidates of the check running on this thread (one check at a time per thread): most messages hold
    /// no identifier, and those need allocate nothing.</summary>
    [ThreadStatic]
    private static List<Candidate>? _threadFound;

    public IReadOnlyList<IdentifierFinding> Detect(CheckedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = text.Segments;
        var found = _threadFound ??= new List<Candidate>(64);
        found.Clear();
        try
        {
            // The candidates of segment k are found[ends[k - 1]..ends[k]].
            Span<int> ends = segments.Count <= 8 ? stackalloc int[8] : new int[segments.Count];
            Span<int> signatureStarts = segments.Count <= 8 ? stackalloc int[8] : new int[segments.Count];
            HashSet<string>? professionalPhones = null;

            // The signature's numbers are learned first, from the new body, so that the same number is
            // recognised in the subject, the body above the signature and the quoted history.
            for (var k = 0; k < segments.Count; k++)
            {
                var from = found.Count;
                var signatureStart = -1;
                var segment = segments[k];
                if (segment?.Text is { Length: > 0 } content)
                {
                    NumberScanner.Scan(content, found);
                    BirthDateScanner.Scan(content, found);
                    if (segment.Part == TextPart.Body && HasPhone(found, from))
                    {
                        signatureStart = BodyLayout.Analyze(content).SignatureStart;
                        if (signatureStart >= 0)
                        {
                            for (var j = from; j < found.Count; j++)
                            {
                                var c = found[j];
                                if (c.Kind == IdentifierKind.Phone && c.Start >= signatureStart && c.Key is not null)
                                {
                                    (professionalPhones ??= new HashSet<string>(StringComparer.Ordinal)).Add(c.Key);
                                }
                            }
                        }
                    }
                }

                ends[k] = found.Count;
                signatureStarts[k] = signatureStart;
            }

            if (found.Count == 0)
            {
                return [];
            }

            var evidence = new List<Evidence>?[KindOrder.Length];
            var any = false;
            for (var k = 0; k < segments.Count; k++)
            {
                var segment = segments[k];
                var signatureStart = signatureStarts[k];
                for (var j = k == 0 ? 0 : ends[k - 1]; j < ends[k]; j++)
                {
                    var c = found[j];
                    if (c.Kind == IdentifierKind.Phone
                        && ((signatureStart >= 0 && c.Start >= signatureStart) || (c.Key is not null && professionalPhones is not null && professionalPhones.Contains(c.Key))))
                    {
                        continue;
                    }

                    var list = evidence[(int)c.Kind] ??= [];
                    list.Add(new Evidence(segment.Part, c.Start, c.Length, segment.Text.Substring(c.Start, c.Length), c.Confidence));
                    any = true;
                }
            }

            if (!any)
            {
                return [];
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
        finally
        {
            found.Clear();
            if (found.Capacity > 16 * 1024)
            {
                // One text full of numbers must not pin a large buffer to the thread for ever.
                _threadFound = null;
            }
        }
    }

    private static bool HasPhone(List<Candidate> found, int from)
    {
        for (var j = from; j < found.Count; j++)
        {
            if (found[j].Kind == IdentifierKind.Phone)
            {
                return true;
            }
        }

        return false;
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
