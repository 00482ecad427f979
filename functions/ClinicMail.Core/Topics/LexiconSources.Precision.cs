namespace ClinicMail.Core.Topics;

internal static partial class LexiconSources
{
    /// <summary>Issue 21, detect21b round: context that makes or unmakes a category — what a test looks for, a control
    /// test after treatment, a healed disease, dose changes said as a target, results said with a copula, hard news said
    /// plainly, a symptom that a substance explains. Every entry is general wording, tried on the development sets.</summary>
    public const string Precision = """
        // A disease or a cancer named as what a test or a programme looks for is not the patient's ("le dépistage du
        // cancer du poumon", "screening for depression"): TopicRules reads it before a disease or a category cue.
        @screenfor | dépistage de; dépistage du; dépistage de la; dépistage des; dépistage d'; test de dépistage de; questionnaire de dépistage de; screening for; screen for; screened for; screening test for; tested for; testing for; test for; a test for
        // A control test after a treatment reveals the treated condition even when it is negative (« le test de contrôle de
        // la chlamydia est négatif »): the normal-result rule does not hide the category then (issue 17, en-topic-in-01).
        @aftertreatment | après le traitement; après traitement; suite au traitement; après votre traitement; test de contrôle; de contrôle; contrôle après; test de guérison; le traitement a marché; le traitement a fonctionné; after treatment; after the treatment; after your treatment; following treatment; test of cure; repeat test; repeat swab; control swab; prélèvement de contrôle; retest; control test; follow-up test; the treatment worked; treatment worked
        // Healed, resolved: the course of a known disease, not a new one.
        @progression | guéri; guérie; guéris; guéries; bien guéri; bien guérie; cicatrisé; cicatrisée; résolu; résolue; resolved; healed; has healed; is healed; cleared up
        // Dose changes said as a target or a return ("go up to 1000 mg", "puis revenez à 1 comprimé").
        @dosechange | go up; go up to; come down; come down to; go down to; back to; then back to; go back to; revenez à; revenir à; puis revenez à; retour à; mg de moins; plus souvent; more often; on-demand; sur demande
        // Carrying on a taper already under way is its course, not a new plan.
        @renewal @dosechange @taper | keep tapering; continue tapering; continue to taper; continue the taper; continuing the taper; continuer de diminuer; continue de diminuer; on continue de diminuer; on continue le sevrage; continuez le sevrage; continuer le sevrage; poursuivre le sevrage; poursuivez le sevrage
        // Prescription schedules clinicians write: a named drug with one of these, in a message that renews nothing, is
        // prescribed (TopicRules.NewTreatments).
        @schedule | aux deux semaines; toutes les deux semaines; every two weeks; every 2 weeks; aux 4 h; aux 6 h; aux 8 h; aux 12 h; every 6 hours; every 8 hours; every 12 hours; q6h; q8h; q12h; bid; tid; qid; co die; pendant 5 jours; pendant 7 jours; pendant 10 jours; pendant 14 jours; for 5 days; for 7 days; for 10 days; for 14 days; x 5 jours; x 7 jours; x 10 jours; x 14 jours; en une seule dose; une seule dose; single dose; as a single dose; one dose
        @start | arranged; I've arranged; we've arranged; cycles de chimio; cycles de chimiothérapie; cycles of chemo; cycles of chemotherapy
        // « On appelle ça », "that's called": an announcement.
        @announce | that's called; this is called; it's called; ça s'appelle; cela s'appelle; ce qu'on appelle
        // A pathogen named in a positive test is a diagnosis.
        @disease @clinical | pylori; Helicobacter; Helicobacter pylori; infection à H. pylori; H. pylori infection
        // A positive genetic result is a diagnosis with a heavy charge (issue 21: "a positive genetic … result").
        @disease @clinical @grave | mutation BRCA; mutation BRCA1; mutation BRCA2; BRCA1 mutation; BRCA2 mutation; BRCA mutation; mutation génétique; genetic mutation; variant pathogène; pathogenic variant; gène de la maladie de Huntington
        // Hard news said plainly.
        emo 0.7 | dur à entendre; dure à entendre; difficile à accepter; hard to take; c'est un choc; this is a shock
        // "Ça ne veut pas dire que c'est un cancer": the announcement right after is denied.
        @negator | ne veut pas dire que; veut pas dire que; ne signifie pas que; does not mean that; doesn't mean that; does not mean; doesn't mean
        // The crisis itself, reported: emotional news (also beside a crisis plan).
        emo 0.8 @crisisevent | après la surdose; après votre surdose; suite à la surdose; suite à votre surdose; after the overdose; after your overdose; following the overdose; following your overdose
        mh 0.75 | équipe de crise; crisis team; mobile crisis team; équipe mobile de crise
        @crisisevent | tentative de suicide; tentatives de suicide; suicide attempt; attempted suicide
        // The suicide crisis lines: mental health beside another cue (a safety plan, a crisis).
        mh 0.6 weak | ligne de crise; crisis line; 1 866 APPELLE; 1 866 277-3553; 1-866-277-3553; Suicide Action Montréal; prévention du suicide; suicide prevention
        // A rising PSA is a suspicious finding (corpus rule: a suspicious finding of a category is that category).
        onc 0.7 abn | APS; PSA; antigène prostatique spécifique; prostate-specific antigen
        onc 0.6 weak | IRM de la prostate; IRM prostatique; prostate MRI; biopsie de la prostate; biopsie prostatique; prostate biopsy
        // Monitoring a treated cancer is oncology even when nothing is found (« aucune récidive du cancer »).
        onc 0.75 | récidive du cancer; récidive de votre cancer; récidive de son cancer; récidive de la tumeur; cancer recurrence; recurrence of the cancer; recurrence of your cancer; tumour recurrence; tumor recurrence
        // Folic acid goes with the weekly methotrexate of rheumatology and dermatology, not with chemotherapy.
        @altoncology | acide folique; folic acid
        // Symptoms that a substance or a taper explains ("le cannabis aggrave votre anxiété"): TopicRules drops their
        // mental-health cue in a sentence with a substance-use cue, and after « si »/"if" (a safety net).
        @symptom | anxiété; anxiety; insomnie; insomnia; angoisse; stress
        // Water, not alcohol.
        @stop | drinking water; drinking lots of water; drinking plenty of water; drink water; drink lots of water; drink plenty of water; boire de l'eau; buvez de l'eau; buvez beaucoup d'eau; boire beaucoup d'eau
        // Treatments of H. pylori named by the number of drugs (not antiretroviral therapy).
        @item @drug @clinical | trithérapie; triple therapy; quadrithérapie; quadruple therapy; Hp-PAC; Pylera
        // Words one letter away from a lexicon term, in their own sense (the metatarsal is not a metastasis).
        @everyday | métatarse; métatarses; métatarsien; métatarsienne; métatarsiens; metatarsal; metatarsals; métacarpe; métacarpien; métacarpiens; metacarpal; metacarpals
        """;
}
