using ClinicMail.Core.Text;

namespace ClinicMail.Core.Topics;

/// <summary>Matches a patient's declared terms against the words of the text.</summary>
internal static class DeclaredTermMatcher
{
    private const int MinTypoLength = 6;

    public static TopicFinding? Find(TokenStream text, IReadOnlyList<DeclaredTerms> declared)
    {
        var evidence = new List<Evidence>();
        var patients = new List<string>();
        var tokens = text.Tokens;
        foreach (var patient in declared)
        {
            var matched = false;
            foreach (var term in patient.Terms)
            {
                if (string.IsNullOrWhiteSpace(term))
                {
                    continue;
                }

                using var words = TokenStream.Read(new CheckedText([new TextSegment(TextPart.Body, term)]), lexicon: null);
                if (words.Count == 0)
                {
                    continue;
                }

                for (var i = 0; i + words.Count <= text.Count; i++)
                {
                    if (!MatchesAt(text, i, words, out var typo))
                    {
                        continue;
                    }

                    matched = true;
                    var first = tokens[i];
                    var last = tokens[i + words.Count - 1];
                    var segment = text.Text.Segments[first.Segment];
                    var length = last.Start + last.Length - first.Start;
                    if (!evidence.Exists(e => e.Part == segment.Part && e.Offset == first.Start && e.Length == length))
                    {
                        evidence.Add(new Evidence(segment.Part, first.Start, length, segment.Text.Substring(first.Start, length), typo ? 0.85 : 0.95));
                    }
                }
            }

            if (matched && !patients.Contains(patient.PatientId, StringComparer.Ordinal))
            {
                patients.Add(patient.PatientId);
            }
        }

        if (evidence.Count == 0)
        {
            return null;
        }

        evidence.Sort(static (a, b) => a.Part != b.Part ? a.Part.CompareTo(b.Part) : a.Offset.CompareTo(b.Offset));
        return new TopicFinding
        {
            Category = TopicCategory.PatientDeclared,
            Confidence = evidence.Max(e => e.Confidence),
            Evidence = evidence,
            PatientIds = patients,
        };
    }

    private static bool MatchesAt(TokenStream text, int at, TokenStream words, out bool typo)
    {
        typo = false;
        var segment = text.Tokens[at].Segment;
        for (var q = 0; q < words.Count; q++)
        {
            ref var t = ref text.Tokens[at + q];
            ref var w = ref words.Tokens[q];
            if (t.Segment != segment)
            {
                return false;
            }

            if (t.Hash == w.Hash)
            {
                continue;
            }

            var a = text.StemOf(t);
            var b = words.StemOf(w);
            if (Math.Min(a.Length, b.Length) >= MinTypoLength - 1 && Math.Max(a.Length, b.Length) >= MinTypoLength
                && TermNormalizer.IsOneTypoApart(a, b))
            {
                typo = true;
                continue;
            }

            return false;
        }

        return true;
    }
}
