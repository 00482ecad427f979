using System.Globalization;
using System.Text;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;

namespace ClinicMail.Infrastructure.Demo;

/// <summary>Synthetic but realistic registries for benchmarks and tests: Québec names, the address
/// patterns people really use (prenom.nom, initiale+nom, numbers), a provider mix dominated by
/// Gmail, Hotmail and Vidéotron, some employer and school addresses, a few family-shared ones, and
/// the consent states a clinic actually has. Every patient is fictional.</summary>
/// <remarks>Deterministic: the same count and seed give the same patients on every machine and
/// .NET version (our own SplitMix64, not <see cref="Random"/>, whose sequence is not a contract).
/// Not for anything security-related.</remarks>
public static class RegistryGenerator
{
    private static readonly string[] GivenNames =
    [
        "Marie", "Jean", "Pierre", "Louise", "Sophie", "Nathalie", "Isabelle", "Julie", "Mélanie", "Catherine",
        "Geneviève", "Stéphanie", "Caroline", "Josée", "Sylvie", "Chantal", "Luc", "Michel", "André", "François",
        "Jean-François", "Martin", "Éric", "Stéphane", "Sébastien", "Patrick", "Mathieu", "Guillaume", "Alexandre", "Simon",
        "Gabriel", "Olivier", "Félix", "William", "Léa", "Emma", "Chloé", "Camille", "Zoé", "Rosalie",
        "Noémie", "Maxime", "Samuel", "Thomas", "Émile", "Louis", "Jacob", "Charlotte", "Alice", "Florence",
        "Béatrice", "Raphaël", "Nicolas", "Daniel", "Claude", "Denis", "Réjean", "Gilles", "Diane", "Lise",
        "Manon", "Ginette", "Francine", "Marc", "Hélène", "Annie", "Karine", "Valérie", "Vincent", "David",
    ];

    private static readonly string[] FamilyNames =
    [
        "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné",
        "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard", "Boucher",
        "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc", "Lefebvre", "Poulin",
        "Thibault", "St-Pierre", "Nadeau", "Martin", "Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier",
        "Richard", "Michaud", "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais", "Gosselin",
        "Savard", "Proulx", "Beaudoin", "Demers", "Perreault", "Boudreau", "Lemieux", "Cyr", "Perron", "Dufour",
        "Dion", "Mercier", "Bolduc", "Bérubé", "Tessier", "Rousseau", "Lalonde", "Gingras", "Vaillancourt", "Allard",
    ];

    /// <summary>Personal mailbox providers with their weight (percent).</summary>
    private static readonly (string Domain, int Weight)[] PersonalDomains =
    [
        ("gmail.com", 30), ("hotmail.com", 14), ("videotron.ca", 12), ("outlook.com", 7), ("hotmail.ca", 6),
        ("yahoo.ca", 5), ("sympatico.ca", 5), ("icloud.com", 5), ("live.ca", 4), ("bell.net", 3),
        ("cogeco.ca", 3), ("yahoo.com", 2), ("proton.me", 1), ("globetrotter.net", 1), ("example.net", 2),
    ];

    private static readonly string[] EmployerDomains =
    [
        "desjardins.example", "hydro.example", "ville-exemple.example", "cisss-exemple.example", "banque-exemple.example",
        "usine-exemple.example", "commerce-exemple.example",
    ];

    private static readonly string[] SchoolDomains = ["etu.cegep-exemple.example", "etu.universite-exemple.example"];

    private static readonly ConsentUse[] AllUses = Enum.GetValues<ConsentUse>();

    /// <summary><paramref name="count"/> patients with unique ids, clinic ids and personal addresses.</summary>
    public static IReadOnlyList<Patient> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new SplitMix64((ulong)(uint)seed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var patients = new List<Patient>(count);
        string? familyAddress = null;
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var roll = random.Next(100);
            PatientAddress address;
            if (familyAddress is not null)
            {
                // The second member of a family shares the previous patient's family address.
                address = new PatientAddress { Address = familyAddress, Kind = AddressKind.FamilyShared, ThirdPartyConsented = true };
                familyAddress = null;
            }
            else if (roll < 3)
            {
                var local = Unique(used, "famille." + Fold(family), random, PersonalDomain(random));
                address = new PatientAddress { Address = local, Kind = AddressKind.FamilyShared, ThirdPartyConsented = true };
                familyAddress = local;
            }
            else if (roll < 8)
            {
                var local = Unique(used, Initial(given) + "." + Fold(family), random, EmployerDomains[random.Next(EmployerDomains.Length)]);
                address = new PatientAddress { Address = local, Kind = AddressKind.Employer, ThirdPartyConsented = random.Next(100) < 70 };
            }
            else if (roll < 10)
            {
                var local = Unique(used, Fold(given) + "." + Fold(family), random, SchoolDomains[random.Next(SchoolDomains.Length)]);
                address = new PatientAddress { Address = local, Kind = AddressKind.School, ThirdPartyConsented = random.Next(100) < 80 };
            }
            else
            {
                address = new PatientAddress { Address = Unique(used, PersonalLocal(given, family, random), random, PersonalDomain(random)) };
            }

            if (address.Kind != AddressKind.FamilyShared || familyAddress is not null)
            {
                used.Add(address.Address);
            }

            patients.Add(new Patient
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"gen-{seed}-{i:D6}"),
                ClinicPatientId = string.Create(CultureInfo.InvariantCulture, $"G{seed}-{i:D6}"),
                FamilyName = family,
                GivenName = given,
                Language = random.Next(100) < 12 ? "en" : "fr",
                Restriction = random.Next(1000) < 8 ? new Restriction("Privilèges restreints par le médecin", new DateOnly(2024, 1, 1).AddDays(random.Next(500))) : null,
                DeclaredSensitiveTerms = random.Next(100) < 2 ? ["fausse couche"] : [],
                DeclaredSensitiveCategories = random.Next(100) < 2 ? [TopicCategory.Emotional] : [],
                Addresses = [address],
                Consent = GenerateConsent(random),
            });
        }

        return patients;
    }

    private static Consent? GenerateConsent(SplitMix64 random)
    {
        var roll = random.Next(100);
        if (roll < 8)
        {
            return null;
        }

        var recorded = new DateOnly(2022, 1, 1).AddDays(random.Next(1200));
        var status = roll switch
        {
            < 13 => ConsentStatus.Refused,
            < 17 => ConsentStatus.Revoked,
            _ => ConsentStatus.Granted,
        };
        var uses = random.Next(100) < 25
            ? [ConsentUse.Appointments]
            : AllUses.Where(_ => random.Next(100) < 70).Prepend(ConsentUse.Appointments).Distinct().ToArray();
        return new Consent
        {
            Status = status,
            Method = random.Next(100) < 60 ? ConsentMethod.SignedForm : ConsentMethod.VerbalNoted,
            RecordedOn = recorded,
            RecordedBy = "actor-import",
            Email = random.Next(100) >= 3,
            Sms = random.Next(100) < 30,
            Uses = uses,
            Categories = random.Next(100) < 10 ? [TopicCategory.MentalHealth] : [],
            ExpiresOn = random.Next(100) < 20 ? recorded.AddYears(2) : null,
        };
    }

    private static string PersonalDomain(SplitMix64 random)
    {
        var roll = random.Next(100);
        foreach (var (domain, weight) in PersonalDomains)
        {
            if (roll < weight)
            {
                return domain;
            }

            roll -= weight;
        }

        return PersonalDomains[0].Domain;
    }

    private static string PersonalLocal(string given, string family, SplitMix64 random)
    {
        var g = Fold(given);
        var f = Fold(family);
        return random.Next(8) switch
        {
            0 or 1 or 2 => g + "." + f,
            3 => g + f,
            4 => Initial(given) + f,
            5 => f + "." + g,
            6 => g + "_" + f,
            _ => g + "." + f + (random.Next(50) + 50).ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Unique(HashSet<string> used, string local, SplitMix64 random, string domain)
    {
        var candidate = local + "@" + domain;
        while (used.Contains(candidate))
        {
            candidate = local + random.Next(1000).ToString(CultureInfo.InvariantCulture) + "@" + domain;
        }

        return candidate;
    }

    private static string Initial(string given) => Fold(given)[..1];

    /// <summary>"Jean-François Côté" → "jean-francois", "cote": what people type in an address.</summary>
    private static string Fold(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString().ToLowerInvariant();
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and its sequence is fixed by its definition.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int exclusiveMax)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)exclusiveMax);
        }
    }
}
