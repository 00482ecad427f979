import { describe, expect, it } from "vitest";
import type { Draft } from "../../src/shared/contract";
import { htmlToText, snippetFor } from "../../src/taskpane/evidence";

const draft: Draft = {
  from: "a@b.med",
  subject: "Résultats de dépistage",
  body: "<p>Bonjour Madame Gagnon,</p><p>Vos résultats de dépistage ITSS sont arrivés&nbsp;: le test est positif.</p>",
  bodyFormat: "html",
  to: [],
  cc: [],
  bcc: [],
  attachments: [{ name: "bilan-oncologie.pdf", size: 1, contentType: "application/pdf" }],
};

describe("htmlToText", () => {
  it("keeps text and line breaks, decodes entities, drops tags and scripts", () => {
    expect(htmlToText("<p>a &amp; b</p><script>x()</script><br>c&nbsp;d")).toBe("a & b\n \nc d");
  });
});

describe("snippetFor", () => {
  it("highlights the evidence at its offset with context", () => {
    const text = htmlToText(draft.body);
    const s = snippetFor({ part: "body", offset: text.indexOf("ITSS"), length: 4, text: "ITSS" }, draft, 12);
    expect(s.match).toBe("ITSS");
    expect(s.before).toMatch(/dépistage $/);
    expect(s.after).toMatch(/^ sont arrivé/);
  });

  it("finds the nearest occurrence when the server's offset is into normalised text", () => {
    const s = snippetFor({ part: "body", offset: 3, length: 4, text: "itss" }, draft);
    expect(s.match).toBe("ITSS");
  });

  it("works on the subject and on attachment names", () => {
    expect(snippetFor({ part: "subject", offset: 14, length: 9, text: "dépistage" }, draft).match).toBe(
      "dépistage",
    );
    expect(
      snippetFor({ part: "attachment_name", offset: 0, length: 9, text: "oncologie" }, draft).match,
    ).toBe("oncologie");
  });

  it("shows the evidence text alone when it cannot be located", () => {
    expect(snippetFor({ part: "body", offset: 0, length: 3, text: "VIH" }, draft)).toEqual({
      before: "",
      match: "VIH",
      after: "",
    });
    expect(snippetFor({ part: "body", offset: 0, length: 3, text: "VIH" }, null).match).toBe("VIH");
  });
});
