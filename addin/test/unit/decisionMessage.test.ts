import { describe, expect, it } from "vitest";
import { MAX_CANCEL_LABEL_CHARS, MAX_DIALOG_CHARS, TASKPANE_COMMAND_ID } from "../../src/shared/completion";
import { decisionCompletion, escapeMarkdown, reasonsForDialog } from "../../src/shared/decisionMessage";
import {
  bulkVisible,
  consentMissing,
  reason,
  restricted,
  result,
  secureRecommended,
} from "../helpers/fixtures";

const full = { customizeDialog: true, markdown: true };
const old = { customizeDialog: false, markdown: false };

describe("decisionCompletion", () => {
  it("allow lets the mail go", () => {
    expect(decisionCompletion(result({ decision: "allow" }), "fr", full)).toEqual({ allowEvent: true });
  });

  it("block lists the reasons in French and opens the pane from the dialog", () => {
    const c = decisionCompletion(
      result({ decision: "block", reasons: [consentMissing, bulkVisible] }),
      "fr",
      full,
    );
    expect(c.allowEvent).toBe(false);
    expect(c.errorMessage).toContain("ClinicMail a bloqué");
    expect(c.errorMessage).toContain("Aucun consentement au courriel");
    expect(c.errorMessage).toContain("placez-les en Cci");
    expect(c.errorMessageMarkdown).toContain("- Aucun consentement");
    expect(c.errorMessageMarkdown).toContain("\r");
    expect(c.commandId).toBe(TASKPANE_COMMAND_ID);
    expect(c.sendModeOverride).toBeUndefined();
    expect(c.cancelLabel!.length).toBeLessThanOrEqual(MAX_CANCEL_LABEL_CHARS);
  });

  it("block in English uses the English messages", () => {
    const c = decisionCompletion(result({ decision: "block", reasons: [restricted] }), "en", full);
    expect(c.errorMessage).toContain("This patient's privileges are restricted.");
    expect(c.errorMessage).not.toContain("restreints");
  });

  it("stays within Outlook's 500 characters and says how many reasons were left out", () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      reason(
        `R${i}`,
        "block",
        true,
        `Motif numéro ${i} assez long pour remplir la boîte de dialogue.`,
        `Reason number ${i}, long enough to fill the dialog box.`,
      ),
    );
    const c = decisionCompletion(result({ decision: "block", reasons: many }), "en", full);
    expect(c.errorMessage!.length).toBeLessThanOrEqual(MAX_DIALOG_CHARS);
    expect(c.errorMessageMarkdown!.length).toBeLessThanOrEqual(MAX_DIALOG_CHARS);
    expect(c.errorMessage).toMatch(/and \d+ more reason/);
    expect(c.errorMessage).toContain("Reason number 0");
  });

  it("warn offers Send Anyway on Mailbox 1.14+", () => {
    const c = decisionCompletion(result({ decision: "warn", reasons: [secureRecommended] }), "en", full);
    expect(c.allowEvent).toBe(false);
    expect(c.sendModeOverride).toBe("promptUser");
    expect(c.errorMessage).toContain("Send this message securely.");
  });

  it("warn lets the mail go on clients that cannot offer Send Anyway (warnings do not block)", () => {
    expect(decisionCompletion(result({ decision: "warn", reasons: [secureRecommended] }), "en", old)).toEqual(
      { allowEvent: true },
    );
  });

  it("block on an old client still blocks, without Markdown or commandId", () => {
    const c = decisionCompletion(result({ decision: "block", reasons: [consentMissing] }), "en", old);
    expect(c.allowEvent).toBe(false);
    expect(c.errorMessageMarkdown).toBeUndefined();
    expect(c.commandId).toBeUndefined();
  });
});

describe("reasonsForDialog", () => {
  it("orders block before warn and drops info and duplicates", () => {
    const info = reason("INFO", "info", true, "i", "i");
    const list = reasonsForDialog(
      result({ decision: "block", reasons: [secureRecommended, info, consentMissing, consentMissing] }),
    );
    expect(list.map((r) => r.code)).toEqual(["CONSENT_MISSING", "SECURE_DELIVERY_REQUIRED"]);
  });
});

describe("escapeMarkdown", () => {
  it("escapes the characters the Smart Alerts Markdown subset interprets", () => {
    expect(escapeMarkdown("a*b_c [x](y) - z")).toBe("a\\*b\\_c \\[x\\]\\(y\\) \\- z");
  });
});
