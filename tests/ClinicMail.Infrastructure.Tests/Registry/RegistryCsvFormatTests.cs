using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Infrastructure.Demo;
using ClinicMail.Infrastructure.Registry;

namespace ClinicMail.Infrastructure.Tests.Registry;

/// <summary><see cref="RegistryCsv.Format"/> writes what <see cref="RegistryCsv.Parse"/> reads back.</summary>
public sealed class RegistryCsvFormatTests
{
    private static IReadOnlyList<ImportedPatient> RoundTrip(IEnumerable<Patient> patients)
    {
        using var reader = new StringReader(RegistryCsv.Format(patients));
        var (parsed, _, errors) = RegistryCsv.Parse(reader);
        Assert.That(errors, Is.Empty);
        return parsed;
    }

    [Test]
    public void Format_GeneratedRegistry_ParsesBackToTheSameFields()
    {
        var patients = RegistryGenerator.Generate(300, 11).Where(p => p.Addresses.Count > 0).ToList();

        var parsed = RoundTrip(patients);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Select(p => p.ClinicPatientId), Is.EqualTo(patients.Select(p => p.ClinicPatientId)));
            Assert.That(parsed.Select(p => (p.FamilyName, p.GivenName, p.Language, p.Restricted)),
                Is.EqualTo(patients.Select(p => (p.FamilyName, p.GivenName, p.Language, p.Restriction is not null))));
            Assert.That(parsed.Select(p => string.Join(' ', p.Addresses.Select(a => (a.Address, a.Kind, a.ThirdPartyConsented)))),
                Is.EqualTo(patients.Select(p => string.Join(' ', p.Addresses.Select(a => (a.Address, a.Kind, a.ThirdPartyConsented))))));
            Assert.That(parsed.Select(p => (p.Consent?.Status, p.Consent?.RecordedOn, p.Consent?.Sms, string.Join('|', p.Consent?.Uses ?? []))),
                Is.EqualTo(patients.Select(p => (p.Consent?.Status, p.Consent?.RecordedOn, p.Consent?.Sms, string.Join('|', p.Consent?.Uses ?? [])))));
            Assert.That(parsed.Select(p => string.Join('|', p.DeclaredTerms)), Is.EqualTo(patients.Select(p => string.Join('|', p.DeclaredSensitiveTerms))));
        });
    }

    [Test]
    public void Format_NameWithSeparatorsAndQuotes_QuotedAndReadBackWhole()
    {
        var patient = PatientBuilder.Patient("p-1").ClinicId("DME-1").Named("Marie \"Mimi\"", "Tremblay, Côté; fils").WithAddress("marie@example.com").Build();

        var parsed = RoundTrip([patient]);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Single().FamilyName, Is.EqualTo("Tremblay, Côté; fils"));
            Assert.That(parsed.Single().GivenName, Is.EqualTo("Marie \"Mimi\""));
        });
    }
}
