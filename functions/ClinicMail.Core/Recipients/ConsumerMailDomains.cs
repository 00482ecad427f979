namespace ClinicMail.Core.Recipients;

/// <summary>The one maintained list of consumer mailbox providers. « les comptes de type Gmail,
/// Hotmail et autres ne sont pas considérés comme sécuritaires pour transmettre des informations
/// cliniques » (MSSS note): a recipient on one of these domains never receives clinical content in
/// clear. Québec and Canadian Internet providers are listed because that is where patients'
/// personal mailboxes actually are. Subdomains count ("tlb.sympatico.ca").</summary>
public static class ConsumerMailDomains
{
    private static readonly HashSet<string> Set = new(StringComparer.Ordinal)
    {
        // Webmail providers
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.ca",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.ca",
        "live.fr",
        "msn.com",
        "yahoo.com",
        "yahoo.ca",
        "yahoo.fr",
        "ymail.com",
        "rocketmail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "zoho.com",
        "fastmail.com",
        "yandex.com",
        "tutanota.com",
        // Québec and Canadian Internet providers
        "videotron.ca",
        "sympatico.ca",
        "bell.net",
        "bellnet.ca",
        "cogeco.ca",
        "cgocable.ca",
        "globetrotter.net",
        "telus.net",
        "shaw.ca",
        "rogers.com",
        "eastlink.ca",
        "ebox.ca",
        "oricom.ca",
        "b2b2c.ca",
        "xplornet.com",
    };

    /// <summary>Every listed provider domain (normalized, lower-case ASCII).</summary>
    public static IReadOnlySet<string> Domains => Set;

    /// <summary>True when <paramref name="normalizedDomain"/> is a listed provider or one of its subdomains.</summary>
    public static bool IsConsumer(string normalizedDomain)
    {
        ArgumentNullException.ThrowIfNull(normalizedDomain);
        var candidate = normalizedDomain.AsSpan();
        var lookup = Set.GetAlternateLookup<ReadOnlySpan<char>>();
        while (true)
        {
            if (lookup.Contains(candidate))
            {
                return true;
            }

            var dot = candidate.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            candidate = candidate[(dot + 1)..];
        }
    }
}
