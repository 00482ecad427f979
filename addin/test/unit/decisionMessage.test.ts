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

  // On current Outlook (web, new Outlook, classic Windows 2412+) cancelLabel names the separate
  // "Take action" button; with commandId it keeps the mail and opens the pane on the fix. It must
  // say that, not "Don't send" (which would show two "don't send" buttons).
  it.each([
    ["fr", "Corriger le courriel"],
    ["en", "Fix in ClinicMail"],
  ] as const)("labels the Take action button for what it does (%s)", (lang, label) => {
    const c = decisionCompletion(result({ decision: "block", reasons: [consentMissing] }), lang, full);
    expect(c.cancelLabel).toBe(label);
    expect(c.commandId).toBe(TASKPANE_COMMAND_ID);
    expect(c.cancelLabel!.length).toBeLessThanOrEqual(MAX_CANCEL_LABEL_CHARS);
    expect(c.cancelLabel).not.toMatch(/ne pas envoyer|don.t send/i);
  });
});

describe("every reason reachable from the dialog", () => {
  // Long French reasons, as the API writes them: once Markdown-escaped, three of them do not fit
  // whole in 500 characters. Each must still get its own line (shortened), in both renderings.
  const longFr = [
    reason(
      "CONSENT_MISSING",
      "block",
      true,
      "Aucun consentement au courriel n'est consigné pour marie.gagnon@gmail.com (formulaire signé ou consentement verbal noté au dossier) : obtenez-le avant d'écrire.",
      "No e-mail consent is on file for marie.gagnon@gmail.com (signed form or verbal consent in the record): obtain it before writing.",
    ),
    reason(
      "SENSITIVE_TOPIC",
      "block",
      true,
      "Le message aborde un sujet sensible (santé mentale) hors de la portée du consentement : retirez-le ou utilisez l'envoi sécurisé après consentement.",
      "The message raises a sensitive topic (mental health) outside the consent's scope: remove it or send securely after consent.",
    ),
    reason(
      "BULK_VISIBLE_PATIENTS",
      "block",
      true,
      "Plusieurs patients se voient entre eux (À et Cc) : placez-les en Cci pour que chacun ne voie que sa propre adresse.",
      "Several patients can see each other (To and Cc): put them in Bcc so that each sees only their own address.",
    ),
  ];

  it.each(["fr", "en"] as const)("lists all three long reasons in plain and Markdown (%s)", (lang) => {
    const c = decisionCompletion(result({ decision: "block", reasons: longFr }), lang, full);
    for (const text of [c.errorMessage!, c.errorMessageMarkdown!]) {
      expect(text.length).toBeLessThanOrEqual(MAX_DIALOG_CHARS);
      expect(text).not.toMatch(/autre\(s\) motif|more reason/);
    }
    const starts =
      lang === "fr"
        ? ["Aucun consentement", "Le message aborde", "Plusieurs patients"]
        : ["No e", "The message raises", "Several patients"];
    for (const start of starts) {
      expect(c.errorMessage).toContain(start);
      expect(c.errorMessageMarkdown).toContain(start);
    }
    expect(c.errorMessageMarkdown!.split("\r").filter((l) => l.includes("- ")).length).toBe(3);
    // The hint says the pane (the dialog's button) has every reason in full.
    expect(c.errorMessage).toContain(lang === "fr" ? "Tous les motifs" : "Every reason");
  });

  it("lists the same reasons in plain text and Markdown when some must be left to the pane", () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      reason(
        `R${i}`,
        "block",
        true,
        `Motif ${i} : ${"détail (à corriger) - ".repeat(4)}`,
        `Reason ${i}: ${"detail (to fix) - ".repeat(4)}`,
      ),
    );
    const c = decisionCompletion(result({ decision: "block", reasons: many }), "fr", full);
    const count = (text: string) => (text.match(/Motif \d+/g) ?? []).length;
    expect(count(c.errorMessage!)).toBeGreaterThan(1);
    expect(count(c.errorMessageMarkdown!)).toBe(count(c.errorMessage!));
    expect(c.errorMessage).toContain(`et ${12 - count(c.errorMessage!)} autre(s) motif(s)`);
  });
});
