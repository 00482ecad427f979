// The compliance review page's "document filed to the record" check (issue 19) against the running app:
// a sent mail to a registered patient is dropped through the sandbox's development route, the app files
// it to the embedded record folder (<data>/record-filing, beside CLINICMAIL_MAIL_PICKUP), and the
// reviewer picks the filed PDF: its SHA-256 is computed in the browser and matched against the audit
// record; a copy altered by one byte does not match. French and English; axe audits of each state.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { audit, writeAuditReport } from "./a11y";
import { addinDir, appUnderTest, launch } from "./browser";

const { base, available, skip } = await appUnderTest("Filed-document verification browser tests");
const pickup = process.env.CLINICMAIL_MAIL_PICKUP ?? path.resolve(addinDir, "..", ".data", "mail-pickup");
const recordFolder = path.join(path.dirname(pickup), "record-filing");

let browser: { context: BrowserContext; close(): Promise<void> };
let filed = "";
let altered = "";

/** Every rendition.pdf under the record folder (patient / filing / rendition.pdf). */
function renditions(): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (name === "rendition.pdf") found.push(full);
      // A filing is written into "<id>.partial-<n>" and renamed when complete: skip those folders.
      else if (
        depth < 2 &&
        !name.startsWith(".") &&
        !name.includes(".partial-") &&
        statSync(full).isDirectory()
      )
        walk(full, depth + 1);
    }
  };
  walk(recordFolder, 0);
  return found;
}

async function openPage(lang: "fr" | "en"): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/review/?lang=${lang}`);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#dev-token");
  await expect.poll(() => page.locator("#access-status").innerText(), { timeout: 15000 }).not.toBe("");
  return page;
}

async function verify(page: Page, file: string): Promise<string> {
  await page.setInputFiles("#filed-file", file);
  await page.click("#filed-verify");
  await expect.poll(() => page.locator("#filed-hash").innerText(), { timeout: 15000 }).not.toBe("");
  return page.locator("#filed-text").innerText();
}

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  browser = await launch();
  const before = new Set(renditions());
  const drop = await fetch(`${base}/api/dev/mail-sent`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      to: ["marie.tremblay@videotron.ca"],
      subject: `Suivi ${Date.now()}`,
      bodyText: "Bonjour, votre prochain rendez-vous est confirmé.",
    }),
  });
  expect(drop.status, "the sandbox's sent-mail drop (development mode)").toBe(204);
  // expect.poll is for tests only: wait for the filing by hand (up to 60 s).
  for (const until = Date.now() + 60000; Date.now() < until;) {
    if (renditions().some((f) => !before.has(f))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(renditions().filter((f) => !before.has(f)).length, "a new filed rendition").toBeGreaterThan(0);
  filed = renditions().find((f) => !before.has(f)) ?? "";
  // The same document with one byte changed: what a tampered copy looks like.
  const bytes = readFileSync(filed);
  const at = bytes.length - 10;
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
  altered = path.join(mkdtempSync(path.join(os.tmpdir(), "clinicmail-filed-")), "rendition.pdf");
  writeFileSync(altered, bytes);
}, 90000);

afterAll(async () => {
  writeAuditReport("accessibility-filed-verify.json");
  await browser?.close();
});

describe.skipIf(skip)("compliance page: verify a filed document", () => {
  it("French: the filed PDF matches its audit record, an altered copy does not", async () => {
    const page = await openPage("fr");
    expect(await page.locator("#filed-heading").innerText()).toBe("Document classé au dossier");
    expect(await page.locator("label[for=filed-file]").innerText()).toBe("Fichier classé");
    expect(await audit(page, "review", "filed verify (fr, empty)")).toEqual([]);

    const match = await verify(page, filed);
    expect(match).toMatch(
      /^Conforme : ce fichier est le rendu PDF du classement fil-sent-mail-[0-9a-f]+, consigné à l'enregistrement d'audit n° \d+\.$/,
    );
    expect(await page.locator("#filed-hash").innerText()).toMatch(/^SHA-256 : [0-9a-f]{64}$/);
    expect(await audit(page, "review", "filed verify (fr, match)")).toEqual([]);

    const noMatch = await verify(page, altered);
    expect(noMatch).toContain("Aucune correspondance");
    expect(await audit(page, "review", "filed verify (fr, no match)")).toEqual([]);
    await page.close();
  });

  it("English: the result and its labels are in English, reached with the keyboard", async () => {
    const page = await openPage("en");
    expect(await page.locator("#filed-heading").innerText()).toBe("Document filed to the record");
    await page.setInputFiles("#filed-file", filed);
    await page.focus("#filed-verify");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#filed-hash").innerText(), { timeout: 15000 }).not.toBe("");
    expect(await page.locator("#filed-text").innerText()).toMatch(
      /^Matches: this file is the PDF rendition of filing fil-sent-mail-[0-9a-f]+, recorded in audit record no\. \d+\.$/,
    );
    expect(await page.getAttribute("#filed-result", "role")).toBe("status");
    expect(await audit(page, "review", "filed verify (en, match)")).toEqual([]);
    await page.close();
  });

  it("no file chosen: says so, sends nothing", async () => {
    const page = await openPage("en");
    let verifyCalls = 0;
    page.on("request", (r) => {
      if (r.url().includes("/api/v1/record-filing/verify")) verifyCalls++;
    });
    await page.click("#filed-verify");
    expect(await page.locator("#filed-text").innerText()).toBe("Choose a file first.");
    expect(verifyCalls).toBe(0);
    await page.close();
  });
});
