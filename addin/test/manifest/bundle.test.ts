// The launch-event bundle as Outlook loads it: one classic script, no DOM, within budget.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = fileURLToPath(new URL("../../dist", import.meta.url));
const BUDGET_BYTES = 60 * 1024;
const bundle = readFileSync(path.join(dist, "launchevent.js"), "utf8");

describe("launchevent.js", () => {
  it(`is under ${BUDGET_BYTES / 1024} KB minified`, () => {
    const size = statSync(path.join(dist, "launchevent.js")).size;
    expect(size).toBeLessThan(BUDGET_BYTES);
  });

  it("is a single self-contained classic script (no imports, no chunks)", () => {
    expect(bundle).not.toMatch(/\bimport\s*\(/);
    expect(bundle).not.toMatch(/^\s*import\s/m);
    expect(bundle).not.toMatch(/\brequire\s*\(/);
    expect(bundle).not.toMatch(/\bexport\s*[{*]/);
  });

  it("uses no DOM (classic Outlook on Windows runs it in a JavaScript-only runtime)", () => {
    expect(bundle).not.toMatch(/\bdocument\s*\./);
    expect(bundle).not.toMatch(/\bwindow\s*\./);
    expect(bundle).not.toMatch(/\blocalStorage\b/);
    expect(bundle).not.toMatch(/\bnavigator\s*\./);
  });

  it("registers the handler under the manifest's FunctionName", () => {
    // The minifier may write the string with any quote character.
    expect(/actions\.associate\(\s*[`"']onMessageSendHandler[`"']/.test(bundle)).toBe(true);
  });

  it("keeps msal-browser out (it ships in naa.js)", () => {
    expect(bundle).not.toMatch(/msal/i);
    expect(statSync(path.join(dist, "naa.js")).size).toBeGreaterThan(BUDGET_BYTES);
  });
});
