// What happens on Send when the check cannot run: network failure, no answer within the budget,
// a 5xx, a refused token (401/403), no token at all, or the draft could not be read.
//
// SendMode in manifest.xml is SoftBlock: if the add-in itself cannot load, Outlook lets the user
// send anyway. When the add-in loads but the check fails, this policy decides, and it never lets
// the mail go silently (docs/architecture.md, "Failure policy"):
// - "prompt" (default): the dialog says the check could not run, and sendModeOverride=promptUser
//   (Mailbox 1.14) gives the user "Send Anyway" — an explicit, informed choice. On a client
//   without 1.14 the override is ignored and it degrades to "block" (never to a silent pass).
// - "block": the dialog says the check could not run and the mail stays in the draft until a
//   check succeeds. For clinics that prefer it, pair it with SendMode="Block" in the manifest.
import type { Completion, Capabilities } from "./completion";
import { MAX_CANCEL_LABEL_CHARS, MAX_DIALOG_CHARS, TASKPANE_COMMAND_ID, truncate } from "./completion";
import type { Language } from "./contract";
import { t, type StringKey } from "./i18n";

export type FailurePolicy = "prompt" | "block";
export type FailureKind = "network" | "timeout" | "server" | "unauthorized" | "token" | "read" | "client";

export const FAILURE_POLICIES: readonly FailurePolicy[] = ["prompt", "block"];

/**
 * Reads a configured policy. An unrecognised value becomes "block": a typo in deployment
 * configuration must make the add-in stricter, not looser.
 */
export function parseFailurePolicy(value: string | undefined | null): FailurePolicy {
  const normalized = (value ?? "").trim().toLowerCase();
  if (normalized === "") return "prompt";
  return (FAILURE_POLICIES as readonly string[]).includes(normalized)
    ? (normalized as FailurePolicy)
    : "block";
}

/** Maps an HTTP status of the check call to a failure kind (only called for non-2xx). */
export function failureKindForStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "server";
  return "client";
}

const causeKey: Record<FailureKind, StringKey> = {
  network: "causeNetwork",
  timeout: "causeTimeout",
  server: "causeServer",
  unauthorized: "causeUnauthorized",
  token: "causeToken",
  read: "causeRead",
  client: "causeClient",
};

export function failureCause(kind: FailureKind, lang: Language): string {
  return t(lang, causeKey[kind]);
}

/** The completion for a check that could not run. Never `allowEvent: true`. */
export function failureCompletion(
  kind: FailureKind,
  policy: FailurePolicy,
  lang: Language,
  caps: Capabilities,
): Completion {
  const cause = failureCause(kind, lang);
  const text = truncate(
    t(lang, policy === "prompt" ? "failurePrompt" : "failureBlock", { cause }),
    MAX_DIALOG_CHARS,
  );
  const completion: Completion = { allowEvent: false, errorMessage: text };
  if (caps.customizeDialog) {
    completion.cancelLabel = truncate(t(lang, "cancelLabelRetry"), MAX_CANCEL_LABEL_CHARS);
    completion.commandId = TASKPANE_COMMAND_ID;
    if (policy === "prompt") completion.sendModeOverride = "promptUser";
  }
  return completion;
}
