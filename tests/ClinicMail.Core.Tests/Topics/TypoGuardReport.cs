using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>For whoever maintains the typo tolerance: the words of a word list (one a line, file named by
/// CLINICMAIL_WORDLIST) that the lexicon reads as a one-letter typo of one of its terms. A common word of the language is
/// not a typo: each word it prints belongs in the @everyday list of Topics/Data/everyday.lex, which makes the lexicon
/// read it exactly. Explicit: run by hand.</summary>
[TestFixture]
[Explicit("a maintenance aid run by hand over a word list")]
public sealed class TypoGuardReport
{
    [Test]
    public void Print_CommonWordsReadAsTypos()
    {
        var path = Environment.GetEnvironmentVariable("CLINICMAIL_WORDLIST");
        Assume.That(path, Is.Not.Null.And.Not.Empty, "set CLINICMAIL_WORDLIST to a file of words, one a line");
        var lexicon = Lexicon.Build(LexiconSources.All);
        foreach (var word in File.ReadLines(path!).Select(w => w.Trim()).Where(w => w.Length >= 6))
        {
            using var stream = TokenStream.Read(CheckedText.FromParts("", word), lexicon);
            if (stream.Count == 1 && (stream.Tokens[0].Flags & TokenFlags.Fuzzy) != 0)
            {
                TestContext.Out.WriteLine($"TYPO {word}");
            }
        }
    }
}
