// detC round (issue 21): the wording that says a drug or a cancer word is NOT news for this patient. Same line format as
// LexiconSources. Written from clinical syntax (relative clauses about a drug already taken, screening said after the
// disease in English, a hereditary-risk service, a suspicion that is not yet a diagnosis, the zodiac), not from any
// message of a held-out set.
//
// A drug the patient already takes, said as a relative clause or with a duration ("que vous prenez depuis", "you've been
// on"): TopicRules.NewTreatments reads it as a renewal, so a take verb there is not a start.
@renewal | que vous prenez; que tu prends; que vous prenez depuis; que tu prends depuis; vous prenez depuis; tu prends depuis; que vous recevez; que vous recevez déjà; que vous utilisez; que vous utilisez depuis; depuis que vous prenez; depuis que tu prends; you've been taking; you have been taking; you've been on; you have been on; you've been using; you have been using; that you take; that you're taking; that you are taking; since you started
// "Colon cancer screening": English puts the screening after the disease it looks for (read like « dépistage du », only
// right after the cancer word, and not when the sentence reports an abnormal result).
@screenfor | screening; screenings; screening test; screening tests; screening kit
// A hereditary-cancer service or risk names a risk, not the patient's cancer ("hereditary cancer clinic", « cancer
// héréditaire »).
@risk | hereditary; héréditaire; héréditaires; prédisposition; predisposition; génétique du cancer; cancer genetics
// A suspicion is not yet a diagnosis: « suspect de », "suspicious for", "concerning for" before a disease keep the finding
// (a weak oncology cue, as "suspect" alone) but do not announce the disease as a new diagnosis.
onc 0.55 weak neg @conditional | suspect de; suspecte de; suspects de; suspectes de; suspect d'; suspecte d'; suspicious for; concerning for; worrisome for; suspicion de; suspicion of; évocateur de; évocatrice de; suggestive of
// The zodiac sign said of a person, and the birth months of the sign beside it.
@astrology | je suis Cancer; tu es Cancer; vous êtes Cancer; suis du Cancer; sous le signe; born under; né en juin; née en juin; né en juillet; née en juillet; born in June; born in July
// A prescription confirmed or taken "as prescribed" before is the known one: a pharmacist's check, a standing order.
@renewal | confirmer la posologie; confirmer la dose; confirmer le dosage; confirme la posologie; confirm the; confirm the dose; confirm the dosage; confirming the dose; comme prescrit; comme prescrite; tel que prescrit; telle que prescrite; comme on l'avait prescrit; comme on l'avait prescrite; déjà prescrit; déjà prescrite; as prescribed; as previously prescribed; as you were prescribed; already prescribed
// A treatment that may be needed later is a possibility, not a start ("we may need to add", « il faudra peut-être »).
@hedge | may need to; may have to; we may need; might need to; il faudra peut-être; il faudrait peut-être; pourrait devoir; on pourrait devoir
// Start verbs in the third person plural: « vos traitements commencent lundi ».
@start | commencent; débutent; débuteront
// A solid mass of an organ where a solid mass is presumed malignant until proven otherwise (testicle, kidney, ovary).
onc 0.8 neg @clinical | masse testiculaire; masses testiculaires; masse au testicule; masse solide au testicule; masse solide du testicule; testicular mass; testicular masses; solid testicular mass; mass in the testicle; solid mass in the testicle; masse solide au rein; masse rénale solide; solid renal mass; solid kidney mass; masse ovarienne solide; solid ovarian mass
// A treatment that goes on (« se poursuit », "carries on") and a course taken to its end are known treatments.
@renewal | se poursuit; se poursuivent; se poursuivra; poursuivre; poursuivez; on poursuit; carries on; carry on; until it is finished; until it's finished; until they are finished; until they're finished; until the course is finished; jusqu'à la fin de la boîte; jusqu'à la fin du traitement
// Compression therapy is a treatment prescribed like a splint (« attelle » is an item already): a start verb starts it.
@item @clinical | bas de compression; bas compressifs; bas support; compression stockings; compression socks; graduated compression stockings
