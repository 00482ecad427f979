// Contract-shaped results for the handler and pane-logic tests. They stand in for what the API
// decides so the tests can check what the add-in does with each decision; the decisions
// themselves are the backend's and are tested there.
import type { CheckResult, Reason } from "../../src/shared/contract";

export function reason(
  code: string,
  severity: Reason["severity"],
  overridable: boolean,
  fr: string,
  en: string,
): Reason {
  return { code, severity, overridable, message: { fr, en } };
}

export function result(partial: Partial<CheckResult>): CheckResult {
  return {
    checkId: "chk_test",
    decision: "allow",
    secureDelivery: "not_needed",
    clinical: false,
    topics: [],
    identifiers: [],
    recipients: [],
    reasons: [],
    fixes: [],
    etiquette: [],
    ...partial,
  };
}

export const consentMissing = reason(
  "CONSENT_MISSING",
  "block",
  true,
  "Aucun consentement au courriel n'est consigné pour marie.gagnon@gmail.com.",
  "No e-mail consent is on file for marie.gagnon@gmail.com.",
);
export const restricted = reason(
  "PATIENT_RESTRICTED",
  "block",
  false,
  "Les privilèges de ce patient sont restreints.",
  "This patient's privileges are restricted.",
);
export const bulkVisible = reason(
  "BULK_VISIBLE_PATIENTS",
  "block",
  true,
  "Plusieurs patients se voient entre eux : placez-les en Cci.",
  "Several patients can see each other: put them in Bcc.",
);
export const secureRecommended = reason(
  "SECURE_DELIVERY_REQUIRED",
  "warn",
  true,
  "Envoyez ce message de façon sécurisée.",
  "Send this message securely.",
);
