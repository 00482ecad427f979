using System.Globalization;
using System.Text;

namespace ClinicMail.Core.Registry;

/// <summary>Folds characters that a reader cannot tell apart on screen onto one representative, in
/// the spirit of the Unicode TR39 skeleton but tuned for e-mail addresses: lower-case Latin only,
/// accents dropped ("josée" and "josee" read alike in a recipient line), Cyrillic and Greek
/// homoglyphs mapped to Latin, and the classic typographic tricks ("rn" for "m", "vv" for "w",
/// "0" for "o", "1"/"l"/"|" for "i"). The result is never shown or stored as an address: it is a
/// comparison key only.</summary>
internal static class Confusables
{
    public static string Fold(string value) => Fold(value.AsSpan());

    public static string Fold(ReadOnlySpan<char> value)
    {
        var ascii = true;
        foreach (var c in value)
        {
            if (c >= 0x80)
            {
                ascii = false;
                break;
            }
        }

        // Compatibility decomposition turns full-width, mathematical and ligature forms into
        // their plain letters and separates accents from their base letter.
        ReadOnlySpan<char> source = ascii ? value : value.ToString().Normalize(NormalizationForm.FormKD).AsSpan();

        Span<char> mapped = source.Length <= 256 ? stackalloc char[source.Length] : new char[source.Length];
        var length = 0;
        foreach (var c in source)
        {
            if (c >= 0x80 && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            mapped[length++] = Map(c);
        }

        // Multi-letter look-alikes, after the single letters so an "rn" spelled with Cyrillic
        // "г" and "п" folds as well.
        Span<char> folded = length <= 256 ? stackalloc char[length] : new char[length];
        var written = 0;
        for (var i = 0; i < length; i++)
        {
            var c = mapped[i];
            if (i + 1 < length)
            {
                var next = mapped[i + 1];
                if (c == 'r' && next == 'n')
                {
                    folded[written++] = 'm';
                    i++;
                    continue;
                }

                if (c == 'v' && next == 'v')
                {
                    folded[written++] = 'w';
                    i++;
                    continue;
                }
            }

            folded[written++] = c;
        }

        return new string(folded[..written]);
    }

    private static char Map(char c) => c switch
    {
        // Latin characters that pass for others.
        '0' => 'o',
        '1' or 'l' or '|' or '!' or 'ı' or 'ǀ' or 'ӏ' or 'ɩ' or 'ι' or 'і' or 'ї' => 'i',
        'ɑ' or 'α' or 'а' => 'a',
        'ɡ' => 'g',
        // Cyrillic (lower case: the normal form is already lower-cased).
        'в' or 'ь' or 'β' => 'b',
        'с' or 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' or 'ё' or 'ε' => 'e',
        'һ' or 'н' => 'h',
        'ј' => 'j',
        'к' or 'κ' => 'k',
        'м' => 'm',
        'п' or 'η' => 'n',
        'о' or 'ο' or 'σ' => 'o',
        'р' or 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' or 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' or 'ω' => 'w',
        'х' or 'χ' => 'x',
        'у' or 'γ' => 'y',
        'ζ' => 'z',
        _ => c is >= 'A' and <= 'Z' ? (char)(c + 32) : char.ToLowerInvariant(c),
    };
}
