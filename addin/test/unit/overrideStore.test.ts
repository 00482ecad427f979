import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/shared/contract";
import { draftFingerprint, hash53 } from "../../src/shared/fingerprint";
import { overrideApplies, parseStoredOverride } from "../../src/shared/overrideStore";
import { consentMissing, restricted, result } from "../helpers/fixtures";

const draft: Draft = {
  from: "dre.tremblay@cliniquedemo.med",
  subject: "Résultats",
  body: "<p>Bonjour</p>",
  bodyFormat: "html",
  to: [{ address: "Marie.Gagnon@gmail.com" }],
  cc: [],
  bcc: [],
  attachments: [],
};

describe("draftFingerprint", () => {
  it("is stable across address case and recipient order, and changes with content", () => {
    const a = draftFingerprint({ ...draft, to: [{ address: "b@x.ca" }, { address: "A@x.ca" }] });
    const b = draftFingerprint({ ...draft, to: [{ address: "a@x.ca" }, { address: "b@x.ca" }] });
    expect(a).toBe(b);
    expect(draftFingerprint({ ...draft, subject: "Autre" })).not.toBe(draftFingerprint(draft));
    expect(draftFingerprint({ ...draft, bcc: [{ address: "c@x.ca" }] })).not.toBe(draftFingerprint(draft));
  });
  it("hash53 differs for different inputs", () => {
    expect(hash53("a")).not.toBe(hash53("b"));
  });
});

describe("overrides", () => {
  const stored = { overrideId: "ovr_1", checkId: "chk_1", fingerprint: draftFingerprint(draft) };

  it("parses what the pane stores and ignores garbage", () => {
    expect(parseStoredOverride(JSON.stringify(stored))).toEqual(stored);
    expect(parseStoredOverride("{not json")).toBeNull();
    expect(parseStoredOverride(JSON.stringify({ overrideId: 1 }))).toBeNull();
    expect(parseStoredOverride(null)).toBeNull();
  });

  it("applies to the same draft when every blocking reason is overridable", () => {
    expect(
      overrideApplies(
        stored,
        draftFingerprint(draft),
        result({ decision: "block", reasons: [consentMissing] }),
      ),
    ).toBe(true);
  });

  it("does not apply once the draft changed", () => {
    const changed = draftFingerprint({ ...draft, body: "<p>Autre chose</p>" });
    expect(overrideApplies(stored, changed, result({ decision: "block", reasons: [consentMissing] }))).toBe(
      false,
    );
  });

  it("never bypasses a non-overridable reason", () => {
    expect(
      overrideApplies(
        stored,
        draftFingerprint(draft),
        result({ decision: "block", reasons: [consentMissing, restricted] }),
      ),
    ).toBe(false);
  });
});
