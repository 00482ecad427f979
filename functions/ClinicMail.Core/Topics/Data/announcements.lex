// The announcement grammar of a diagnosis (TopicRules.Announcements.cs reads these with the disease lexicons):
//   result or test noun + result verb + disease   « l'échographie met en évidence une lithiase », "the MRI demonstrates a tear"
//   « vous avez / you've got / il s'agit de / it turned out to be » + disease
//   a test noun, a colon, the disease               « Résultat de l'étude du sommeil : apnée obstructive du sommeil »
//   and what undoes it: a negation, a hypothesis (« pour éliminer », "to rule out", "whether"), a history, someone else
//   (a partner, a relative), a disease getting worse (a recurrence is not a new diagnosis).
// Written from French and English clinical reporting language (radiology and pathology report conclusions, the
// announcement wording of the CMQ and CFPC communication guides). Compiled 2026-12-07 (detA21 round, issue 21).
//
// Result verbs and their participles (what a test says).
@announce | met en évidence; mettent en évidence; a mis en évidence; ont mis en évidence; démontré; démontrée; a démontré; conclut à; conclusion de; en faveur de; en faveur d'un; en faveur d'une; évoque un; évoque une; évocateur d'un; évocatrice de; est compatible avec; sont compatibles avec; compatibles avec; confirmant; confirmant un; confirmant une; révélé; révélée; a révélé; ont révélé; montré; montrée; a montré; ont montré; indiqué; a indiqué; décelé; décelée; a décelé; dépisté chez vous; retrouve; retrouvent; on retrouve; on note; on observe; observé; observée; identifié; identifiée; a identifié; ont identifié; s'est avéré; s'est avérée; s'avère; s'avère être; il s'avère que; s'est révélé; s'est révélée; se révèle; est revenu comme; est revenue comme; a poussé; a cultivé; culture positive pour; cultures positives pour; a isolé; on a trouvé; nous avons trouvé; nous avons découvert; on a découvert; découvert; découverte; on a diagnostiqué; j'ai diagnostiqué
@announce | demonstrates; demonstrated; demonstrate; reveal; revealing; showing; shows a; showed a; confirming; indicative of; in keeping with; compatible with; is consistent with; are consistent with; was consistent with; consistent with a; suggestive; concerning for; diagnostic of; pointing to; came back as; came back showing; came back with; grew; has grown out; grew out; cultured; turned out to be; it turned out to be; it turns out; turns out to be; proved to be; proven; found a; found an; we've found; we have found; we discovered; discovered; picked up a; the test picked up; detects; confirmed a; confirmed an
// « Vous avez », "you've got": the disease is the reader's, said plainly.
@announce | vous avez de l'; vous avez de la; vous avez du; vous avez des; tu as de l'; tu as de la; tu as du; vous avez fait un; vous avez fait une; vous avez développé; vous avez développé un; vous avez développé une; vous souffrez d'; vous êtes atteint; vous êtes atteinte; vous êtes atteint d'; vous êtes atteinte d'; you've got; you have got; you've developed; you have developed; you had a; you've had a; you suffer from; you are suffering from
@announcenear | vous êtes; tu es; you are; you're; this is an; it's a; it's an; it is a; it is an; that's a; that's an; that is a; that is an; c'est bien un; c'est bien une; c'est de la; c'est du; c'est plutôt un; c'est plutôt une; ce sont des; these are
// Conclusion headings of a report: "Conclusion : …", "Impression: …". A heading, a colon and the disease announce it.
@results | conclusion; conclusions; impression; interprétation; interpretation; diagnostic final; final diagnosis; diagnostic retenu; findings; trouvaille; trouvailles
// Hypotheses: a disease named as what a test looks for or might find is not found.
@conditional | query; querying; pour éliminer; pour exclure; pour écarter; afin d'éliminer; afin d'exclure; afin d'écarter; éliminer un; éliminer une; exclure un; exclure une; to rule out; rule out; to exclude; r/o; whether; to know whether; to see whether; to see if; to find out if; to find out whether; to check for; to look for; looking for; check for; pour savoir si; pour voir si; pour vérifier si; pour vérifier; pour rechercher; à la recherche de; rechercher un; rechercher une; peut-être un; peut-être une; soupçon de; suspicion de; suspected
// History: a known or past disease is not announced now.
@progression | dans le passé; in the past; autrefois; déjà connu; déjà connue; already known; you already have; vous avez déjà; que vous avez déjà; déjà eu; depuis des années; for years; suivi de votre; follow-up of your; contrôle de votre; control of your
// A disease getting worse, said after it (« le cancer est revenu », "the leukaemia relapsed", "with spread to the bones"):
// TopicRules reads it within five words after the disease, in the same clause. Not a new diagnosis; of a cancer, hard news.
@worsening | est revenu; est revenue; sont revenus; sont revenues; est de retour; is back; has come back; have come back; had come back; came back in; has returned; have returned; returned in; a récidivé; ont récidivé; récidive; has recurred; recurred; a rechuté; ont rechuté; rechute; relapsed; has relapsed; a progressé; ont progressé; progresse; continue de progresser; a continué de progresser; continue to grow; continues to grow; has progressed; have progressed; is progressing; s'est propagé; s'est propagée; se sont propagés; s'est étendu; s'est étendue; s'est répandu; s'est répandue; has spread; have spread; ont augmenté; a augmenté; ont grossi; a grossi; grossi; grossie; grossis; a grandi; have grown; has grown; are bigger; sont plus grosses; sont plus gros; ne répond plus; ne répondent plus; no longer responds; no longer responding; stopped responding; stopped working; ne fonctionne plus; malgré la chimiothérapie; malgré le traitement; despite chemotherapy; despite the chemotherapy; despite treatment
// Staging said at the diagnosis: hard news of the cancer it follows, not a recurrence (grave, not new-diagnosis-blocking).
@worsening @grave | spread to; with spread to; avec propagation; avec propagation aux; with metastases; avec des métastases; avec métastases
// Renewal wording: finishing a course already started (« finissez la ciprofloxacine commencée à l'urgence »).
@renewal | finissez; finis; finir; terminez; terminer; complétez; compléter; finish; finishing; complete the; complete your; finish the; finish your
// Someone else: relatives and partners whose diagnosis is not the reader's (a child's diagnosis is: the parent reads it).
@relative | vos parents; vos frères; vos sœurs; votre cousin; votre cousine; votre demi-frère; votre demi-sœur; votre grand-parent; vos grands-parents; un membre de votre famille; membre de la famille; parent du premier degré; parents du premier degré; your parents; your siblings; your cousin; your grandparents; a family member; family member; first-degree relative; first-degree relatives; chez votre mère; chez votre père; in your family; dans votre famille; sa mère; son père; sa sœur; son frère; his sister; her sister; his brother; her brother
// Oncology treatments starting: the first session of a course.
@start | première séance; premières séances; first session; first sessions; premier traitement; first treatment; première perfusion; first infusion; première fraction; first fraction; will be added; sera ajouté; sera ajoutée; will add; added to your
// A reason clause names a known disease (« puisque vous avez des migraines avec aura, la pilule combinée… »).
@progression | puisque vous avez; puisque tu as; étant donné que vous avez; comme vous avez; vu que vous avez; since you have; because you have; as you have; given that you have; given your
// Third-person possessives: « son insuffisance cardiaque », a known disease of the person written about.
@possessive | son; sa; ses; leur; leurs
// "Your skin cancer risk", « votre risque de cancer »: a cancer named right before or after a risk word is a risk.
@risk | risk; risks; risque; risques
// prec21 (2026-12-07): a disease said of people in general or of a study's subjects is nobody's diagnosis ("the study
// shows that people with high blood pressure…", « les personnes atteintes de… »).
@relative | people with; people who have; patients with; patients who have; anyone with; those with; personnes avec; personnes atteintes; personnes qui ont; les gens avec; les gens atteints; gens qui ont; patients atteints; patients qui ont
// prec21: a visit booked for a known disease is not its announcement ("you've got an appointment for your diabetes check").
@progression | appointment for your; appointments for your; visit for your; rendez-vous pour votre; rendez-vous de suivi; votre suivi de; your follow-up for; education class; cours d'enseignement
// prec21: a relative named right after the disease (« le cancer du sein de votre mère », "the cancer of your father").
@relative | de votre mère; de votre père; de votre sœur; de votre frère; de votre grand-mère; de votre grand-père; de votre tante; de votre oncle; of your mother; of your father; of your sister; of your brother; of your grandmother; of your grandfather
// detB round 6: someone other than the reader — a spouse, a friend, a neighbour, a colleague — named as the one whose
// illness it is: with the possessive before the disease ("your husband's biopsy", "a coworker of yours tested positive")
// or « de » after it (« le diagnostic de votre conjoint »). Only these forms: "your husband called about your cancer" is
// still the reader's. Children are left out on purpose: a parent reads their child's results as the child's caregiver.
@relative | your husband's; your wife's; your spouse's; your boyfriend's; your girlfriend's; your fiancé's; your fiancée's; your friend's; your best friend's; your neighbour's; your neighbor's; your colleague's; your coworker's; your co-worker's; your boss's; your employer's; your roommate's; your business partner's; his wife's; her husband's; his husband's; her wife's; his friend's; her friend's; a friend of yours; a coworker of yours; a colleague of yours; coworker of yours; colleague of yours; business partner; de votre mari; de votre conjoint; de votre conjointe; de votre époux; de votre épouse; de votre femme; de votre chum; de votre blonde; de votre ami; de votre amie; de vos amis; de votre voisin; de votre voisine; de votre collègue; de vos collègues; de votre patron; de votre patronne; de votre colocataire; de votre coloc; de votre associé; de votre associée; de ton chum; de ta blonde; de ton ami; de ton amie; de ton coloc; de ta coloc; de ton conjoint; de ta conjointe
// A pet is someone else and a thing (beside which "died" is figurative, everyday.lex @object): both markers.
@relative @object | your dog's; your cat's; your pet's; de votre chien; de votre chat; de votre animal
// detB round 6: the writer's own people ("my grandmother passed away last month, so I was away"): a loss of theirs is
// not hard news for the reader (TopicRules.CategoryCues, emotional cues only). Colleagues are left out on purpose: "our
// colleague Dr. Roy will discuss the palliative care plan with you" is the reader's news.
@writer | my mother; my father; my mom; my mum; my dad; my grandmother; my grandfather; my grandma; my grandpa; my husband; my wife; my partner; my sister; my brother; my son; my daughter; my aunt; my uncle; my cousin; my family; my father-in-law; my mother-in-law; my dog; my cat; ma mère; mon père; ma grand-mère; mon grand-père; mon mari; ma femme; mon conjoint; ma conjointe; mon chum; ma blonde; ma sœur; mon frère; mon fils; ma fille; ma tante; mon oncle; mon cousin; ma cousine; ma famille; mon beau-père; ma belle-mère; mon chien; mon chat
// detB round 6: English announcements read as strictly as French ones. A question to the reader ("do you have asthma?",
// « avez-vous déjà eu… ») and a result verb in a modal or future form ("the test can detect diabetes", « l'examen permet
// de dépister ») announce nothing; a fear named ("worried about cancer", « peur d'avoir un cancer ») is a risk, not a
// disease; a finding called harmless is a benign result.
@conditional | do you have; have you had; have you ever had; did you have; avez-vous; avez-vous déjà eu; as-tu déjà eu; est-ce que vous avez; can detect; can show; may show; could show; will show; would show; can find; can diagnose; peut détecter; peut montrer; pourrait montrer; permet de détecter; permet de dépister; permet de diagnostiquer
// A screening instrument named after what it looks for ("the depression screening questionnaire"): read by the
// mental-health cue, which is a screening target unless the sentence is abnormal.
@screenfor | screening questionnaire; screening questionnaires; screening tool; screening tools; questionnaire de dépistage; questionnaires de dépistage
@abnormal | high score; a high score; elevated score; score is high; positive screen; screened positive
@risk | worried about; worrying about; worry about; afraid of having; scared of having; fear of; peur d'avoir; peur du; peur de la; inquiet d'avoir; inquiète d'avoir
@normal | harmless; inoffensif; inoffensive; sans danger; not dangerous; pas dangereux; pas dangereuse
// prec21: a finding unchanged since an earlier test, and a condition named as what makes the reader eligible for a
// programme ("you have asthma, so you qualify for the free flu shot"), are known conditions.
@progression | unchanged; inchangé; inchangée; inchangés; inchangées; no change since; sans changement depuis; you qualify; you are eligible; you're eligible; qualify for; eligible for; vous êtes admissible; vous êtes admissibles; admissible à; vous avez droit à
// detA round6: a finding said to be suspicious of a disease is a suspicion, not a diagnosis (corpus rule: a suspicious
// finding is its category, not automatically a new diagnosis). Radiology report wording (CAR, SCR style guides). Only
// phrases: the bare « suspecte » / "suspicious" also starts an empirical treatment (« on suspecte une chlamydia, je vous
// prescris… »), and a hedge turns off the sentence's treatment starts; « suspecte d'une » reads as « suspecte une » (the
// elided article is dropped), so it is left out too.
@hedge | suspect pour; suspecte pour; suspicious for; suspicious of a; suspicious of an; worrisome for; worrying for; fait craindre; font craindre; laisse craindre; laissent craindre; raises concern for; raise concern for; could represent; pourrait représenter; très suspect; très suspecte; très suspects; très suspectes; hautement suspect; hautement suspecte; highly suspicious; suspected of
