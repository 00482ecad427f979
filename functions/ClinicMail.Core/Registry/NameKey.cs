using System.Globalization;
using System.Text;

namespace ClinicMail.Core.Registry;

/// <summary>The folded form of a person's name that registry searches compare: accents removed,
/// lower case, every run of other characters (space, hyphen, apostrophe) one space. "Côté",
/// "COTE" and "cote" are one key; "Jean-François" is "jean francois". Ids are never folded: a
/// clinic patient id is matched exactly.</summary>
public static class NameKey
{
    public static string Fold(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                space = false;
                // Ligatures people type either way.
                switch (c)
                {
                    case 'œ' or 'Œ':
                        builder.Append("oe");
                        break;
                    case 'æ' or 'Æ':
                        builder.Append("ae");
                        break;
                    case 'ß':
                        builder.Append("ss");
                        break;
                    default:
                        builder.Append(char.ToLowerInvariant(c));
                        break;
                }
            }
            else
            {
                space = true;
            }
        }

        return builder.ToString();
    }
}
