using System.Globalization;
using System.Text;

namespace ClinicMail.Core.Content;

/// <summary>Text folded for phrase matching: lower case, accents removed, every run of characters other
/// than letters and digits turned into one space, padded with a space at each end, so a phrase
/// <c>" prise de sang "</c> matches whole words and <c>" augment"</c> matches a word prefix.</summary>
internal static class FoldedText
{
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(' ');
        var space = true;
        foreach (var c in text)
        {
            var folded = FoldChar(c);
            if (folded == '\0')
            {
                if (!space)
                {
                    builder.Append(' ');
                    space = true;
                }

                continue;
            }

            builder.Append(folded);
            space = false;
        }

        if (!space)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }

    /// <summary>One character folded, or '\0' for a separator.</summary>
    public static char FoldChar(char c)
    {
        if (c < 128)
        {
            return char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '\0';
        }

        if (!char.IsLetterOrDigit(c))
        {
            return '\0';
        }

        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        foreach (var d in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
            {
                return char.ToLowerInvariant(d);
            }
        }

        return char.ToLowerInvariant(c);
    }

    /// <summary>True when any phrase occurs. Phrases are folded, start with a space and end with a
    /// space for a whole word, without one for a prefix.</summary>
    public static bool Any(string folded, IReadOnlyList<string> phrases)
    {
        foreach (var phrase in phrases)
        {
            if (folded.Contains(phrase, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The folded text with every occurrence of the phrases replaced by a space (still folded).</summary>
    public static string Without(string folded, IReadOnlyList<string> phrases)
    {
        foreach (var phrase in phrases)
        {
            folded = folded.Replace(phrase, " ", StringComparison.Ordinal);
        }

        return folded;
    }

    /// <summary>Phrases written naturally (« prise de sang », « augment* ») to the folded form.</summary>
    public static string[] Phrases(params string[] phrases) =>
        [.. phrases.Select(p => p.EndsWith('*') ? Fold(p[..^1]).TrimEnd() : Fold(p))];
}
