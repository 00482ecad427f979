import { describe, expect, it } from "vitest";
import { MAX_CANCEL_LABEL_CHARS, MAX_DIALOG_CHARS, TASKPANE_COMMAND_ID } from "../../src/shared/completion";
import {
  failureCompletion,
  failureKindForStatus,
  parseFailurePolicy,
  type FailureKind,
} from "../../src/shared/failurePolicy";

const kinds: FailureKind[] = ["network", "timeout", "server", "unauthorized", "token", "read", "client"];
const full = { customizeDialog: true, markdown: true };
const old = { customizeDialog: false, markdown: false };

describe("parseFailurePolicy", () => {
  it("defaults to prompt when unset", () => {
    expect(parseFailurePolicy(undefined)).toBe("prompt");
    expect(parseFailurePolicy("")).toBe("prompt");
  });
  it("reads known values case-insensitively", () => {
    expect(parseFailurePolicy(" Block ")).toBe("block");
    expect(parseFailurePolicy("PROMPT")).toBe("prompt");
  });
  it("turns an unknown value into block (a typo must make the add-in stricter)", () => {
    expect(parseFailurePolicy("allow")).toBe("block");
    expect(parseFailurePolicy("promt")).toBe("block");
  });
});

describe("failureKindForStatus", () => {
  it.each([
    [401, "unauthorized"],
    [403, "unauthorized"],
    [408, "timeout"],
    [504, "timeout"],
    [500, "server"],
    [503, "server"],
    [400, "client"],
    [422, "client"],
  ] as const)("status %i is %s", (status, kind) => {
    expect(failureKindForStatus(status)).toBe(kind);
  });
});

describe("failureCompletion", () => {
  it("never lets the mail go, whatever the failure, policy, language or client", () => {
    for (const kind of kinds)
      for (const policy of ["prompt", "block"] as const)
        for (const lang of ["fr", "en"] as const)
          for (const caps of [full, old]) {
            const c = failureCompletion(kind, policy, lang, caps);
            expect(c.allowEvent).toBe(false);
            expect(c.errorMessage!.length).toBeGreaterThan(20);
            expect(c.errorMessage!.length).toBeLessThanOrEqual(MAX_DIALOG_CHARS);
          }
  });

  it("prompt offers Send Anyway through sendModeOverride on Mailbox 1.14+", () => {
    const c = failureCompletion("timeout", "prompt", "en", full);
    expect(c.sendModeOverride).toBe("promptUser");
    expect(c.commandId).toBe(TASKPANE_COMMAND_ID);
    expect(c.errorMessage).toContain("no answer in time");
    expect(c.cancelLabel!.length).toBeLessThanOrEqual(MAX_CANCEL_LABEL_CHARS);
  });

  // The button keeps the mail and opens the pane, which checks again: labelled so on the Take
  // action button of current Outlook and the Don't Send button of older clients alike.
  it.each([
    ["fr", "Vérifier de nouveau"],
    ["en", "Check again"],
  ] as const)("labels the dialog's pane button for what it does (%s)", (lang, label) => {
    for (const policy of ["prompt", "block"] as const) {
      const c = failureCompletion("timeout", policy, lang, full);
      expect(c.cancelLabel).toBe(label);
      expect(c.commandId).toBe(TASKPANE_COMMAND_ID);
    }
  });

  it("block never offers Send Anyway", () => {
    const c = failureCompletion("network", "block", "fr", full);
    expect(c.sendModeOverride).toBeUndefined();
    expect(c.errorMessage).toContain("service injoignable");
    expect(c.errorMessage).toContain("réessayez");
  });

  it("omits 1.14 fields on older clients (prompt degrades to block there)", () => {
    const c = failureCompletion("server", "prompt", "en", old);
    expect(c).toEqual({ allowEvent: false, errorMessage: expect.stringContaining("service error") });
  });
});
