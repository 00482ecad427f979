import { describe, expect, it } from "vitest";
import { allStrings, labelFor, languageFrom, pick, t } from "../../src/shared/i18n";

describe("languageFrom", () => {
  it.each([
    ["fr-CA", "fr"],
    ["fr-FR", "fr"],
    ["FR", "fr"],
    ["en-US", "en"],
    ["es-ES", "en"],
    ["", "en"],
    [undefined, "en"],
  ])("languageFrom_%s_returns %s", (input, expected) => {
    expect(languageFrom(input)).toBe(expected);
  });
});

describe("strings", () => {
  it("every string exists in French and English", () => {
    for (const [key, text] of Object.entries(allStrings)) {
      expect(text.fr.trim(), key).not.toBe("");
      expect(text.en.trim(), key).not.toBe("");
    }
  });

  it("placeholders are the same in both languages", () => {
    const holes = (s: string): string[] => (s.match(/\{[a-z]+\}/gi) ?? []).sort();
    for (const [key, text] of Object.entries(allStrings)) {
      expect(holes(text.fr), key).toEqual(holes(text.en));
    }
  });

  it("t fills placeholders", () => {
    expect(t("fr", "moreReasons", { n: 3 })).toBe("… et 3 autre(s) motif(s)");
    expect(t("en", "moreReasons", { n: 3 })).toBe("… and 3 more reason(s)");
  });

  it("labelFor falls back to the code for an unknown value", () => {
    expect(labelFor("fr", "status", "consented_patient")).toBe("Patient, consentement au dossier");
    expect(labelFor("en", "category", "brand_new_category")).toBe("brand new category");
  });

  it("pick uses the other language when one is empty", () => {
    expect(pick({ fr: "", en: "Hello" }, "fr")).toBe("Hello");
    expect(pick(null, "en")).toBe("");
  });
});
