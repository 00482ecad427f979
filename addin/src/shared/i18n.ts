// Every user-facing string of the add-in, in French and English. The language follows
// Office.context.displayLanguage (Outlook's UI language); French is chosen for any fr-* locale,
// English otherwise. Strings from the API (reason messages, fix labels) arrive already in both
// languages and are picked with `pick`.
import type { Language, LocalizedText } from "./contract";

export function languageFrom(displayLanguage: string | undefined | null): Language {
  return (displayLanguage ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
}

export function pick(text: LocalizedText | undefined | null, lang: Language): string {
  if (!text) return "";
  return (lang === "fr" ? text.fr : text.en) || text.en || text.fr || "";
}

const strings = {
  appName: { fr: "ClinicMail", en: "ClinicMail" },
  // Smart Alerts dialog (launch event). Outlook limits the dialog text to 500 characters and
  // the Don't Send button label to 20.
  blockedIntro: {
    fr: "ClinicMail a bloqué l'envoi de ce courriel :",
    en: "ClinicMail stopped this e-mail from being sent:",
  },
  warnIntro: {
    fr: "ClinicMail recommande de vérifier ce courriel :",
    en: "ClinicMail suggests reviewing this e-mail:",
  },
  openPaneHint: {
    fr: "Tous les motifs et la correction en un clic sont dans ClinicMail.",
    en: "Every reason, and the one-click fix, are in ClinicMail.",
  },
  moreReasons: { fr: "… et {n} autre(s) motif(s)", en: "… and {n} more reason(s)" },
  // The label of the button that keeps the mail and opens the pane (commandId): "Take action" on
  // current Outlook, "Don't Send" on older clients. It names what the button does on both.
  cancelLabelFix: { fr: "Corriger le courriel", en: "Fix in ClinicMail" },
  cancelLabelRetry: { fr: "Vérifier de nouveau", en: "Check again" },
  failurePrompt: {
    fr: "ClinicMail n'a pas pu vérifier ce courriel ({cause}). Vous pouvez ne pas l'envoyer et réessayer, ou l'envoyer sans vérification : vous restez responsable du respect des règles du Collège.",
    en: "ClinicMail could not check this e-mail ({cause}). You can hold it and try again, or send it unchecked: you remain responsible for following the Collège's rules.",
  },
  failureBlock: {
    fr: "ClinicMail n'a pas pu vérifier ce courriel ({cause}). La politique de la clinique exige une vérification avant l'envoi : réessayez dans un instant.",
    en: "ClinicMail could not check this e-mail ({cause}). Your clinic's policy requires a check before sending: try again in a moment.",
  },
  causeNetwork: { fr: "service injoignable", en: "service unreachable" },
  causeTimeout: { fr: "délai de réponse dépassé", en: "no answer in time" },
  causeServer: { fr: "erreur du service", en: "service error" },
  causeUnauthorized: { fr: "connexion refusée, reconnectez-vous", en: "sign-in refused, sign in again" },
  causeToken: { fr: "connexion impossible", en: "could not sign in" },
  causeRead: { fr: "lecture du courriel impossible", en: "could not read the e-mail" },
  causeClient: { fr: "requête refusée", en: "request refused" },
  // Task pane.
  paneTitle: { fr: "Vérification ClinicMail", en: "ClinicMail check" },
  paneIdle: {
    fr: "Rédigez votre courriel : la vérification se fait au fil de l'écriture.",
    en: "Write your e-mail: it is checked as you type.",
  },
  paneChecking: { fr: "Vérification en cours…", en: "Checking…" },
  decisionAllow: { fr: "Prêt à envoyer", en: "Ready to send" },
  decisionStale: { fr: "Résultat périmé", en: "Out of date" },
  resultStale: {
    fr: "Le courriel a changé depuis cette vérification : nouvelle vérification…",
    en: "The e-mail changed since this check: checking again…",
  },
  decisionWarn: { fr: "À vérifier avant l'envoi", en: "Review before sending" },
  decisionBlock: { fr: "Envoi bloqué", en: "Sending blocked" },
  secureRequired: { fr: "Livraison sécurisée requise", en: "Secure delivery required" },
  secureRecommended: { fr: "Livraison sécurisée recommandée", en: "Secure delivery recommended" },
  reasonsHeading: { fr: "Motifs", en: "Reasons" },
  recipientsHeading: { fr: "Destinataires", en: "Recipients" },
  topicsHeading: { fr: "Sujets sensibles détectés", en: "Sensitive topics found" },
  identifiersHeading: { fr: "Renseignements nominatifs", en: "Identifying information" },
  etiquetteHeading: { fr: "Forme et étiquette", en: "Form and etiquette" },
  fixesHeading: { fr: "Corrections en un clic", en: "One-click fixes" },
  overrideHeading: { fr: "Passer outre (justification consignée)", en: "Override (justification recorded)" },
  overrideCode: { fr: "Motif", en: "Reason" },
  overrideText: { fr: "Justification", en: "Justification" },
  overrideSubmit: { fr: "Consigner et autoriser l'envoi", en: "Record and allow sending" },
  overrideDone: {
    fr: "Dérogation consignée ({id}). Vous pouvez envoyer ce courriel tel quel.",
    en: "Override recorded ({id}). You can send this e-mail as it is.",
  },
  overrideDoneThenSecure: {
    fr: "Dérogation consignée ({id}). Le contenu exige encore une livraison sécurisée : choisissez « Envoyer de façon sécurisée ».",
    en: "Override recorded ({id}). The content still requires secure delivery: choose \u201cSend securely\u201d.",
  },
  overrideThenSecureHint: {
    fr: "Justifiez d'abord les motifs qui le permettent, puis envoyez de façon sécurisée.",
    en: "First justify the reasons that allow it, then send securely.",
  },
  secureRefused: {
    fr: "L'envoi sécurisé a été refusé : {detail}",
    en: "The secure send was refused: {detail}",
  },
  attachmentsNotCarriedOne: {
    fr: "Une pièce jointe (lien infonuagique, élément joint ou fichier non lu) n'a pas été incluse dans le message sécurisé : transmettez-la autrement.",
    en: "One attachment (cloud link, attached item or unread file) was not included in the secure message: share it another way.",
  },
  attachmentsNotCarriedMany: {
    fr: "{n} pièces jointes (liens infonuagiques, éléments joints ou fichiers non lus) n'ont pas été incluses dans le message sécurisé : transmettez-les autrement.",
    en: "{n} attachments (cloud links, attached items or unread files) were not included in the secure message: share them another way.",
  },
  overrideNeedsText: { fr: "Écrivez une justification.", en: "Write a justification." },
  overrideNotAllowed: {
    fr: "Certains motifs ne peuvent pas être contournés.",
    en: "Some reasons cannot be overridden.",
  },
  fixApplied: { fr: "Correction appliquée. Nouvelle vérification…", en: "Fix applied. Checking again…" },
  fixFailed: {
    fr: "La correction n'a pas pu être appliquée ({cause}).",
    en: "The fix could not be applied ({cause}).",
  },
  secureSent: {
    fr: "Message sécurisé créé ; le courriel ne contient plus qu'un avis et un lien.",
    en: "Secure message created; the e-mail now carries only a notice and a link.",
  },
  securePressSend: { fr: "Appuyez sur Envoyer pour l'expédier.", en: "Press Send to send it." },
  secureSubject: {
    fr: "Message sécurisé de votre clinique / Secure message from your clinic",
    en: "Secure message from your clinic / Message sécurisé de votre clinique",
  },
  checkFailed: {
    fr: "La vérification n'a pas pu se faire : {cause}.",
    en: "The check could not run: {cause}.",
  },
  evidenceIn: { fr: "dans", en: "in" },
  confidence: { fr: "confiance", en: "confidence" },
  resembles: { fr: "ressemble à", en: "resembles" },
  noRecipients: { fr: "Aucun destinataire.", en: "No recipients." },
  field_to: { fr: "À", en: "To" },
  field_cc: { fr: "Cc", en: "Cc" },
  field_bcc: { fr: "Cci", en: "Bcc" },
  part_subject: { fr: "l'objet", en: "the subject" },
  part_body: { fr: "le corps", en: "the body" },
  part_quoted: { fr: "le texte cité", en: "the quoted text" },
  part_attachment_name: { fr: "le nom d'une pièce jointe", en: "an attachment name" },
  status_internal: { fr: "Collègue (interne)", en: "Colleague (internal)" },
  status_consented_patient: { fr: "Patient, consentement au dossier", en: "Patient, consent on file" },
  status_patient_without_consent: { fr: "Patient sans consentement", en: "Patient without consent" },
  status_restricted_patient: { fr: "Patient, privilèges restreints", en: "Patient, privileges restricted" },
  status_third_party: { fr: "Adresse d'un tiers", en: "Third-party address" },
  status_lookalike: { fr: "Adresse semblable", en: "Look-alike address" },
  status_unknown: { fr: "Inconnu du registre", en: "Not in the registry" },
  status_invalid: { fr: "Adresse invalide", en: "Invalid address" },
  category_mental_health: { fr: "Santé mentale", en: "Mental health" },
  category_oncology: { fr: "Oncologie", en: "Oncology" },
  category_substance_use: { fr: "Consommation de substances", en: "Substance use" },
  category_sexual_health: { fr: "Santé sexuelle (ITSS)", en: "Sexual health (STBBI)" },
  category_new_diagnosis: { fr: "Nouveau diagnostic", en: "New diagnosis" },
  category_new_treatment: { fr: "Nouveau traitement", en: "New treatment" },
  category_emotional: { fr: "Contenu émotif", en: "Emotional content" },
  category_patient_declared: {
    fr: "Déclaré sensible par le patient",
    en: "Declared sensitive by the patient",
  },
  category_normal_results: { fr: "Résultats normaux", en: "Normal results" },
  identifier_ramq: { fr: "Numéro d'assurance maladie (RAMQ)", en: "Health insurance number (RAMQ)" },
  identifier_sin: { fr: "NAS", en: "SIN" },
  identifier_date_of_birth: { fr: "Date de naissance", en: "Date of birth" },
  identifier_phone: { fr: "Téléphone", en: "Phone number" },
  identifier_postal_code: { fr: "Code postal", en: "Postal code" },
  justification_patient_request: { fr: "Demande du patient", en: "Patient's request" },
  justification_clinical_necessity: { fr: "Nécessité clinique", en: "Clinical necessity" },
  justification_address_verified: {
    fr: "Adresse vérifiée auprès du patient",
    en: "Address verified with the patient",
  },
  justification_urgent_care: { fr: "Soins urgents", en: "Urgent care" },
  justification_other: { fr: "Autre", en: "Other" },
  languageToggle: { fr: "English", en: "Français" },
} satisfies Record<string, LocalizedText>;

export type StringKey = keyof typeof strings;

/** Looks a string up and fills `{name}` placeholders. Unknown keys never reach users: they are a type error. */
export function t(lang: Language, key: StringKey, params?: Record<string, string | number>): string {
  let text = pick(strings[key], lang);
  if (params) {
    for (const [name, value] of Object.entries(params)) {
      text = text.split(`{${name}}`).join(String(value));
    }
  }
  return text;
}

/** A label for a value the API sends as a code (status, category, identifier kind); falls back to the code itself. */
export function labelFor(
  lang: Language,
  prefix: "status" | "category" | "identifier" | "justification" | "field" | "part",
  code: string,
): string {
  const key = `${prefix}_${code}`;
  return key in strings ? t(lang, key as StringKey) : code.replace(/_/g, " ");
}

export const allStrings: Readonly<Record<string, LocalizedText>> = strings;
