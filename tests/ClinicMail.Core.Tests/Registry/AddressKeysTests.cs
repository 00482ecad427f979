using ClinicMail.Core.Registry;

namespace ClinicMail.Core.Tests.Registry;

public sealed class AddressKeysTests
{
    private static AddressKeys KeysOf(string raw) =>
        AddressKeys.For(AddressNormalizer.Normalize(raw) ?? throw new AssertionException("test address must be valid"));

    [TestCase("marie@example.com", "m\u0430rie@example.com", TestName = "For_CyrillicA_SameSkeleton")]
    [TestCase("olivier@example.com", "\u043Elivier@example.com", TestName = "For_CyrillicO_SameSkeleton")]
    [TestCase("paul@example.com", "\u0440aul@example.com", TestName = "For_CyrillicEr_SameSkeleton")]
    [TestCase("alice@example.com", "\u03B1lice@example.com", TestName = "For_GreekAlpha_SameSkeleton")]
    [TestCase("martin@example.com", "rnartin@example.com", TestName = "For_RnForM_SameSkeleton")]
    [TestCase("william@example.com", "vvilliam@example.com", TestName = "For_VvForW_SameSkeleton")]
    [TestCase("simon@example.com", "sim0n@example.com", TestName = "For_ZeroForO_SameSkeleton")]
    [TestCase("lili@example.com", "1i1i@example.com", TestName = "For_OneForL_SameSkeleton")]
    [TestCase("Isabelle@example.com", "lsabelle@example.com", TestName = "For_CapitalIForL_SameSkeleton")]
    [TestCase("josee@example.com", "josée@example.com", TestName = "For_Accent_SameSkeleton")]
    [TestCase("jean@gmail.com", "jean@gm\u0430il.com", TestName = "For_PunycodeDomain_SameSkeleton")]
    [TestCase("jean@videotron.ca", "jean@vidéotron.ca", TestName = "For_AccentedDomain_SameSkeleton")]
    [TestCase("jean.tremblay@gmail.com", "jeantremblay@gmail.com", TestName = "For_GmailDots_SameSkeleton")]
    [TestCase("jean.tremblay@gmail.com", "jean.tremblay+clinique@gmail.com", TestName = "For_GmailPlusTag_SameSkeleton")]
    [TestCase("jean.tremblay@gmail.com", "jeantremblay@googlemail.com", TestName = "For_GooglemailAlias_SameSkeleton")]
    [TestCase("jean.tremblay@outlook.com", "jean.tremblay+rdv@outlook.com", TestName = "For_OutlookPlusTag_SameSkeleton")]
    public void For_LookAlikeAddresses_ShareSkeleton(string registered, string typed) =>
        Assert.That(KeysOf(typed).Skeleton, Is.EqualTo(KeysOf(registered).Skeleton));

    [TestCase("jean.tremblay@videotron.ca", "jeantremblay@videotron.ca", TestName = "For_DotsOnNonGmailProvider_DifferentSkeleton")]
    [TestCase("jean+a@example.com", "jean@example.com", TestName = "For_PlusOnUnknownProvider_DifferentSkeleton")]
    [TestCase("marie.tremblay@videotron.ca", "sophie.lavoie@videotron.ca", TestName = "For_DifferentPeople_DifferentSkeleton")]
    [TestCase("jean@gmail.com", "jean@hotmail.com", TestName = "For_DifferentProvider_DifferentSkeleton")]
    public void For_DistinctAddresses_DifferentSkeletons(string a, string b) =>
        Assert.That(KeysOf(a).Skeleton, Is.Not.EqualTo(KeysOf(b).Skeleton));

    [Test]
    public void For_LongLocalPart_KeysAreTwoThirdsAndTheOuterEnds()
    {
        var keys = KeysOf("marie.tremblay@videotron.ca");

        Assert.Multiple(() =>
        {
            // 14 characters: prefix and suffix keep 8, the outer key the first and last 5.
            Assert.That(keys.LocalPrefix, Is.EqualTo("marie.tr"));
            Assert.That(keys.LocalSuffix, Is.EqualTo("trembiay"), "the 'l' is folded to the i-class");
            Assert.That(keys.LocalOuter, Is.EqualTo("mariembiay"));
            Assert.That(keys.Domain, Is.EqualTo("videotron.ca"));
            Assert.That(keys.Skeleton, Is.EqualTo("marie.trembiay@videotron.ca"));
        });
    }

    [Test]
    public void For_ShortLocalPart_AffixesAreWholeLocalPart()
    {
        var keys = KeysOf("jo@example.com");

        Assert.Multiple(() =>
        {
            Assert.That(keys.LocalPrefix, Is.EqualTo("jo"));
            Assert.That(keys.LocalSuffix, Is.EqualTo("jo"));
        });
    }

    [Test]
    public void For_OneTypo_KeepsPrefixOrSuffix()
    {
        var registered = KeysOf("sophie.lavoie@videotron.ca");
        var typoAtStart = KeysOf("sohpie.lavoie@videotron.ca");
        var typoAtEnd = KeysOf("sophie.lavoei@videotron.ca");

        Assert.Multiple(() =>
        {
            Assert.That(typoAtStart.LocalSuffix, Is.EqualTo(registered.LocalSuffix));
            Assert.That(typoAtEnd.LocalPrefix, Is.EqualTo(registered.LocalPrefix));
        });
    }

    [Test]
    public void For_SixCharacterLocalPart_FourCharacterAffixesNoOuterKey()
    {
        var keys = KeysOf("sophie@example.com");

        Assert.Multiple(() =>
        {
            Assert.That(keys.LocalPrefix, Is.EqualTo("soph"));
            Assert.That(keys.LocalSuffix, Is.EqualTo("phie"));
            Assert.That(keys.LocalOuter, Is.Empty);
        });
    }

    [Test]
    public void Probes_EveryEditOfEveryPosition_SomeKeyMatches()
    {
        // Exhaustive over one 16-character local part: every substitution, deletion, insertion and
        // swap, at every position, must leave a key the probe of the registered length shares.
        const string Local = "jeanfrancois.roy";
        var stored = KeysOf(Local + "@example.com");
        var typos = new List<string>();
        for (var p = 0; p <= Local.Length; p++)
        {
            typos.Add(Local.Insert(p, "x"));
            if (p < Local.Length)
            {
                typos.Add(Local.Remove(p, 1));
                typos.Add(Local.Remove(p, 1).Insert(p, "x"));
            }

            if (p < Local.Length - 1)
            {
                typos.Add(string.Concat(Local[..p], Local[p + 1].ToString(), Local[p].ToString(), Local[(p + 2)..]));
            }
        }

        Assert.That(typos.Where(t => t != Local).Where(t =>
        {
            var probe = KeysOf(t + "@example.com").Probes().Single(x => x.Length == stored.LocalLength);
            return probe.Prefix != stored.LocalPrefix && probe.Suffix != stored.LocalSuffix && probe.Outer != stored.LocalOuter;
        }), Is.Empty);
    }

    [TestCase("catherine.bergeron@example.org", "catherine.bregeron@example.org", TestName = "Probes_SwapInSecondHalf_PrefixProbeMatches")]
    [TestCase("catherine.bergeron@example.org", "cahterine.bergeron@example.org", TestName = "Probes_SwapInFirstHalf_SuffixProbeMatches")]
    [TestCase("catherine.bergeron@example.org", "catherine.bergero@example.org", TestName = "Probes_DroppedLastLetter_PrefixProbeMatches")]
    [TestCase("catherine.bergeron@example.org", "xcatherine.bergeron@example.org", TestName = "Probes_AddedFirstLetter_SuffixProbeMatches")]
    [TestCase("catherine.bergeron@example.org", "catherinebergeron@example.org", TestName = "Probes_DroppedMiddleLetter_OneProbeMatches")]
    public void Probes_OneEdit_SomeProbeOfTheRegisteredLengthMatches(string registered, string typed)
    {
        var stored = KeysOf(registered);
        var probe = KeysOf(typed);

        var atLength = probe.Probes().Single(p => p.Length == stored.LocalLength);

        Assert.That(atLength.Prefix == stored.LocalPrefix || atLength.Suffix == stored.LocalSuffix || atLength.Outer == stored.LocalOuter, Is.True);
    }

    [Test]
    public void For_GmailDomain_KeyDomainIsFolded()
    {
        Assert.That(KeysOf("jean@gmail.com").Domain, Is.EqualTo(KeysOf("jean@gmaii.com").Domain));
    }
}
