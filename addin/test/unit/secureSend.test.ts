import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/shared/apiClient";
import type { Fix } from "../../src/shared/contract";
import { notCarriedText, overrideOffer, refusalText } from "../../src/taskpane/secureSend";
import { consentMissing, reason, restricted, result } from "../helpers/fixtures";

const topicOutsideConsent = reason(
  "TOPIC_OUTSIDE_CONSENT",
  "block",
  true,
  "Sujet hors du consentement.",
  "Topic outside consent.",
);
const secureRequired = reason(
  "SECURE_DELIVERY_REQUIRED",
  "block",
  false,
  "Livraison sécurisée requise.",
  "Secure delivery required.",
);
const sendSecurely: Fix = {
  kind: "send_securely",
  label: { fr: "Envoyer de façon sécurisée", en: "Send securely" },
  addresses: ["jf.gagnon@gmail.com"],
  resolves: ["SECURE_DELIVERY_REQUIRED", "IDENTIFIERS_EXTERNAL", "ATTACHMENT_UNREADABLE"],
};

describe("overrideOffer", () => {
  it("offers nothing on an allowed draft", () => {
    expect(overrideOffer(result({ decision: "allow" }))).toBe("none");
  });

  it("offers the form when every blocking reason is overridable", () => {
    expect(overrideOffer(result({ decision: "block", reasons: [consentMissing] }))).toBe("form");
  });

  it("offers the form, then secure sending, for a topic outside consent that also needs secure delivery", () => {
    const r = result({
      decision: "block",
      reasons: [topicOutsideConsent, secureRequired],
      fixes: [sendSecurely],
    });
    expect(overrideOffer(r)).toBe("form_then_secure");
  });

  it("refuses when a blocking reason is neither overridable nor resolved by secure delivery", () => {
    const r = result({
      decision: "block",
      reasons: [topicOutsideConsent, secureRequired, restricted],
      fixes: [sendSecurely],
    });
    expect(overrideOffer(r)).toBe("unavailable");
  });

  it("refuses when secure delivery is required but no send_securely fix is offered", () => {
    const r = result({ decision: "block", reasons: [topicOutsideConsent, secureRequired], fixes: [] });
    expect(overrideOffer(r)).toBe("unavailable");
  });

  it("has nothing to override when secure delivery alone is required", () => {
    const r = result({ decision: "block", reasons: [secureRequired], fixes: [sendSecurely] });
    expect(overrideOffer(r)).toBe("unavailable");
  });
});

describe("refusalText", () => {
  const unresolved = new ApiError("client", 409, {
    status: 409,
    title: "Secure send not possible.",
    detail:
      "Secure delivery only satisfies the encryption requirement. Fix or justify first: TOPIC_OUTSIDE_CONSENT.",
  });

  it("shows the server's reason for a refused secure send, in the pane's language", () => {
    expect(refusalText(unresolved, "en")).toBe(
      "The secure send was refused: Secure delivery only satisfies the encryption requirement. Fix or justify first: TOPIC_OUTSIDE_CONSENT.",
    );
    const fr = new ApiError("client", 409, {
      detail: "Le message à envoyer n'est pas celui qui a été vérifié.",
    });
    expect(refusalText(fr, "fr")).toBe(
      "L'envoi sécurisé a été refusé : Le message à envoyer n'est pas celui qui a été vérifié.",
    );
  });

  it("keeps the generic wording for server errors, sign-in failures, network failures and empty details", () => {
    expect(refusalText(new ApiError("server", 503, { detail: "Registry down." }), "en")).toBeNull();
    expect(refusalText(new ApiError("unauthorized", 401, { detail: "Sign in." }), "en")).toBeNull();
    expect(refusalText(new ApiError("network", null, null), "en")).toBeNull();
    expect(refusalText(new ApiError("client", 409, { detail: "   " }), "en")).toBeNull();
    expect(refusalText(new Error("boom"), "fr")).toBeNull();
  });
});

describe("notCarriedText", () => {
  it("says nothing when every attachment was carried or the server did not say", () => {
    expect(notCarriedText({ attachmentsNotCarried: 0 }, "fr")).toBeNull();
    expect(notCarriedText({}, "en")).toBeNull();
    expect(notCarriedText({ attachmentsNotCarried: -1 }, "en")).toBeNull();
  });

  it("names one attachment in French and English", () => {
    expect(notCarriedText({ attachmentsNotCarried: 1 }, "fr")).toMatch(
      /^Une pièce jointe .* transmettez-la autrement\.$/,
    );
    expect(notCarriedText({ attachmentsNotCarried: 1 }, "en")).toMatch(
      /^One attachment .* share it another way\.$/,
    );
  });

  it("counts several", () => {
    expect(notCarriedText({ attachmentsNotCarried: 3 }, "fr")).toMatch(
      /^3 pièces jointes .*n'ont pas été incluses/,
    );
    expect(notCarriedText({ attachmentsNotCarried: 3 }, "en")).toMatch(/^3 attachments .*were not included/);
  });
});
