// The override recorded in the task pane is remembered in the item's sessionData (Mailbox 1.11)
// so the Send handler, which runs in another runtime, can honour it for the same draft.
import type { CheckResult } from "./contract";

export const OVERRIDE_SESSION_KEY = "clinicmail.override";

export interface StoredOverride {
  overrideId: string;
  checkId: string;
  fingerprint: string;
}

export function parseStoredOverride(raw: string | null | undefined): StoredOverride | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredOverride>;
    if (
      typeof value.overrideId === "string" &&
      typeof value.checkId === "string" &&
      typeof value.fingerprint === "string"
    ) {
      return { overrideId: value.overrideId, checkId: value.checkId, fingerprint: value.fingerprint };
    }
  } catch {
    // Corrupt session data is treated as no override: the send is checked normally.
  }
  return null;
}

/**
 * An override lets a blocked send through only if it was recorded for this very draft (same
 * fingerprint) and every blocking reason of the new check is overridable. A reason the server
 * marks non-overridable (a restricted patient, for example) is never bypassed locally.
 */
export function overrideApplies(
  stored: StoredOverride | null,
  fingerprint: string,
  result: CheckResult,
): boolean {
  if (!stored || stored.fingerprint !== fingerprint) return false;
  if (result.decision === "allow") return true;
  return result.reasons.filter((r) => r.severity === "block").every((r) => r.overridable);
}
