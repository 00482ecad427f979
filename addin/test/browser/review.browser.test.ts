// The compliance reviewer's page (/review/) against the running ClinicMail app (./run.sh; test.sh
// starts it). Skips ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers /api/health at the
// default http://localhost:7071; with CLINICMAIL_BASE_URL set, an unreachable app fails the tests.
// Screenshots go to <repo>/test-artifacts/review/.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { addinDir, appUnderTest, launch } from "./browser";

const { base, available, skip } = await appUnderTest("Review page browser tests");
const artifacts = path.resolve(addinDir, "..", "test-artifacts", "review");

let browser: { context: BrowserContext; close(): Promise<void> };
const marker = `MARQUEUR${Date.now()}`;

async function token(role: string): Promise<string> {
  const r = await fetch(`${base}/api/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role }),
  });
  expect(r.ok, "the app must run in development mode (POST /api/dev/token)").toBe(true);
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

async function openPage(lang: "fr" | "en"): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/review/?lang=${lang}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** Signs in with the development token using the keyboard only. */
async function signInWithKeyboard(page: Page): Promise<void> {
  await page.focus("#dev-token");
  await page.keyboard.press("Enter");
  await expect.poll(() => page.locator("#results tbody tr").count(), { timeout: 15000 }).toBeGreaterThan(0);
}

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  browser = await launch();
  // A few real checks so the page has decisions to show (markers must never reach the page or exports).
  const physician = await token("Physician");
  for (const body of [
    `Bonjour, votre dépression ${marker} se porte mieux.`,
    `Votre rendez-vous est confirmé ${marker}.`,
  ]) {
    await fetch(`${base}/api/v1/check`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${physician}` },
      body: JSON.stringify({ subject: `Suivi ${marker}`, body, to: ["pierre.gauthier@sympatico.ca"] }),
    });
  }
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(skip)("compliance review page", () => {
  it("French: keyboard-only sign-in, results, charts, record detail and back", async () => {
    const page = await openPage("fr");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("h1").innerText()).toBe("Revue de conformité");
    // Every form control has a label.
    const unlabeled = await page.$$eval("input, select", (els) =>
      els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id),
    );
    expect(unlabeled).toEqual([]);

    await signInWithKeyboard(page);
    await expect.poll(() => page.locator("#chart-decisions svg rect").count()).toBeGreaterThan(0);
    expect(await page.locator("#chart-decisions svg").getAttribute("role")).toBe("img");
    expect(await page.locator("body").innerText()).not.toContain(marker);

    // Open the first record with the keyboard; focus moves to the detail, Escape returns it.
    const first = page.locator("#results tbody tr button").first();
    await first.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#detail").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("detail-heading");
    expect(await page.locator("#detail-list").innerText()).toContain("Empreinte");
    await shot(page, "review-fr-detail");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#detail").isHidden()).toBe(true);
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.seq),
    ).toBeTruthy();
    await page.close();
  });

  it("English: filter by decision, verify integrity, export CSV without any draft content", async () => {
    const page = await openPage("en");
    await signInWithKeyboard(page);
    expect(await page.locator("h1").innerText()).toBe("Compliance review");

    await page.selectOption("#f-decision", "block");
    await page.click("#search");
    await expect.poll(() => page.locator("#status").innerText()).toContain("record(s) shown");
    const decisions = await page
      .locator("#results tbody td.decision-block, #results tbody td[class^=decision-]")
      .allInnerTexts();
    expect(decisions.every((d) => d === "Blocked")).toBe(true);

    await page.click("#verify");
    await expect.poll(() => page.locator("#verify-result").getAttribute("data-ok")).toBe("true");
    expect(await page.locator("#verify-text").innerText()).toContain("Log intact");
    await shot(page, "review-en-verified");

    const download = page.waitForEvent("download");
    await page.click("#export-csv");
    const file = await download;
    const csvPath = path.join(artifacts, "export.csv");
    mkdirSync(artifacts, { recursive: true });
    await file.saveAs(csvPath);
    const { readFileSync } = await import("node:fs");
    const csv = readFileSync(csvPath, "utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "seq,at,event,event_name,actor_tid,actor_oid,check_id,subject_id,decision,data,prev_hash,hash",
    );
    expect(csv).not.toContain(marker);
    expect(csv).not.toContain("sympatico");
    await page.close();
  });

  it("switches language in place and keeps the results", async () => {
    const page = await openPage("fr");
    await signInWithKeyboard(page);
    const rows = await page.locator("#results tbody tr").count();
    await page.click("[data-lang=en]");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("#results-heading").innerText()).toBe("Results");
    await expect.poll(() => page.locator("#status").innerText()).toContain("record(s) shown");
    expect(await page.locator("#results tbody tr").count()).toBe(rows);
    expect(await page.locator("#results tbody").innerText()).not.toContain("Bloqué");
    await shot(page, "review-en-charts");
    await page.close();
  });
});
