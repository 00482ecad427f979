// The OnMessageSend (Smart Alerts) handler. This file is the whole launch-event bundle
// (dist/launchevent.js): classic Outlook on Windows runs it in a JavaScript-only runtime, so it
// must not touch the DOM; Outlook on the web, new Outlook and Mac load it from commands.html.
//
// On Send: read the draft → get a token → POST /api/v1/check within the budget → complete.
// Any failure goes through handleError and the configured failure policy; nothing here ever
// completes with allowEvent: true unless the server allowed the draft (or an override recorded
// for this exact draft covers every blocking reason).
import { checkDraft } from "../shared/apiClient";
import type { Completion } from "../shared/completion";
import { resolveConfig } from "../shared/config";
import type { Language } from "../shared/contract";
import { decisionCompletion } from "../shared/decisionMessage";
import { failureCompletion, type FailureKind } from "../shared/failurePolicy";
import { draftFingerprint } from "../shared/fingerprint";
import { languageFrom } from "../shared/i18n";
import { capabilities, composeItem, OfficeCallError, readDraft, readSession } from "../shared/officeItem";
import { OVERRIDE_SESSION_KEY, overrideApplies, parseStoredOverride } from "../shared/overrideStore";
import { acquireToken, tokenProviders } from "../shared/tokens";

/** Must equal FunctionName of the OnMessageSend LaunchEvent in manifest.xml (a test checks it). */
export const ON_MESSAGE_SEND_FUNCTION = "onMessageSendHandler";

interface SendOutcome {
  outcome: "allow" | "warn" | "block" | "override" | "failure";
  failure?: FailureKind;
  elapsedMs: number;
}

/**
 * Records the last outcome and its duration (no content) for the sandbox's timing display and
 * the performance measurements. Outlook ignores it.
 */
function recordOutcome(outcome: SendOutcome): void {
  (globalThis as { __clinicMailLastSend?: SendOutcome }).__clinicMailLastSend = outcome;
}

function complete(event: Office.AddinCommands.Event, completion: Completion): void {
  event.completed(completion as Office.SmartAlertsEventCompletedOptions);
}

function failureKindOf(error: unknown): FailureKind {
  if (error instanceof OfficeCallError) return "read";
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (
    typeof kind === "string" &&
    ["network", "timeout", "server", "unauthorized", "token", "read", "client"].includes(kind)
  ) {
    return kind as FailureKind;
  }
  return "server";
}

/** The one place a failed send check ends: the policy decides, the user is always told. */
function handleError(
  event: Office.AddinCommands.Event,
  error: unknown,
  lang: Language,
  started: number,
): void {
  const config = resolveConfig();
  const kind = failureKindOf(error);
  // Logged for diagnostics: the kind and operation only, never draft content or tokens.
  console.warn(`ClinicMail: send check failed (${kind})`, error instanceof Error ? error.message : "");
  recordOutcome({ outcome: "failure", failure: kind, elapsedMs: Date.now() - started });
  complete(event, failureCompletion(kind, config.failurePolicy, lang, capabilities()));
}

export async function onMessageSendHandler(event: Office.AddinCommands.Event): Promise<void> {
  const started = Date.now();
  const lang = languageFrom(Office.context?.displayLanguage);
  try {
    const config = resolveConfig();
    const item = composeItem();
    const [draft, token] = await Promise.all([
      readDraft(item, { name: "clinicmail-outlook", version: config.version }),
      acquireToken(tokenProviders(), false, config.tokenBudgetMs),
    ]);
    const result = await checkDraft(config.apiBase, draft, { token, lang, timeoutMs: config.checkBudgetMs });
    if (result.decision !== "allow") {
      const stored = parseStoredOverride(await readSession(item, OVERRIDE_SESSION_KEY));
      if (overrideApplies(stored, draftFingerprint(draft), result)) {
        recordOutcome({ outcome: "override", elapsedMs: Date.now() - started });
        complete(event, { allowEvent: true });
        return;
      }
    }
    recordOutcome({ outcome: result.decision, elapsedMs: Date.now() - started });
    complete(event, decisionCompletion(result, lang, capabilities()));
  } catch (error) {
    handleError(event, error, lang, started);
  }
}

// Registered at load, with the manifest's exact FunctionName. Office.actions exists in every
// runtime that runs launch events; the guard keeps the module importable in unit tests.
if (typeof Office !== "undefined" && Office.actions && typeof Office.actions.associate === "function") {
  Office.actions.associate("onMessageSendHandler", onMessageSendHandler);
}
