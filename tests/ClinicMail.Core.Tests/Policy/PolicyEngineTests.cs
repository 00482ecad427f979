using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Identifiers;
using ClinicMail.Core.Policy;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Policy;

/// <summary>The policy over hand-built findings: each rule in isolation, then their combination.</summary>
public sealed class PolicyEngineTests
{
    private static readonly PolicyEngine Engine = PolicyEngine.Default;

    [Test]
    public void Evaluate_ConsentedPatientBenignContent_Allows()
    {
        var outcome = Evaluate(Patient("p1", consent: Granted()));

        Assert.That(outcome.Decision, Is.EqualTo(Decision.Allow));
        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.NotNeeded));
        Assert.That(outcome.Reasons, Is.Empty);
    }

    [TestCase("none", ReasonCode.ConsentMissing)]
    [TestCase("no_email", ReasonCode.ConsentMissing)]
    [TestCase("refused", ReasonCode.ConsentRefused)]
    [TestCase("revoked", ReasonCode.ConsentRevoked)]
    [TestCase("expired", ReasonCode.ConsentExpired)]
    public void Evaluate_PatientWithoutUsableConsent_BlocksWithoutOverride(string state, ReasonCode expected)
    {
        var outcome = Evaluate(Patient("p1", consent: new ConsentSummary { State = state }, status: RecipientStatus.PatientWithoutConsent));

        var reason = outcome.Reasons.Single(r => r.Code == expected);
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Block));
        Assert.That(reason.Overridable, Is.False);
        Assert.That(reason.PatientIds, Is.EqualTo(new[] { "p1" }));
        Assert.That(reason.Message.Fr, Is.Not.Empty);
        Assert.That(reason.Message.En, Is.Not.Empty);
    }

    [Test]
    public void Evaluate_SensitiveTopicOutsideConsent_BlocksOverridableAndRequiresSecureDelivery()
    {
        var outcome = Evaluate(Patient("p1", consent: Granted()), topics: [Topic(TopicCategory.MentalHealth)]);

        var reason = outcome.Reasons.Single(r => r.Code == ReasonCode.TopicOutsideConsent);
        Assert.That(reason.Overridable, Is.True);
        Assert.That(reason.Categories, Is.EqualTo(new[] { TopicCategory.MentalHealth }));
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Block));
        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Required));
    }

    [Test]
    public void Evaluate_SensitiveTopicAgreedInAdvance_RequiresSecureDeliveryOnly()
    {
        var consent = Granted(categories: [TopicCategory.Oncology]);
        var outcome = Evaluate(Patient("p1", consent: consent), topics: [Topic(TopicCategory.Oncology)]);

        Assert.That(outcome.Reasons.Select(r => r.Code), Does.Contain(ReasonCode.TopicInsideConsent));
        Assert.That(outcome.Reasons.Select(r => r.Code), Does.Not.Contain(ReasonCode.TopicOutsideConsent));
        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Required));
        Assert.That(outcome.Fixes.Select(f => f.Kind), Does.Contain(FixKind.SendSecurely));
        Assert.That(outcome.Reasons.Single(r => r.Code == ReasonCode.SecureDeliveryRequired).Severity, Is.EqualTo(Severity.Block));
    }

    [Test]
    public void Evaluate_ClinicalContentToInternalColleagueOnly_Allows()
    {
        var colleague = new RecipientReport
        {
            Address = "dre.roy@clinique.med",
            Field = RecipientField.To,
            Scope = RecipientScope.Internal,
            Status = RecipientStatus.Internal,
        };

        var outcome = Evaluate(colleague, topics: [Topic(TopicCategory.Oncology)], identifiers: [Identifier(IdentifierKind.Ramq)]);

        Assert.That(outcome.Decision, Is.EqualTo(Decision.Allow));
        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.NotNeeded));
    }

    [Test]
    public void Evaluate_IdentifiersToConsentedPatient_RequiresSecureDelivery()
    {
        var outcome = Evaluate(Patient("p1", consent: Granted()), identifiers: [Identifier(IdentifierKind.Ramq)]);

        Assert.That(outcome.Reasons.Select(r => r.Code), Does.Contain(ReasonCode.IdentifiersExternal));
        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Required));
    }

    [Test]
    public void Evaluate_NormalResultToConsumerMailbox_RequiresSecureDelivery()
    {
        var outcome = Evaluate(Patient("p1", consent: Granted(), consumer: true), clinical: true);

        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Required));
    }

    [Test]
    public void Evaluate_NormalResultToNonConsumerExternal_RequiresSecureDelivery()
    {
        // MSSS: any confidential data leaving the network needs extra encryption; consumer mailboxes are an example.
        var outcome = Evaluate(Patient("p1", consent: Granted(), consumer: false), clinical: true);

        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Required));
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Block));
    }

    [Test]
    public void Evaluate_OlderRuleConfigured_NormalResultToNonConsumerExternal_RecommendsSecureDelivery()
    {
        var options = new PolicyOptions { RequireSecureDeliveryForClinicalContent = false };

        var outcome = Engine.Evaluate(Input([Patient("p1", consent: Granted(), consumer: false)], clinical: true), options);

        Assert.That(outcome.SecureDelivery, Is.EqualTo(SecureDelivery.Recommended));
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Warn));
    }

    [Test]
    public void Evaluate_TwoPatientsInTo_BlocksWithMoveToBccFix()
    {
        var outcome = Evaluate(
            [Patient("p1", consent: Granted(), address: "a@gmail.com"), Patient("p2", consent: Granted(), address: "b@gmail.com")]);

        var fix = outcome.Fixes.Single(f => f.Kind == FixKind.MoveToBcc);
        Assert.That(outcome.Reasons.Single(r => r.Code == ReasonCode.BulkVisiblePatients).Overridable, Is.False);
        Assert.That(fix.Addresses, Is.EquivalentTo(new[] { "a@gmail.com", "b@gmail.com" }));
    }

    [Test]
    public void Evaluate_TwoPatientsInBcc_NoBulkReason()
    {
        var outcome = Evaluate(
            [Patient("p1", consent: Granted(), address: "a@gmail.com", field: RecipientField.Bcc),
             Patient("p2", consent: Granted(), address: "b@gmail.com", field: RecipientField.Bcc)]);

        Assert.That(outcome.Reasons.Select(r => r.Code), Does.Not.Contain(ReasonCode.BulkVisiblePatients));
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Allow));
    }

    [Test]
    public void Evaluate_ThirdPartyAddressWithoutConsent_Blocks()
    {
        var employer = Patient("p1", consent: Granted(), status: RecipientStatus.ThirdParty) with { AddressKind = AddressKind.Employer, ThirdPartyConsented = false };

        var outcome = Evaluate(employer);

        Assert.That(outcome.Reasons.Single(r => r.Code == ReasonCode.ThirdPartyAddress).Severity, Is.EqualTo(Severity.Block));
    }

    [Test]
    public void Evaluate_ThirdPartyAddressWithConsent_AllowsWithNote()
    {
        var employer = Patient("p1", consent: Granted(), status: RecipientStatus.ThirdParty) with { AddressKind = AddressKind.Employer, ThirdPartyConsented = true };

        var outcome = Evaluate(employer);

        Assert.That(outcome.Decision, Is.EqualTo(Decision.Allow));
        Assert.That(outcome.Reasons.Select(r => r.Code), Is.EqualTo(new[] { ReasonCode.ThirdPartyConsented }));
    }

    [Test]
    public void Evaluate_Lookalike_BlocksWithReplaceFix()
    {
        var look = new RecipientReport
        {
            Address = "marie.tremblay@gmial.com",
            Field = RecipientField.To,
            Scope = RecipientScope.External,
            Status = RecipientStatus.Lookalike,
            Lookalike = new LookalikeMatch("marie.tremblay@gmail.com", "p1", LookalikeTechnique.DomainTypo),
        };

        var outcome = Evaluate(look);

        var fix = outcome.Fixes.Single(f => f.Kind == FixKind.ReplaceAddress);
        Assert.That(fix.Replacement, Is.EqualTo("marie.tremblay@gmail.com"));
        Assert.That(outcome.Reasons.Single(r => r.Code == ReasonCode.LookalikeAddress).Overridable, Is.True);
    }

    [Test]
    public void Evaluate_UnknownRecipientBenign_Warns()
    {
        var outcome = Evaluate(Unknown("pharmacie@example.ca"));

        Assert.That(outcome.Decision, Is.EqualTo(Decision.Warn));
        Assert.That(outcome.Reasons.Single().Code, Is.EqualTo(ReasonCode.UnknownRecipient));
    }

    [Test]
    public void Evaluate_UnknownRecipientClinical_Blocks()
    {
        var outcome = Evaluate(Unknown("pharmacie@example.ca"), clinical: true);

        var reason = outcome.Reasons.Single(r => r.Code == ReasonCode.UnknownRecipient);
        Assert.That(reason.Severity, Is.EqualTo(Severity.Block));
        Assert.That(reason.Overridable, Is.False);
    }

    [Test]
    public void Evaluate_ReplyToUnregistered_UsesReplyCode()
    {
        var outcome = Evaluate(Unknown("someone@gmail.com"), isReply: true);

        Assert.That(outcome.Reasons.Single().Code, Is.EqualTo(ReasonCode.ReplyToUnregistered));
    }

    [Test]
    public void Evaluate_RestrictedPatient_BlocksWithoutOverride()
    {
        var restricted = Patient("p1", consent: Granted(), status: RecipientStatus.RestrictedPatient) with { Restricted = true };

        var outcome = Evaluate(restricted);

        var reason = outcome.Reasons.Single(r => r.Code == ReasonCode.PatientRestricted);
        Assert.That(reason.Overridable, Is.False);
        Assert.That(outcome.Decision, Is.EqualTo(Decision.Block));
    }

    [Test]
    public void Evaluate_DeclaredTermForThatPatient_BlocksAsOutsideConsent()
    {
        var declared = new TopicFinding
        {
            Category = TopicCategory.PatientDeclared,
            Confidence = 1,
            Evidence = [new Evidence(TextPart.Body, 0, 3, "IVG", 1)],
            PatientIds = ["p1"],
        };

        var outcome = Evaluate([Patient("p1", consent: Granted())], declared: [declared]);

        var reason = outcome.Reasons.Single(r => r.Code == ReasonCode.TopicOutsideConsent);
        Assert.That(reason.Categories, Is.EqualTo(new[] { TopicCategory.PatientDeclared }));
    }

    [Test]
    public void Evaluate_AppointmentsOnlyConsentWithClinicalContent_Warns()
    {
        var outcome = Evaluate(Patient("p1", consent: Granted(uses: [ConsentUse.Appointments]), consumer: false), clinical: true);

        Assert.That(outcome.Reasons.Select(r => r.Code), Does.Contain(ReasonCode.UseOutsideConsent));
    }

    [Test]
    public void Evaluate_ClinicOverridesSeverity_UsesConfiguredSetting()
    {
        var options = new PolicyOptions
        {
            Rules = new Dictionary<ReasonCode, RuleSetting> { [ReasonCode.SecureDeliveryRecommended] = new(Severity.Info, false) },
            RequireSecureDeliveryForClinicalContent = false,
        };

        var outcome = Engine.Evaluate(Input([Patient("p1", consent: Granted(), consumer: false)], clinical: true), options);

        Assert.That(outcome.Decision, Is.EqualTo(Decision.Allow));
    }

    [Test]
    public void Defaults_EveryReasonCodeHasASetting()
    {
        foreach (var code in Enum.GetValues<ReasonCode>())
        {
            Assert.That(PolicyOptions.Defaults.ContainsKey(code), Is.True, $"{code} has no default setting");
        }
    }

    private static PolicyOutcome Evaluate(
        RecipientReport recipient,
        IReadOnlyList<TopicFinding>? topics = null,
        IReadOnlyList<IdentifierFinding>? identifiers = null,
        bool clinical = false,
        bool isReply = false) =>
        Evaluate([recipient], topics, identifiers, clinical, isReply);

    private static PolicyOutcome Evaluate(
        IReadOnlyList<RecipientReport> recipients,
        IReadOnlyList<TopicFinding>? topics = null,
        IReadOnlyList<IdentifierFinding>? identifiers = null,
        bool clinical = false,
        bool isReply = false,
        IReadOnlyList<TopicFinding>? declared = null) =>
        Engine.Evaluate(Input(recipients, topics, identifiers, clinical, isReply, declared), PolicyOptions.Default);

    private static PolicyInput Input(
        IReadOnlyList<RecipientReport> recipients,
        IReadOnlyList<TopicFinding>? topics = null,
        IReadOnlyList<IdentifierFinding>? identifiers = null,
        bool clinical = false,
        bool isReply = false,
        IReadOnlyList<TopicFinding>? declared = null) => new()
        {
            Draft = new Draft { Subject = "s", Body = "b", IsReply = isReply },
            Topics = new TopicAnalysis
            {
                Topics = topics ?? [],
                ClinicalEvidence = clinical ? [new Evidence(TextPart.Body, 0, 8, "résultat", 0.8)] : [],
            },
            Declared = declared ?? [],
            Identifiers = identifiers ?? [],
            Recipients = recipients,
        };

    private static ConsentSummary Granted(IReadOnlyList<TopicCategory>? categories = null, IReadOnlyList<ConsentUse>? uses = null) => new()
    {
        State = "granted",
        Method = ConsentMethod.SignedForm,
        Uses = uses ?? [ConsentUse.Appointments, ConsentUse.NormalResults, ConsentUse.GeneralAdvice],
        Categories = categories ?? [],
    };

    private static RecipientReport Patient(
        string id,
        ConsentSummary consent,
        RecipientStatus status = RecipientStatus.ConsentedPatient,
        string address = "patient@gmail.com",
        RecipientField field = RecipientField.To,
        bool consumer = true) => new()
        {
            Address = address,
            Field = field,
            Scope = RecipientScope.External,
            Status = status,
            PatientId = id,
            PatientIds = [id],
            Patients = [new Patient { Id = id, ClinicPatientId = "C" + id, FamilyName = "F", GivenName = "G" }],
            Consent = consent,
            AddressKind = AddressKind.Personal,
            ConsumerMailbox = consumer,
        };

    private static RecipientReport Unknown(string address) => new()
    {
        Address = address,
        Field = RecipientField.To,
        Scope = RecipientScope.External,
        Status = RecipientStatus.Unknown,
    };

    private static TopicFinding Topic(TopicCategory category) => new()
    {
        Category = category,
        Confidence = 0.9,
        Evidence = [new Evidence(TextPart.Body, 0, 4, "word", 0.9)],
    };

    private static IdentifierFinding Identifier(IdentifierKind kind) => new()
    {
        Kind = kind,
        Evidence = [new Evidence(TextPart.Body, 0, 12, "TREM85122512", 0.95)],
    };
}
