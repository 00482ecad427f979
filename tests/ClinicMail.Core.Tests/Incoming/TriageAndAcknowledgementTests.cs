using ClinicMail.Core.Incoming;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Incoming;

/// <summary>Triage of a received message (sender class from the registry, urgency, language,
/// sensitive topics) and the acknowledgement it gets, in French and English.</summary>
public sealed class TriageAndAcknowledgementTests
{
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static IncomingMessage Message(string subject, string body, string? contentLanguage = null) => new()
    {
        MessageId = "m1",
        ConversationId = "c1",
        Mailbox = "dr.tremblay@clinique.example",
        From = "marie.roy@example.com",
        Subject = subject,
        Body = body,
        ReceivedAt = DateTimeOffset.UnixEpoch,
        Headers = contentLanguage is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Content-Language"] = contentLanguage },
    };

    private static DirectoryMatch[] Registered(PatientBuilder patient, AddressKind kind = AddressKind.Personal)
    {
        var built = patient.WithAddress("marie.roy@example.com", kind).Build();
        return [new DirectoryMatch(built, built.Addresses[0])];
    }

    [Test]
    public void Triage_PatientWithConsent_MatchedAndInTheirLanguage()
    {
        var result = IncomingTriage.Triage(Message("Renouvellement", "Bonjour, je voudrais renouveler ma prescription."),
            Registered(PatientBuilder.Patient("pat_1").Speaking("en").WithConsent(ConsentBuilder.Granted())), Today);

        Assert.Multiple(() =>
        {
            Assert.That(result.Sender, Is.EqualTo(SenderClass.PatientWithConsent));
            Assert.That(result.PatientId, Is.EqualTo("pat_1"));
            Assert.That(result.Language, Is.EqualTo("en"), "the registered language wins over the message's");
            Assert.That(result.Urgent, Is.False);
        });
    }

    [Test]
    public void Triage_ExpiredOrRefusedConsent_IsWithoutConsent()
    {
        var expired = IncomingTriage.Triage(Message("x", "y"), Registered(PatientBuilder.Patient("p").WithConsent(ConsentBuilder.Granted().ExpiringOn(Today.AddDays(-1)))), Today);
        var refused = IncomingTriage.Triage(Message("x", "y"), Registered(PatientBuilder.Patient("p").WithConsent(ConsentBuilder.Refused())), Today);
        var none = IncomingTriage.Triage(Message("x", "y"), Registered(PatientBuilder.Patient("p").WithoutConsent()), Today);

        Assert.That(new[] { expired.Sender, refused.Sender, none.Sender }, Is.All.EqualTo(SenderClass.PatientWithoutConsent));
    }

    [Test]
    public void Triage_ThirdPartyAndUnknown()
    {
        var employer = IncomingTriage.Triage(Message("x", "y"), Registered(PatientBuilder.Patient("p").WithConsent(ConsentBuilder.Granted()), AddressKind.Employer), Today);
        var unknown = IncomingTriage.Triage(Message("x", "y"), [], Today);

        Assert.Multiple(() =>
        {
            Assert.That(employer.Sender, Is.EqualTo(SenderClass.ThirdPartyAddress));
            Assert.That(employer.PatientId, Is.Null);
            Assert.That(unknown.Sender, Is.EqualTo(SenderClass.Unknown));
        });
    }

    [TestCase("J'ai mal à la poitrine depuis ce matin et au bras gauche.")]
    [TestCase("Depuis hier j'ai des idées suicidaires, je ne sais plus quoi faire.")]
    [TestCase("Je n'arrive plus à respirer quand je monte l'escalier.")]
    [TestCase("I have chest pain and my left arm feels numb.")]
    [TestCase("My son can't breathe properly since this morning.")]
    [TestCase("I want to die, nothing helps anymore.")]
    public void Triage_UrgentSymptom_IsUrgent(string body) =>
        Assert.That(IncomingTriage.Triage(Message("Question", body), [], Today).Urgent, Is.True);

    [TestCase("Pouvez-vous déplacer mon rendez-vous de jeudi?")]
    [TestCase("Could you send me a copy of my vaccination record?")]
    public void Triage_OrdinaryRequest_IsNotUrgent(string body) =>
        Assert.That(IncomingTriage.Triage(Message("Question", body), [], Today).Urgent, Is.False);

    [Test]
    public void Triage_SensitiveTopicAndIdentifier_Noted()
    {
        var result = IncomingTriage.Triage(Message("Résultats", "Mon numéro d'assurance maladie est TREM 8501 0112 et je prends du lithium pour mon trouble bipolaire."), [], Today);

        Assert.Multiple(() =>
        {
            Assert.That(result.SensitiveTopics, Does.Contain(TopicCategory.MentalHealth));
            Assert.That(result.Identifiers, Is.Not.Empty);
        });
    }

    [TestCase("Bonjour docteur, je voudrais un rendez-vous pour mon fils.", null, "fr")]
    [TestCase("Hello doctor, I would like an appointment for my son.", null, "en")]
    [TestCase("Hello", "fr-CA", "fr")]
    [TestCase("Bonjour", "en-US", "en")]
    public void Triage_UnknownSender_LanguageOfTheMessage(string body, string? header, string expected) =>
        Assert.That(IncomingTriage.Triage(Message("", body, header), [], Today).Language, Is.EqualTo(expected));

    private static AcknowledgementMail Ack(SenderClass sender, string language, bool urgent = false, MailboxMode mode = MailboxMode.Correspondence) =>
        AcknowledgementComposer.Compose(new AcknowledgementFacts
        {
            Mode = mode,
            Triage = new TriageResult { Sender = sender, Language = language, Urgent = urgent, SensitiveTopics = [], Identifiers = [] },
            DelayBusinessDays = 2,
            DueDate = new DateOnly(2026, 12, 9),
            ClinicName = "Clinique du Plateau",
            ClinicPhone = "514 555-0100",
        });

    [Test]
    public void Compose_ConsentedFrench_StatesDelayDateWhatToDoAndUrgentOptions()
    {
        var ack = Ack(SenderClass.PatientWithConsent, "fr");

        Assert.Multiple(() =>
        {
            Assert.That(ack.Kind, Is.EqualTo(AcknowledgementComposer.CorrespondenceKind));
            Assert.That(ack.TextBody, Does.Contain("2 jour(s) ouvrable(s)").And.Contain("mercredi 9 décembre 2026"));
            Assert.That(ack.TextBody, Does.Contain("téléphonez à la clinique au 514 555-0100"));
            Assert.That(ack.TextBody, Does.Contain("911").And.Contain("salle d'urgence").And.Contain("clinique sans rendez-vous"));
            Assert.That(ack.TextBody, Does.Not.Contain("SI VOTRE SITUATION EST URGENTE"));
        });
    }

    [Test]
    public void Compose_ConsentedEnglishUrgent_LeadsWithUrgentGuidance()
    {
        var ack = Ack(SenderClass.PatientWithConsent, "en", urgent: true);

        Assert.Multiple(() =>
        {
            Assert.That(ack.TextBody, Does.StartWith("IF YOUR SITUATION IS URGENT"));
            Assert.That(ack.TextBody, Does.Contain("Wednesday, December 9, 2026").And.Contain("walk-in clinic").And.Contain("911"));
            Assert.That(ack.Language, Is.EqualTo("en"));
        });
    }

    [TestCase(SenderClass.PatientWithoutConsent, "consentement à l'utilisation du courriel n'est pas inscrit")]
    [TestCase(SenderClass.ThirdPartyAddress, "n'est pas l'adresse personnelle inscrite")]
    [TestCase(SenderClass.Unknown, "n'est pas inscrite au dossier")]
    public void Compose_NoConsent_PolicyReminderInsteadOfAPromise(SenderClass sender, string reminder)
    {
        var ack = Ack(sender, "fr");

        Assert.Multiple(() =>
        {
            Assert.That(ack.Kind, Is.EqualTo(AcknowledgementComposer.PolicyReminderKind));
            Assert.That(ack.TextBody, Does.Contain(reminder).And.Contain("514 555-0100"));
            Assert.That(ack.TextBody, Does.Not.Contain("au plus tard"), "no answer is promised");
        });
    }

    [Test]
    public void Compose_NotForPatients_SaysNoAnswerHereAndHowToReachTheClinic()
    {
        var fr = Ack(SenderClass.PatientWithConsent, "fr", mode: MailboxMode.NotForPatients);
        var en = Ack(SenderClass.Unknown, "en", mode: MailboxMode.NotForPatients);

        Assert.Multiple(() =>
        {
            Assert.That(fr.Kind, Is.EqualTo(AcknowledgementComposer.NotForPatientsKind));
            Assert.That(fr.TextBody, Does.Contain("n'est pas utilisée pour communiquer avec les patients").And.Contain("Clinique du Plateau, téléphonez au 514 555-0100"));
            Assert.That(en.TextBody, Does.Contain("not used to communicate with patients").And.Contain("call 514 555-0100"));
            Assert.That(fr.TextBody + en.TextBody, Does.Not.Contain("au plus tard").And.Not.Contain("no later than"));
        });
    }

    [Test]
    public void FormatDate_FirstOfMonthInFrench() =>
        Assert.That(AcknowledgementComposer.FormatDate(new DateOnly(2027, 2, 1), english: false), Is.EqualTo("lundi 1er février 2027"));
}
