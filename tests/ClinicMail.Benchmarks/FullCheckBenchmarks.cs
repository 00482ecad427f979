using System.Text;
using BenchmarkDotNet.Attributes;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Demo;

namespace ClinicMail.Benchmarks;

/// <summary>The whole check of one Send, in process: a 4 KB French draft (clinical follow-up with a
/// signature and quoted history) to 10 recipients, against a registry of 100,000 generated patients
/// held in memory. Two recipient mixes: all registered (the everyday case) and 8 registered + 1
/// unknown + 1 provider-domain typo (the near-miss search runs).
/// Run: <c>dotnet run -c Release --project tests/ClinicMail.Benchmarks -- --filter *FullCheck*</c>.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class FullCheckBenchmarks
{
    private const int PatientCount = 100_000;

    private CheckContext _context = null!;
    private Draft _registered = null!;
    private Draft _mixed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var patients = RegistryGenerator.Generate(PatientCount, 2026);
        _context = new CheckContext
        {
            Directory = new InMemoryPatientDirectory(patients),
            InternalDomains = ["clinique-exemple.med"],
            Today = new DateOnly(2026, 11, 22),
        };
        var body = FourKilobyteBody();
        var addresses = Enumerable.Range(0, 10).Select(i => patients[i * 9_973].Addresses[0].Address).ToList();
        _registered = new Draft
        {
            From = "dre.tremblay@clinique-exemple.med",
            Subject = "Suivi de votre bilan",
            Body = body,
            Bcc = [.. addresses.Select(a => new DraftRecipient(a))],
        };
        var typo = patients.Select(p => p.Addresses[0].Address).First(a => a.EndsWith("@gmail.com", StringComparison.Ordinal)).Replace("@gmail.com", "@gmial.com", StringComparison.Ordinal);
        _mixed = _registered with { Bcc = [.. addresses.Take(8).Select(a => new DraftRecipient(a)), new("personne.inconnue@example.com"), new(typo)] };

        var check = DraftChecker.Default.CheckAsync(_mixed, _context).GetAwaiter().GetResult();
        if (check.Recipients.Count != 10 || Encoding.UTF8.GetByteCount(body) < 4_000)
        {
            throw new InvalidOperationException("The benchmark scenario is not the one described.");
        }
    }

    [Benchmark(Baseline = true)]
    public Task<CheckResult> FullCheck_10RegisteredRecipients() => DraftChecker.Default.CheckAsync(_registered, _context);

    [Benchmark]
    public Task<CheckResult> FullCheck_8Registered_1Unknown_1Typo() => DraftChecker.Default.CheckAsync(_mixed, _context);

    /// <summary>About 4 KB of a realistic follow-up: results, a medication change, advice, signature, quoted question.</summary>
    internal static string FourKilobyteBody()
    {
        const string paragraph =
            "Vos analyses de contrôle sont revenues : l'hémoglobine glyquée est à 7,4 %, un peu au-dessus de la cible, "
            + "et la fonction rénale est stable. Nous allons augmenter la metformine à 1000 mg deux fois par jour, avec les repas. "
            + "Continuez de mesurer votre glycémie le matin et notez les valeurs dans votre carnet; apportez-le au prochain rendez-vous. "
            + "Si vous avez des nausées importantes ou des douleurs abdominales, appelez la clinique.\n\n";
        var builder = new StringBuilder("Bonjour Monsieur Roy,\n\n");
        while (builder.Length < 3_600)
        {
            builder.Append(paragraph);
        }

        builder.Append("Cordialement,\n\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100\n\n");
        builder.Append("De : Jean Roy\nEnvoyé : 12 novembre 2026\nÀ : Dre Tremblay\nObjet : Question\n\nBonjour docteure, avez-vous reçu mes résultats? Merci.");
        return builder.ToString();
    }
}
