using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Recipients;

public sealed class RecipientResolverTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);
    private static readonly string[] Internal = ["clinique-exemple.med"];

    private static readonly Patient Marie = PatientBuilder.Patient("p-marie").Named("Marie", "Tremblay")
        .WithAddress("marie.tremblay@videotron.ca").Build();

    private static readonly Patient Jean = PatientBuilder.Patient("p-jean").Named("Jean", "Gagnon")
        .WithAddress("jean.gagnon@gmail.com").Build();

    private static readonly Patient Martin = PatientBuilder.Patient("p-martin").Named("Martin", "Roy")
        .WithAddress("martin.roy@example.com").Build();

    private static readonly Patient Sophie = PatientBuilder.Patient("p-sophie").Named("Sophie", "Lavoie")
        .WithAddress("sophie.lavoie@hotmail.com").Build();

    private static readonly Patient Catherine = PatientBuilder.Patient("p-catherine").Named("Catherine", "Bergeron")
        .WithAddress("catherine.bergeron@example.org").Build();

    private static readonly Patient Andre = PatientBuilder.Patient("p-andre").Named("André", "Pelletier")
        .WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, thirdPartyConsented: true)
        .WithConsent(ConsentBuilder.Granted().ForUses(ConsentUse.Appointments, ConsentUse.NormalResults).AgreeingTo(TopicCategory.Oncology))
        .Build();

    private static readonly Patient Louise = PatientBuilder.Patient("p-louise").Named("Louise", "Pelletier")
        .WithAddress("famille.pelletier@videotron.ca", AddressKind.FamilyShared, thirdPartyConsented: true)
        .WithConsent(ConsentBuilder.Granted().ForUses(ConsentUse.Appointments))
        .Build();

    private static readonly Patient Chantal = PatientBuilder.Patient("p-chantal").Named("Chantal", "Fortin")
        .WithAddress("c.fortin@employeur.example.com", AddressKind.Employer, thirdPartyConsented: true).Build();

    private static readonly Patient Robert = PatientBuilder.Patient("p-robert").Named("Robert", "Gagné")
        .WithAddress("r.gagne@employeur.example.com", AddressKind.Employer, thirdPartyConsented: false).Build();

    private static readonly Patient Michel = PatientBuilder.Patient("p-michel").Named("Michel", "Lavoie")
        .WithAddress("michel.lavoie@gmail.com").Restricted("comportement", new DateOnly(2024, 3, 1)).Build();

    private static readonly Patient Marc = PatientBuilder.Patient("p-marc").Named("Marc", "Roy")
        .WithAddress("marc.roy@example.com").Build();

    private static readonly Patient Marc1 = PatientBuilder.Patient("p-marc1").Named("Marc", "Roy")
        .WithAddress("marc.roy1@example.com").Build();

    private static readonly Patient Jo = PatientBuilder.Patient("p-jo").Named("Jo", "Nadeau")
        .WithAddress("jo@example.net").Build();

    private static readonly Patient Alexandre = PatientBuilder.Patient("p-alexandre").Named("Alexandre", "Desrosiers")
        .WithAddress("alexandre.desrosiers@cogeco.ca").Build();

    private static readonly InMemoryPatientDirectory Directory = new(
        [Marie, Jean, Martin, Sophie, Catherine, Andre, Louise, Chantal, Robert, Michel, Marc, Marc1, Jo, Alexandre]);

    private static async Task<RecipientReport> ResolveOneAsync(string address, IPatientDirectory? directory = null, DateOnly? today = null)
    {
        var draft = new Draft { To = [new DraftRecipient(address)] };
        var reports = await RecipientResolver.Default.ResolveAsync(draft, directory ?? Directory, Internal, today ?? Today);
        return reports.Single();
    }

    [Test]
    public async Task ResolveAsync_RegisteredConsentedPatient_ConsentedPatient()
    {
        var report = await ResolveOneAsync("Marie Tremblay <Marie.Tremblay@Videotron.ca>");

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.ConsentedPatient));
            Assert.That(report.Address, Is.EqualTo("marie.tremblay@videotron.ca"));
            Assert.That(report.Scope, Is.EqualTo(RecipientScope.External));
            Assert.That(report.PatientId, Is.EqualTo("p-marie"));
            Assert.That(report.PatientIds, Is.EqualTo(new[] { "p-marie" }));
            Assert.That(report.Patients.Single().Id, Is.EqualTo("p-marie"));
            Assert.That(report.Consent!.State, Is.EqualTo("granted"));
            Assert.That(report.AddressKind, Is.EqualTo(AddressKind.Personal));
            Assert.That(report.ThirdPartyConsented, Is.Null);
            Assert.That(report.ConsumerMailbox, Is.True);
            Assert.That(report.Lookalike, Is.Null);
        });
    }

    [TestCase("jean.gagnon@gmial.com", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_GmialTypo_DomainTypo")]
    [TestCase("jean.gagnon@gmaill.com", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_GmaillTypo_DomainTypo")]
    [TestCase("jean.gagnon@gamil.com", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_GamilTypo_DomainTypo")]
    [TestCase("jean.gagnon@gmail.con", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_GmailConTypo_DomainTypo")]
    [TestCase("sophie.lavoie@hotmial.com", "sophie.lavoie@hotmail.com", "p-sophie", TestName = "ResolveAsync_HotmialTypo_DomainTypo")]
    [TestCase("marie.tremblay@videotrom.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_VideotromTypo_DomainTypo")]
    [TestCase("catherine.bergeron@exemple.org", "catherine.bergeron@example.org", "p-catherine", TestName = "ResolveAsync_OneEditFromRegisteredDomain_DomainTypo")]
    [TestCase("alexandre.desrosiers@cogecoo.ca", "alexandre.desrosiers@cogeco.ca", "p-alexandre", TestName = "ResolveAsync_OneEditFromProviderDomain_DomainTypo")]
    [TestCase("marie.tremblay@videotron.com", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_ProviderNameUnderAnotherTld_DomainTypo")]
    [TestCase("catherine.bergeron@example.ca", "catherine.bergeron@example.org", "p-catherine", TestName = "ResolveAsync_RegisteredNameUnderAnotherTld_DomainTypo")]
    public async Task ResolveAsync_DomainTypo_LookalikeDomainTypo(string typed, string registered, string patientId)
    {
        var report = await ResolveOneAsync(typed);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Lookalike));
            Assert.That(report.Lookalike, Is.EqualTo(new LookalikeMatch(registered, patientId, LookalikeTechnique.DomainTypo)));
            Assert.That(report.PatientId, Is.Null, "a look-alike is not the patient's address");
            Assert.That(report.IsPatient, Is.False);
        });
    }

    [TestCase("m\u0430rie.tremblay@videotron.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_CyrillicAInLocalPart_Confusable")]
    [TestCase("rnartin.roy@example.com", "martin.roy@example.com", "p-martin", TestName = "ResolveAsync_RnForM_Confusable")]
    [TestCase("s0phie.lavoie@hotmail.com", "sophie.lavoie@hotmail.com", "p-sophie", TestName = "ResolveAsync_ZeroForO_Confusable")]
    [TestCase("jeangagnon@gmail.com", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_GmailWithoutDot_Confusable")]
    public async Task ResolveAsync_ConfusableCharacters_LookalikeConfusable(string typed, string registered, string patientId)
    {
        var report = await ResolveOneAsync(typed);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Lookalike));
            Assert.That(report.Lookalike, Is.EqualTo(new LookalikeMatch(registered, patientId, LookalikeTechnique.Confusable)));
        });
    }

    [TestCase("jean.gagnon@gm\u0430il.com", "jean.gagnon@gmail.com", "p-jean", TestName = "ResolveAsync_CyrillicAInDomain_Punycode")]
    [TestCase("marie.tremblay@vidéotron.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_AccentedDomain_Punycode")]
    [TestCase("marie.tremblay@xn--vidotron-d1a.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_XnLabelTyped_Punycode")]
    public async Task ResolveAsync_InternationalisedDomain_LookalikePunycode(string typed, string registered, string patientId)
    {
        var report = await ResolveOneAsync(typed);

        Assert.Multiple(() =>
        {
            Assert.That(report.Address, Does.Contain("@xn--"));
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Lookalike));
            Assert.That(report.Lookalike, Is.EqualTo(new LookalikeMatch(registered, patientId, LookalikeTechnique.Punycode)));
        });
    }

    [TestCase("marie.tremblai@videotron.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_OneLetterTypo_EditDistance")]
    [TestCase("marie.trmeblay@videotron.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_SwappedLetters_EditDistance")]
    [TestCase("mare.tremblay@videotron.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_MissingLetter_EditDistance")]
    [TestCase("martin.royy@example.com", "martin.roy@example.com", "p-martin", TestName = "ResolveAsync_DoubledLetter_EditDistance")]
    [TestCase("catherine.bregeron@example.org", "catherine.bergeron@example.org", "p-catherine", TestName = "ResolveAsync_SwapInLongLocal_EditDistance")]
    [TestCase("catherine.bregeran@example.org", "catherine.bergeron@example.org", "p-catherine", TestName = "ResolveAsync_TwoEditsInLongLocal_EditDistance")]
    [TestCase("marie.tremblai@videotrom.ca", "marie.tremblay@videotron.ca", "p-marie", TestName = "ResolveAsync_TypoOnCorrectedDomain_EditDistance")]
    public async Task ResolveAsync_NearMissLocalPart_LookalikeEditDistance(string typed, string registered, string patientId)
    {
        var report = await ResolveOneAsync(typed);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Lookalike));
            Assert.That(report.Lookalike, Is.EqualTo(new LookalikeMatch(registered, patientId, LookalikeTechnique.EditDistance)));
        });
    }

    [TestCase("sophie.lavoie@videotron.ca", TestName = "ResolveAsync_DifferentPersonSameProvider_Unknown")]
    [TestCase("paul.martin@gmial.com", TestName = "ResolveAsync_TypoDomainButUnregisteredLocal_Unknown")]
    [TestCase("marie.tremblay@hotmail.com", TestName = "ResolveAsync_SameLocalOnOtherRealProvider_Unknown")]
    [TestCase("jp@example.net", TestName = "ResolveAsync_OneEditOnTwoLetterLocal_Unknown")]
    [TestCase("mark.roi@example.com", TestName = "ResolveAsync_TwoEditsOnShortLocal_Unknown")]
    [TestCase("martine.rousseau@example.com", TestName = "ResolveAsync_SharedPrefixOnly_Unknown")]
    [TestCase("jean.gagnon@yahoo.ca", TestName = "ResolveAsync_SameLocalOnYahoo_Unknown")]
    [TestCase("paul.martin@videotron.com", TestName = "ResolveAsync_UnregisteredPersonUnderAnotherTld_Unknown")]
    public async Task ResolveAsync_ClearlyDifferentAddress_UnknownWithoutLookalike(string typed)
    {
        var report = await ResolveOneAsync(typed);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Unknown));
            Assert.That(report.Lookalike, Is.Null);
            Assert.That(report.PatientIds, Is.Empty);
        });
    }

    [Test]
    public async Task ResolveAsync_TwoRegisteredAddressesOneEditApart_NeitherFlagsTheOther()
    {
        var draft = new Draft { To = [new DraftRecipient("marc.roy@example.com")], Bcc = [new DraftRecipient("marc.roy1@example.com")] };

        var reports = await RecipientResolver.Default.ResolveAsync(draft, Directory, Internal, Today);

        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.Status), Is.All.EqualTo(RecipientStatus.ConsentedPatient));
            Assert.That(reports.Select(r => r.Lookalike), Is.All.Null);
            Assert.That(reports.Select(r => r.PatientId), Is.EqualTo(new[] { "p-marc", "p-marc1" }));
        });
    }

    [TestCase("dr.hebert@clinique-exemple.med", TestName = "ResolveAsync_InternalDomain_Internal")]
    [TestCase("dr.hebert@Montreal.Clinique-Exemple.MED", TestName = "ResolveAsync_InternalSubdomain_Internal")]
    public async Task ResolveAsync_OrganisationDomain_InternalScope(string address)
    {
        var report = await ResolveOneAsync(address);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Internal));
            Assert.That(report.Scope, Is.EqualTo(RecipientScope.Internal));
            Assert.That(report.ConsumerMailbox, Is.False);
        });
    }

    [Test]
    public async Task ResolveAsync_DomainEndingLikeInternal_External()
    {
        var report = await ResolveOneAsync("dr.hebert@fausse-clinique-exemple.med");

        Assert.Multiple(() =>
        {
            Assert.That(report.Scope, Is.EqualTo(RecipientScope.External));
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Unknown));
        });
    }

    [Test]
    public async Task ResolveAsync_FamilySharedAddress_BothPatientsAndCommonScope()
    {
        var report = await ResolveOneAsync("famille.pelletier@videotron.ca");

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.ThirdParty));
            Assert.That(report.PatientIds, Is.EquivalentTo(new[] { "p-andre", "p-louise" }));
            Assert.That(report.Patients, Has.Count.EqualTo(2));
            Assert.That(report.PatientId, Is.EqualTo(report.PatientIds[0]));
            Assert.That(report.AddressKind, Is.EqualTo(AddressKind.FamilyShared));
            Assert.That(report.ThirdPartyConsented, Is.True);
            Assert.That(report.Consent!.State, Is.EqualTo("granted"));
            Assert.That(report.Consent.Uses, Is.EqualTo(new[] { ConsentUse.Appointments }), "only what both agreed to");
            Assert.That(report.Consent.Categories, Is.Empty, "only one of them agreed to oncology");
        });
    }

    [Test]
    public async Task ResolveAsync_EmployerAddressWithConsent_ThirdPartyConsented()
    {
        var report = await ResolveOneAsync("c.fortin@employeur.example.com");

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.ThirdParty));
            Assert.That(report.AddressKind, Is.EqualTo(AddressKind.Employer));
            Assert.That(report.ThirdPartyConsented, Is.True);
            Assert.That(report.ConsumerMailbox, Is.False);
        });
    }

    [Test]
    public async Task ResolveAsync_EmployerAddressWithoutConsent_ThirdPartyNotConsented()
    {
        var report = await ResolveOneAsync("r.gagne@employeur.example.com");

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.ThirdParty));
            Assert.That(report.ThirdPartyConsented, Is.False);
            Assert.That(report.PatientId, Is.EqualTo("p-robert"));
        });
    }

    [Test]
    public async Task ResolveAsync_RestrictedPatient_RestrictedEvenWithConsent()
    {
        var report = await ResolveOneAsync("michel.lavoie@gmail.com");

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.RestrictedPatient));
            Assert.That(report.Restricted, Is.True);
            Assert.That(report.Consent!.State, Is.EqualTo("granted"));
        });
    }

    private static Patient WithConsent(Consent? consent) =>
        PatientBuilder.Patient("p-consent").WithAddress("nathalie.morin@example.net").WithConsent(consent).Build();

    [Test]
    public async Task ResolveAsync_NoConsentRecorded_PatientWithoutConsentNone() =>
        await AssertConsentStateAsync(null, "none", RecipientStatus.PatientWithoutConsent);

    [Test]
    public async Task ResolveAsync_ConsentRefused_PatientWithoutConsentRefused() =>
        await AssertConsentStateAsync(ConsentBuilder.Refused().Build(), "refused", RecipientStatus.PatientWithoutConsent);

    [Test]
    public async Task ResolveAsync_ConsentRevoked_PatientWithoutConsentRevoked() =>
        await AssertConsentStateAsync(ConsentBuilder.Revoked().Build(), "revoked", RecipientStatus.PatientWithoutConsent);

    [Test]
    public async Task ResolveAsync_ConsentExpiredYesterday_PatientWithoutConsentExpired() =>
        await AssertConsentStateAsync(ConsentBuilder.Granted().ExpiringOn(Today.AddDays(-1)).Build(), "expired", RecipientStatus.PatientWithoutConsent);

    [Test]
    public async Task ResolveAsync_ConsentExpiringToday_StillGranted() =>
        await AssertConsentStateAsync(ConsentBuilder.Granted().ExpiringOn(Today).Build(), "granted", RecipientStatus.ConsentedPatient);

    [Test]
    public async Task ResolveAsync_ConsentForSmsOnly_PatientWithoutConsentNoEmail() =>
        await AssertConsentStateAsync(ConsentBuilder.Granted().WithoutEmail().WithSms().Build(), "no_email", RecipientStatus.PatientWithoutConsent);

    [Test]
    public async Task ResolveAsync_GrantedWithCategories_SummaryCarriesScope()
    {
        var consent = ConsentBuilder.Granted().Verbal().ForUses(ConsentUse.Appointments, ConsentUse.TreatmentAdjustment)
            .AgreeingTo(TopicCategory.MentalHealth).Build();
        var directory = new InMemoryPatientDirectory([WithConsent(consent)]);

        var report = await ResolveOneAsync("nathalie.morin@example.net", directory);

        Assert.Multiple(() =>
        {
            Assert.That(report.Consent!.State, Is.EqualTo("granted"));
            Assert.That(report.Consent.Method, Is.EqualTo(ConsentMethod.VerbalNoted));
            Assert.That(report.Consent.Uses, Is.EqualTo(new[] { ConsentUse.Appointments, ConsentUse.TreatmentAdjustment }));
            Assert.That(report.Consent.Categories, Is.EqualTo(new[] { TopicCategory.MentalHealth }));
        });
    }

    private static async Task AssertConsentStateAsync(Consent? consent, string state, RecipientStatus status)
    {
        var directory = new InMemoryPatientDirectory([WithConsent(consent)]);

        var report = await ResolveOneAsync("nathalie.morin@example.net", directory);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(status));
            Assert.That(report.Consent!.State, Is.EqualTo(state));
            Assert.That(report.PatientId, Is.EqualTo("p-consent"));
        });
    }

    [Test]
    public async Task ResolveAsync_SharedAddressOneWithoutConsent_StrictestWins()
    {
        var withConsent = PatientBuilder.Patient("p-a").WithAddress("famille.roy@example.net", AddressKind.FamilyShared, true).Build();
        var refused = PatientBuilder.Patient("p-b").WithAddress("famille.roy@example.net", AddressKind.FamilyShared, true)
            .WithConsent(ConsentBuilder.Refused()).Build();

        var report = await ResolveOneAsync("famille.roy@example.net", new InMemoryPatientDirectory([withConsent, refused]));

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.PatientWithoutConsent));
            Assert.That(report.Consent!.State, Is.EqualTo("refused"));
        });
    }

    [TestCase("jean tremblay", TestName = "ResolveAsync_NoAt_Invalid")]
    [TestCase("jean@@example.com", TestName = "ResolveAsync_DoubleAt_Invalid")]
    [TestCase("", TestName = "ResolveAsync_Empty_Invalid")]
    public async Task ResolveAsync_MalformedAddress_Invalid(string address)
    {
        var report = await ResolveOneAsync(address);

        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(RecipientStatus.Invalid));
            Assert.That(report.Scope, Is.EqualTo(RecipientScope.External), "fails closed: never internal");
        });
    }

    [TestCase("someone@gmail.com", true)]
    [TestCase("someone@videotron.ca", true)]
    [TestCase("someone@tlb.sympatico.ca", true)]
    [TestCase("someone@proton.me", true)]
    [TestCase("someone@example.com", false)]
    [TestCase("someone@notgmail.com", false)]
    public async Task ResolveAsync_ProviderDomain_ConsumerMailboxFlag(string address, bool consumer)
    {
        var report = await ResolveOneAsync(address);

        Assert.That(report.ConsumerMailbox, Is.EqualTo(consumer));
    }

    [Test]
    public async Task ResolveAsync_DuplicateAndAllFields_OneReportPerOccurrenceInOrder()
    {
        var draft = new Draft
        {
            To = [new DraftRecipient("marie.tremblay@videotron.ca"), new DraftRecipient("jean.gagnon@gmial.com")],
            Cc = [new DraftRecipient("dr.hebert@clinique-exemple.med"), new DraftRecipient("Marie.Tremblay@videotron.ca")],
            Bcc = [new DraftRecipient("jean.gagnon@gmial.com"), new DraftRecipient("pas une adresse")],
        };

        var reports = await RecipientResolver.Default.ResolveAsync(draft, Directory, Internal, Today);

        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.Field), Is.EqualTo(new[]
            {
                RecipientField.To, RecipientField.To, RecipientField.Cc, RecipientField.Cc, RecipientField.Bcc, RecipientField.Bcc,
            }));
            Assert.That(reports.Select(r => r.Status), Is.EqualTo(new[]
            {
                RecipientStatus.ConsentedPatient, RecipientStatus.Lookalike, RecipientStatus.Internal,
                RecipientStatus.ConsentedPatient, RecipientStatus.Lookalike, RecipientStatus.Invalid,
            }));
        });
    }

    [Test]
    public async Task ResolveAsync_NoDirectory_EveryExternalUnknownWithoutLookalike()
    {
        var draft = new Draft
        {
            To = [new DraftRecipient("marie.tremblay@videotron.ca"), new DraftRecipient("jean.gagnon@gmial.com")],
            Cc = [new DraftRecipient("dr.hebert@clinique-exemple.med")],
        };

        var reports = await RecipientResolver.Default.ResolveAsync(draft, null, Internal, Today);

        Assert.Multiple(() =>
        {
            Assert.That(reports.Select(r => r.Status), Is.EqualTo(new[]
            {
                RecipientStatus.Unknown, RecipientStatus.Unknown, RecipientStatus.Internal,
            }));
            Assert.That(reports.Select(r => r.Lookalike), Is.All.Null);
            Assert.That(reports[0].ConsumerMailbox, Is.True);
        });
    }

    [Test]
    public async Task ResolveAsync_ManyRecipients_OneLookupPerKindOfQuestion()
    {
        var counting = new CountingDirectory(Directory);
        var draft = new Draft
        {
            To = [new DraftRecipient("marie.tremblay@videotron.ca"), new DraftRecipient("jean.gagnon@gmial.com")],
            Cc = [new DraftRecipient("inconnu@example.com"), new DraftRecipient("rnartin.roy@example.com")],
            Bcc = [new DraftRecipient("sophie.lavoie@hotmail.com"), new DraftRecipient("quelqu.un@videotron.ca")],
        };

        var reports = await RecipientResolver.Default.ResolveAsync(draft, counting, Internal, Today);

        Assert.Multiple(() =>
        {
            Assert.That(reports, Has.Count.EqualTo(6));
            Assert.That(counting.LookUpCalls, Is.EqualTo(1));
            Assert.That(counting.ExactCalls, Is.EqualTo(1));
            Assert.That(counting.NearMissCalls, Is.EqualTo(1));
            Assert.That(counting.DomainCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ResolveAsync_AllRegistered_NoNearMissLookup()
    {
        var counting = new CountingDirectory(Directory);
        var draft = new Draft { To = [new DraftRecipient("marie.tremblay@videotron.ca"), new DraftRecipient("jean.gagnon@gmail.com")] };

        await RecipientResolver.Default.ResolveAsync(draft, counting, Internal, Today);

        // The registered domains are read up front (the stores cache them) so that the probe keys
        // travel with the exact look-up; the near-miss search itself still only runs for unknowns.
        Assert.Multiple(() =>
        {
            Assert.That(counting.LookUpCalls, Is.EqualTo(1));
            Assert.That(counting.ExactCalls, Is.EqualTo(1));
            Assert.That(counting.NearMissCalls, Is.Zero);
            Assert.That(counting.DomainCalls, Is.EqualTo(1));
        });
    }

    /// <summary>The real in-memory directory, counting how often it is asked each kind of question
    /// (<see cref="IPatientDirectory.LookUpAsync"/> is the interface's default, built on the two others).</summary>
    private sealed class CountingDirectory(IPatientDirectory inner) : IPatientDirectory
    {
        public int LookUpCalls { get; private set; }

        public int ExactCalls { get; private set; }

        public Task<DirectoryLookup> LookUpAsync(IReadOnlyList<AddressLookup> lookups, CancellationToken cancellationToken = default)
        {
            LookUpCalls++;
            return DirectoryLookup.AskSeparatelyAsync(this, lookups, cancellationToken);
        }

        public int NearMissCalls { get; private set; }

        public int DomainCalls { get; private set; }

        public Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindByAddressesAsync(
            IReadOnlyCollection<string> normalizedAddresses, CancellationToken cancellationToken = default)
        {
            ExactCalls++;
            return inner.FindByAddressesAsync(normalizedAddresses, cancellationToken);
        }

        public Task<IReadOnlyList<DirectoryMatch>> FindNearMissCandidatesAsync(
            IReadOnlyCollection<AddressKeys> keys, CancellationToken cancellationToken = default)
        {
            NearMissCalls++;
            return inner.FindNearMissCandidatesAsync(keys, cancellationToken);
        }

        public Task<IReadOnlySet<string>> RegisteredDomainsAsync(CancellationToken cancellationToken = default)
        {
            DomainCalls++;
            return inner.RegisteredDomainsAsync(cancellationToken);
        }
    }
}
