// Types of the ClinicMail check API (functions/ClinicMail.Application, served by both hosts), as the add-in consumes it.
// JSON is camelCase, enums are snake_case strings, reason and etiquette codes are UPPER_SNAKE.
// The add-in never trusts these values for control flow beyond what the server decided:
// `decision` is the authority, everything else is for explaining and fixing.

import type { components } from "./contract.generated";

/** The API's own schemas, generated from its description (docs/openapi.json) by `npm run contract`.
 *  The add-in's types below are mapped onto them where the shapes agree, and checked against them
 *  where the add-in's view is narrower (see the end of this file). */
export type ApiSchemas = components["schemas"];

export type Language = "fr" | "en";

export interface LocalizedText {
  fr: string;
  en: string;
}

export interface DraftRecipient {
  address: string;
  name?: string;
}

export interface DraftAttachment {
  name: string;
  size: number;
  contentType: string;
  /** The file's bytes (base64), when Outlook gives them within the add-in's limit; the check reads its text. */
  contentBase64?: string;
  /** "file", "cloud" or "item": only files can be read or carried by a secure message. */
  kind?: string;
}

/** The request body of POST /api/v1/check. */
export interface Draft {
  id?: string;
  from: string;
  subject: string;
  body: string;
  bodyFormat: "text" | "html";
  to: DraftRecipient[];
  cc: DraftRecipient[];
  bcc: DraftRecipient[];
  inReplyTo?: string;
  isReply?: boolean;
  attachments: DraftAttachment[];
  client?: { name: string; version: string };
}

export type Decision = ApiSchemas["Decision"];
export type SecureDelivery = ApiSchemas["SecureDelivery"];
export type Severity = ApiSchemas["Severity"];
export type RecipientField = "to" | "cc" | "bcc";
export type RecipientStatus = ApiSchemas["RecipientStatus"];

export interface Evidence {
  part: "subject" | "body" | "quoted" | "attachment_name";
  offset: number;
  length: number;
  text: string;
  confidence?: number;
  quoted?: boolean;
}

export interface Topic {
  category: string;
  confidence: number;
  evidence: Evidence[];
  patientIds?: string[];
}

export interface IdentifierFinding {
  kind: "ramq" | "sin" | "date_of_birth" | "phone" | "postal_code";
  evidence: Evidence | Evidence[];
}

export interface RecipientResult {
  address: string;
  field: RecipientField;
  scope: "internal" | "external";
  status: RecipientStatus;
  patientId?: string | null;
  patientIds?: string[];
  consent?: { state?: string; method?: string; uses?: string[]; categories?: string[] } | null;
  addressKind?: string | null;
  thirdPartyConsented?: boolean;
  restricted?: boolean;
  consumerMailbox?: boolean;
  lookalike?: { resembles: string; patientId?: string | null; technique?: string } | null;
}

export interface Reason {
  code: string;
  severity: Severity;
  overridable: boolean;
  message: LocalizedText;
  recipients?: string[];
  patientIds?: string[];
  categories?: string[];
}

export type FixKind = ApiSchemas["FixKind"];

export interface Fix {
  kind: FixKind;
  label: LocalizedText;
  addresses?: string[];
  replacement?: string | null;
  resolves?: string[];
}

export interface EtiquetteNote {
  code: string;
  message: LocalizedText;
  missing?: boolean;
}

/** The 200 response of POST /api/v1/check. */
export interface CheckResult {
  checkId: string;
  decision: Decision;
  secureDelivery: SecureDelivery;
  clinical: boolean;
  topics: Topic[];
  identifiers: IdentifierFinding[];
  recipients: RecipientResult[];
  reasons: Reason[];
  fixes: Fix[];
  etiquette: EtiquetteNote[];
}

export type JustificationCode =
  "patient_request" | "clinical_necessity" | "address_verified" | "urgent_care" | "other";

export const JUSTIFICATION_CODES: readonly JustificationCode[] = [
  "patient_request",
  "clinical_necessity",
  "address_verified",
  "urgent_care",
  "other",
];

export interface OverrideRequest {
  justificationCode: JustificationCode;
  justification: string;
}

export interface OverrideResult {
  overrideId: string;
  checkId: string;
  decision: "allow";
}

export interface SecureMessageRequest {
  checkId: string;
  subject: string;
  body: string;
  bodyFormat: "text" | "html";
  recipients: string[];
  attachments: { name: string; contentType: string; contentBase64: string }[];
  expiresInDays?: number;
  /** The previous check of the same content, when the physician recorded an override on it. */
  overrideCheckId?: string;
}

export interface SecureMessageResult {
  messageId: string;
  link: string;
  notice: { html: LocalizedText; text: LocalizedText };
  /** Attachments of the checked draft the secure message does not carry (cloud links, items, files not uploaded). */
  attachmentsNotCarried?: number;
}

/** RFC 7807 problem details, as the API returns them (localised by Accept-Language). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string[]>;
}

// Compile-time drift checks: every field the add-in reads or sends exists in the API's description.
// `client` is sent for the server's logs of add-in versions and is not part of the documented draft.
type Assert<T extends true> = T;
type FieldsKnown<Mine, Api> = Exclude<keyof Mine, keyof Api> extends never ? true : false;
export type DraftFieldsKnown = Assert<FieldsKnown<Omit<Draft, "client">, ApiSchemas["Draft"]>>;
export type CheckResultFieldsKnown = Assert<FieldsKnown<CheckResult, ApiSchemas["CheckResponse"]>>;
export type EvidenceFieldsKnown = Assert<FieldsKnown<Evidence, ApiSchemas["Evidence"]>>;
