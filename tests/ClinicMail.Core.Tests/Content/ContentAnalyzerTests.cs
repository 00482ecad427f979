using ClinicMail.Core.Content;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Tests.Content;

/// <summary>The use classifier and the urgency reading (issue 17, defects 2, 5 and 8), in French and English:
/// the registry's uses (« Les usages pratiques les plus réalistes »), general advice with no patient data,
/// urgent symptoms deferred by e-mail, and the guide's own redirection text (911, urgence) never counted.</summary>
public sealed class ContentAnalyzerTests
{
    private static ContentAnalysis Analyze(string body, string subject = "Suivi", IReadOnlyList<AttachmentInfo>? attachments = null) =>
        ContentAnalyzer.Analyze(DraftTextExtractor.Extract(new Draft { Subject = subject, Body = body, Attachments = attachments ?? [] }));

    [TestCase("Votre rendez-vous de jeudi à 9 h est confirmé.")]
    [TestCase("Pouvez-vous me donner vos disponibilités pour la semaine prochaine?")]
    [TestCase("Your appointment is moved to Tuesday at 10.")]
    [TestCase("We need to reschedule your visit.")]
    public void Appointment_OnlyAppointments(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.Uses, Is.EqualTo(new[] { ConsentUse.Appointments }));
        Assert.That(analysis.PatientSpecific, Is.False);
        Assert.That(analysis.GeneralOnly, Is.False);
        Assert.That(analysis.UrgentWithoutRedirection, Is.False);
    }

    [TestCase("Vos résultats de prise de sang sont normaux.")]
    [TestCase("VOS RÉSULTATS SONT NORMAUX.")]
    [TestCase("Votre TSH est à 2.5, c'est dans les valeurs normales.")]
    [TestCase("Your blood test came back fine.")]
    [TestCase("Your mammogram shows no abnormality.")]
    [TestCase("Aucune anomalie à la radiographie pulmonaire.")]
    [TestCase("Rien d'anormal sur votre électrocardiogramme.")]
    public void NormalResult_NormalResults(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.Uses, Is.EqualTo(new[] { ConsentUse.NormalResults }));
        Assert.That(analysis.PatientSpecific, Is.True);
    }

    [TestCase("Votre taux de ferritine est bas; nous allons le recontrôler dans trois mois.")]
    [TestCase("Votre glycémie est légèrement élevée.")]
    [TestCase("Your cholesterol level is slightly elevated.")]
    [TestCase("Your thyroid test is abnormal and I am referring you to a specialist.")]
    [TestCase("Vos tests hépatiques sont anormaux.")]
    [TestCase("Vos résultats sont normaux sauf le fer, qui est bas.")]
    [TestCase("No abnormality on the X-ray, but your potassium is high.")]
    public void ResultNeedingFollowUp_ResultsFollowUp(string body)
    {
        Assert.That(Analyze(body).Uses, Does.Contain(ConsentUse.ResultsFollowUp).And.Not.Contain(ConsentUse.NormalResults));
    }

    [TestCase("Augmentez votre dose de lévothyroxine à 100 mcg par jour.")]
    [TestCase("Diminuez le ramipril à 5 mg une fois par jour.")]
    [TestCase("Please increase your metformin to 1000 mg twice a day.")]
    [TestCase("Reduce your inhaler to one inhalation daily.")]
    public void DoseChange_TreatmentAdjustment(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.Uses, Is.EqualTo(new[] { ConsentUse.TreatmentAdjustment }));
        Assert.That(analysis.PatientSpecific, Is.True);
    }

    [Test]
    public void DoseWithoutAChangeVerb_NotAnAdjustment()
    {
        Assert.That(Analyze("Vous prenez 50 mg par jour depuis un an.").Uses, Does.Not.Contain(ConsentUse.TreatmentAdjustment));
    }

    [TestCase("Envoyez-moi vos lectures de glycémie de la semaine.")]
    [TestCase("Transmettez-moi votre tension artérielle chaque matin.")]
    [TestCase("Please send me your blood pressure readings.")]
    public void RequestForTheirData_PatientHealthData(string body)
    {
        Assert.That(Analyze(body).Uses, Is.EqualTo(new[] { ConsentUse.PatientHealthData }));
    }

    [TestCase("La campagne de vaccination contre la grippe commence le 1er novembre.")]
    [TestCase("Pendant la vague de chaleur, buvez de l'eau souvent.")]
    [TestCase("The flu shot is recommended for everyone over 65.")]
    public void GeneralAdvice_GeneralOnly(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.Uses, Is.EqualTo(new[] { ConsentUse.GeneralAdvice }));
        Assert.That(analysis.GeneralOnly, Is.True);
        Assert.That(analysis.PatientSpecific, Is.False);
    }

    [Test]
    public void GeneralAdviceBesideTheirOwnResult_NotGeneralOnly()
    {
        var analysis = Analyze("La vaccination est recommandée cet automne.\nVos résultats sanguins sont normaux.");
        Assert.That(analysis.Uses, Is.EqualTo(new[] { ConsentUse.NormalResults }));
        Assert.That(analysis.GeneralOnly, Is.False);
    }

    [TestCase("Le courriel n'est pas fait pour les urgences : en cas d'urgence, composez le 911.")]
    [TestCase("E-mail is not for emergencies: call 911 or go to the nearest emergency room.")]
    public void RedirectionAlone_CountedAsTheGuidesAdviceNotAsContent(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.Uses, Is.Empty);
        Assert.That(analysis.Redirections, Has.Count.EqualTo(1));
        Assert.That(analysis.GeneralOnly, Is.True);
        Assert.That(analysis.UrgentWithoutRedirection, Is.False);
        var (part, start, end) = analysis.Redirections[0];
        Assert.That(analysis.InRedirection(part, start), Is.True);
        Assert.That(analysis.InRedirection(part, end), Is.False);
    }

    [TestCase("Pour votre douleur thoracique, nous en reparlerons au rendez-vous de mardi.")]
    [TestCase("Vos idées suicidaires : on en discute à votre prochaine visite.")]
    [TestCase("Regarding your difficulty breathing, let's discuss it at your visit next week.")]
    [TestCase("About the chest pain you mentioned, I will see you Friday.")]
    public void UrgentSymptomDeferred_UrgentWithoutRedirection(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.UrgentWithoutRedirection, Is.True);
        Assert.That(analysis.UrgentSymptom, Is.True);
    }

    [TestCase("Si la douleur thoracique revient, composez le 911 ou présentez-vous à l'urgence.")]
    [TestCase("If the chest pain comes back, call 911 immediately.")]
    public void UrgentSymptomWithTheGuidesAdvice_NotFlagged(string body)
    {
        var analysis = Analyze(body);
        Assert.That(analysis.UrgentWithoutRedirection, Is.False);
        Assert.That(analysis.Redirections, Is.Not.Empty);
    }

    [Test]
    public void UrgentSymptomInTheQuotedQuestion_CountsButQuotedResultsDoNot()
    {
        var body = "Merci, on en parle lundi.\n\n-----Message d'origine-----\nBonjour docteure, j'ai des idées suicidaires depuis une semaine. "
            + "Mes résultats sont normaux?";
        var analysis = Analyze(body);
        Assert.That(analysis.UrgentWithoutRedirection, Is.True, "the physician answers an urgent question by e-mail");
        Assert.That(analysis.Uses, Does.Not.Contain(ConsentUse.NormalResults), "the patient's quoted words are not the physician's use");
    }

    [Test]
    public void AttachmentNameAlone_ClassifiesNothing()
    {
        var analysis = Analyze("Voici le document demandé.", attachments: [new AttachmentInfo("resultats-normaux-prise-de-sang.pdf")]);
        Assert.That(analysis.Uses, Is.Empty);
    }

    [TestCase("")]
    [TestCase("Merci pour votre message.")]
    [TestCase("Thank you for your note.")]
    public void NothingToClassify_Empty(string body)
    {
        var analysis = Analyze(body, subject: "");
        Assert.That(analysis.Uses, Is.Empty);
        Assert.That(analysis.GeneralOnly, Is.False);
        Assert.That(analysis.UrgentWithoutRedirection, Is.False);
    }
}
