using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Recipients;

/// <summary>Misspellings of provider domains seen in real address books, mapped to the provider
/// they were meant to be. Most are one edit away and would be found by the distance check anyway;
/// the list exists for the ones that are two edits away ("gmial.con"), for the French spellings of
/// Québec providers ("vidéotron.ca" is a different, punycode, domain) and as documentation of what
/// users are known to mistype. A corporate domain of a provider (videotron.com, bell.ca) is
/// deliberately absent: employees of those companies have real mailboxes there.</summary>
internal static class KnownDomainTypos
{
    // Written as users type them; keyed by their normalized (punycode) form at start-up.
    private static readonly Dictionary<string, string> Typos = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gmial.com"] = "gmail.com",
        ["gmaill.com"] = "gmail.com",
        ["gamil.com"] = "gmail.com",
        ["gmai.com"] = "gmail.com",
        ["gmal.com"] = "gmail.com",
        ["gnail.com"] = "gmail.com",
        ["gmsil.com"] = "gmail.com",
        ["gmail.co"] = "gmail.com",
        ["gmail.cm"] = "gmail.com",
        ["gmail.con"] = "gmail.com",
        ["gmail.ca"] = "gmail.com",
        ["gmial.con"] = "gmail.com",
        ["gmail.com.com"] = "gmail.com",
        ["g-mail.com"] = "gmail.com",
        ["hotmial.com"] = "hotmail.com",
        ["hotmal.com"] = "hotmail.com",
        ["hotmai.com"] = "hotmail.com",
        ["hotmil.com"] = "hotmail.com",
        ["hotamil.com"] = "hotmail.com",
        ["homail.com"] = "hotmail.com",
        ["hotmail.co"] = "hotmail.com",
        ["hotmail.con"] = "hotmail.com",
        ["hotmial.ca"] = "hotmail.ca",
        ["hotmal.ca"] = "hotmail.ca",
        ["hotmai.ca"] = "hotmail.ca",
        ["hotmil.ca"] = "hotmail.ca",
        ["outlok.com"] = "outlook.com",
        ["outllok.com"] = "outlook.com",
        ["oulook.com"] = "outlook.com",
        ["outlook.co"] = "outlook.com",
        ["outloo.com"] = "outlook.com",
        ["yahooo.com"] = "yahoo.com",
        ["yaho.com"] = "yahoo.com",
        ["yhaoo.com"] = "yahoo.com",
        ["yahoo.co"] = "yahoo.com",
        ["yahooo.ca"] = "yahoo.ca",
        ["yaho.ca"] = "yahoo.ca",
        ["yhaoo.ca"] = "yahoo.ca",
        ["icoud.com"] = "icloud.com",
        ["iclod.com"] = "icloud.com",
        ["videotrom.ca"] = "videotron.ca",
        ["vidéotron.ca"] = "videotron.ca",
        ["vidoetron.ca"] = "videotron.ca",
        ["videotro.ca"] = "videotron.ca",
        ["videtron.ca"] = "videotron.ca",
        ["videotron.qc.ca"] = "videotron.ca",
        ["simpatico.ca"] = "sympatico.ca",
        ["sympatic.ca"] = "sympatico.ca",
        ["sympatco.ca"] = "sympatico.ca",
        ["symaptico.ca"] = "sympatico.ca",
        ["sympatico.qc.ca"] = "sympatico.ca",
        ["cogeco.com"] = "cogeco.ca",
        ["cogéco.ca"] = "cogeco.ca",
    }.ToDictionary(
        p => AddressNormalizer.NormalizeDomain(p.Key) ?? throw new InvalidOperationException("A typo entry is not a valid domain."),
        p => p.Value,
        StringComparer.Ordinal);

    /// <summary>The provider domain a known misspelling stands for.</summary>
    public static bool TryGetProvider(string normalizedDomain, out string provider) =>
        Typos.TryGetValue(normalizedDomain, out provider!);
}
