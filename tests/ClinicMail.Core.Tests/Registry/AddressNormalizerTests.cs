using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Tests.Registry;

public sealed class AddressNormalizerTests
{
    [TestCase("jean.tremblay@videotron.ca", "jean.tremblay@videotron.ca")]
    [TestCase("  Jean.Tremblay@Videotron.CA  ", "jean.tremblay@videotron.ca")]
    [TestCase("Jean Tremblay <Jean.Tremblay@Example.com>", "jean.tremblay@example.com")]
    [TestCase("\"Tremblay, Jean\" <JEAN@EXAMPLE.COM>", "jean@example.com")]
    [TestCase("<jean@example.com>", "jean@example.com")]
    [TestCase("mailto:jean@example.com", "jean@example.com")]
    [TestCase("jean@example.com.", "jean@example.com")]
    [TestCase("o'neil+rdv@example.org", "o'neil+rdv@example.org")]
    [TestCase("marie_claude-roy@sub.domain.example.net", "marie_claude-roy@sub.domain.example.net")]
    [TestCase("josee@Québec.example", "josee@xn--qubec-csa.example")]
    [TestCase("JOSÉE@example.com", "josée@example.com")]
    public void Normalize_ValidAddress_ReturnsNormalForm(string raw, string expected) =>
        Assert.That(AddressNormalizer.Normalize(raw), Is.EqualTo(expected));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("jean")]
    [TestCase("jean@")]
    [TestCase("@example.com")]
    [TestCase("jean@marie@example.com")]
    [TestCase("jean..tremblay@example.com")]
    [TestCase(".jean@example.com")]
    [TestCase("jean.@example.com")]
    [TestCase("jean tremblay@example.com")]
    [TestCase("\"jean\"@example.com")]
    [TestCase("jean@example")]
    [TestCase("jean@-example.com")]
    [TestCase("jean@example-.com")]
    [TestCase("jean@exa_mple.com")]
    [TestCase("jean@example..com")]
    [TestCase("jean@192.168.0.1")]
    [TestCase("jean@[192.168.0.1]")]
    [TestCase("Jean <jean@example.com")]
    [TestCase("jean@ab--cd.example")]
    [TestCase("jean☺@example.com")]
    public void Normalize_InvalidAddress_ReturnsNull(string? raw) =>
        Assert.That(AddressNormalizer.Normalize(raw), Is.Null);

    [Test]
    public void Normalize_LocalPartAtLimit_AcceptedAndOneMoreRejected()
    {
        var at64 = new string('a', 64) + "@example.com";
        var at65 = new string('a', 65) + "@example.com";

        Assert.Multiple(() =>
        {
            Assert.That(AddressNormalizer.Normalize(at64), Is.EqualTo(at64));
            Assert.That(AddressNormalizer.Normalize(at65), Is.Null);
        });
    }

    [Test]
    public void Normalize_DomainLabelOver63_Rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AddressNormalizer.Normalize("a@" + new string('b', 63) + ".com"), Is.Not.Null);
            Assert.That(AddressNormalizer.Normalize("a@" + new string('b', 64) + ".com"), Is.Null);
        });
    }

    [Test]
    public void Normalize_AddressOver254_Rejected()
    {
        // Four 60-letter labels: a valid domain of 247 characters, too long with a 10-letter local part.
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".ca";
        Assert.Multiple(() =>
        {
            Assert.That(AddressNormalizer.Normalize("abc@" + domain), Is.Not.Null);
            Assert.That(AddressNormalizer.Normalize("abcdefghij@" + domain), Is.Null);
        });
    }

    [Test]
    public void Normalize_CyrillicLetterInLocalPart_KeptSoItCanBeFlaggedAsLookalike()
    {
        // "mаrie" with U+0430 CYRILLIC SMALL LETTER A.
        var normalized = AddressNormalizer.Normalize("m\u0430rie@example.com");

        Assert.That(normalized, Is.EqualTo("m\u0430rie@example.com"));
    }

    [Test]
    public void Normalize_CyrillicLetterInDomain_EncodedAsPunycode()
    {
        var normalized = AddressNormalizer.Normalize("marie@gm\u0430il.com");

        Assert.That(normalized, Does.StartWith("marie@xn--").And.EndWith(".com"));
    }

    [Test]
    public void Normalize_FullWidthDomain_MappedToAscii()
    {
        Assert.That(AddressNormalizer.Normalize("marie@\uFF47\uFF4D\uFF41\uFF49\uFF4C.com"), Is.EqualTo("marie@gmail.com"));
    }

    [TestCase("jean@example.com", "example.com", "jean")]
    [TestCase("a+b@sub.example.ca", "sub.example.ca", "a+b")]
    public void DomainAndLocalPart_NormalizedAddress_SplitAtTheAt(string address, string domain, string local)
    {
        Assert.Multiple(() =>
        {
            Assert.That(AddressNormalizer.Domain(address), Is.EqualTo(domain));
            Assert.That(AddressNormalizer.LocalPart(address), Is.EqualTo(local));
        });
    }

    [TestCase("clinique.med", "clinique.med", true)]
    [TestCase("montreal.clinique.med", "clinique.med", true)]
    [TestCase("evilclinique.med", "clinique.med", false)]
    [TestCase("clinique.med.example.com", "clinique.med", false)]
    [TestCase("med", "clinique.med", false)]
    public void IsSameOrSubdomain_Cases(string domain, string parent, bool expected) =>
        Assert.That(AddressNormalizer.IsSameOrSubdomain(domain, parent), Is.EqualTo(expected));

    [TestCase("@Clinique.MED", "clinique.med")]
    [TestCase(" clinique.med ", "clinique.med")]
    [TestCase("Québec.example", "xn--qubec-csa.example")]
    [TestCase("not a domain", null)]
    [TestCase("", null)]
    public void NormalizeDomain_Cases(string raw, string? expected) =>
        Assert.That(AddressNormalizer.NormalizeDomain(raw), Is.EqualTo(expected));
}
