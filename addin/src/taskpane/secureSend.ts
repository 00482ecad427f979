// What the pane says around « Send securely », kept apart from the DOM so it is unit-tested:
// whether the override form is offered, the server's refusal in words, and what the secure message
// did not carry.
import { ApiError } from "../shared/apiClient";
import type { CheckResult, Language, SecureMessageResult } from "../shared/contract";
import { t } from "../shared/i18n";

/**
 * The override form is offered when every blocking reason is either overridable or one that secure
 * delivery itself resolves (the send_securely fix lists them): the physician justifies the first kind,
 * then sends securely. The server applies the same rule (SecureSendGate), so nothing is weakened here.
 */
export type OverrideOffer = "none" | "form" | "form_then_secure" | "unavailable";

export function overrideOffer(r: CheckResult): OverrideOffer {
  if (r.decision === "allow") return "none";
  const blocking = r.reasons.filter((x) => x.severity === "block");
  const bySecure = new Set(r.fixes.find((f) => f.kind === "send_securely")?.resolves ?? []);
  if (blocking.some((x) => !x.overridable && !bySecure.has(x.code))) return "unavailable";
  const needsSecure = blocking.some((x) => !x.overridable);
  if (needsSecure && !blocking.some((x) => x.overridable)) return "unavailable";
  return needsSecure ? "form_then_secure" : "form";
}

/**
 * A secure send refused by the server (409 blocking_reasons_unresolved, draft_changed,
 * recipient_not_checked; 400 recipient_not_eligible) carries a localised explanation the physician can
 * act on: show it. Other failures keep the generic wording with their cause.
 */
export function refusalText(error: unknown, lang: Language): string | null {
  if (!(error instanceof ApiError) || error.status === null) return null;
  if (error.status < 400 || error.status >= 500 || error.status === 401 || error.status === 403) return null;
  const detail = error.problem?.detail?.trim();
  return detail ? t(lang, "secureRefused", { detail }) : null;
}

/** The warning when the secure message does not carry every attachment of the draft, or null. */
export function notCarriedText(
  created: Pick<SecureMessageResult, "attachmentsNotCarried">,
  lang: Language,
): string | null {
  const n = created.attachmentsNotCarried ?? 0;
  if (!Number.isInteger(n) || n <= 0) return null;
  return t(lang, n === 1 ? "attachmentsNotCarriedOne" : "attachmentsNotCarriedMany", { n });
}
