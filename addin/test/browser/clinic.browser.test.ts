// The clinic's page (/clinic/) against the running ClinicMail app (./run.sh; test.sh starts it):
// search → edit → the next check follows; revoke → the check blocks; CSV import with a bad row →
// fix → apply; role checks. Skips ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers
// /api/health at the default http://localhost:7071. Screenshots go to <repo>/test-artifacts/clinic/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { addinDir, appAnswers, appBase, devToken, launch, screenshotInto } from "./browser";

const explicitBase = process.env.CLINICMAIL_BASE_URL;
const base = appBase;
const artifacts = path.resolve(addinDir, "..", "test-artifacts", "clinic");

const available = await appAnswers();
const skip = !available && !explicitBase;
if (skip) {
  console.warn(
    `Clinic page browser tests SKIPPED: CLINICMAIL_BASE_URL is unset and nothing answers ${base}/api/health.`,
  );
}

let browser: { context: BrowserContext; close(): Promise<void> };
const stamp = Date.now().toString(36);
// Letters only in the given name: the search folds accents and case, and words must start name words.
const given = `Émilie${stamp.replace(/[0-9]/g, "")}q`;
const address = `emilie.cote.${stamp}@videotron.ca`;
const newAddress = `emilie.c.${stamp}@bell.net`;
let patientId = "";

const token = (role: string): Promise<string> => devToken(role);

interface CheckResult {
  decision: string;
  recipients: { address: string; status: string }[];
  reasons: { code: string }[];
}

/** The status of the one recipient of a check. */
async function statusOf(to: string): Promise<string | undefined> {
  return (await check(to)).recipients[0]?.status;
}

async function check(to: string): Promise<CheckResult> {
  const r = await fetch(`${base}/api/v1/check`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("Physician")}` },
    body: JSON.stringify({
      subject: "Rendez-vous",
      body: "Bonjour, votre rendez-vous est confirmé pour mardi. Dre Tremblay",
      to: [to],
    }),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as CheckResult;
}

const shot = (page: Page, name: string): Promise<void> => screenshotInto(artifacts, page, name);

async function openPage(lang: "fr" | "en"): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/clinic/?lang=${lang}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

/** Signs in with a development token of this role, keyboard only. */
async function signIn(page: Page, role: string): Promise<void> {
  await page.focus("#dev-role");
  await page.selectOption("#dev-role", role);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("dev-token");
  await page.keyboard.press("Enter");
  await expect.poll(() => page.locator("#access-status").innerText(), { timeout: 15000 }).not.toBe("");
}

/** Searches with the keyboard and opens the first result. */
async function searchAndOpen(page: Page, query: string): Promise<void> {
  await page.focus("#q");
  await page.fill("#q", query);
  await page.keyboard.press("Enter");
  await expect
    .poll(() => page.locator("#search-results tbody tr").count(), { timeout: 15000 })
    .toBeGreaterThan(0);
  await page.locator("#search-results tbody button").first().focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => page.locator("#card").isVisible()).toBe(true);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("card-heading");
}

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  browser = await launch();
  const r = await fetch(`${base}/api/v1/registry/patients`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token("ClinicAdmin")}` },
    body: JSON.stringify({
      clinicPatientId: `WEB-${stamp}`,
      familyName: "Côté",
      givenName: given,
      language: "fr",
      addresses: [{ address, kind: "personal" }],
      consent: {
        status: "granted",
        method: "signed_form",
        recordedOn: "2025-03-01",
        uses: ["appointments", "normal_results"],
        categories: [],
      },
    }),
  });
  expect(r.status).toBe(201);
  patientId = ((await r.json()) as { id: string }).id;
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(skip)("clinic page", () => {
  it("French: accent-insensitive search, card, edit an address (409 in words), the next check follows", async () => {
    const page = await openPage("fr");
    expect(await page.locator("h1").innerText()).toBe("Registre de la clinique");
    const unlabeled = await page.$$eval("input, select, textarea", (els) =>
      els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id),
    );
    expect(unlabeled).toEqual([]);
    await signIn(page, "ClinicAdmin");
    expect(page.url()).not.toContain("@");

    await searchAndOpen(page, `cote ${given.toLowerCase().replace("é", "e")}`);
    expect(await page.locator("#card-heading").innerText()).toContain(`Côté, ${given}`);
    expect(await page.locator("#addresses tbody").innerText()).toContain(address);
    expect(await page.locator("#consent-view").innerText()).toContain("formulaire signé");
    expect(await page.locator("#history tbody tr").count()).toBeGreaterThan(0);

    // Before: the new address is nobody's.
    expect(await statusOf(newAddress)).not.toBe("consented_patient");

    // An address of another patient (demo registry) is refused with the conflict in words.
    await page.fill("#a-address", "marie.tremblay@videotron.ca");
    await page.focus("#a-address");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator("#card-status").innerText())
      .toContain("appartient déjà à un autre patient");

    await page.fill("#a-address", newAddress);
    await page.selectOption("#a-kind", "personal");
    await page.focus("#a-address");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#card-status").innerText()).toBe("Adresse enregistrée.");
    expect(await page.locator("#addresses tbody").innerText()).toContain(newAddress);
    await shot(page, "clinic-fr-card");

    // After: the check finds the patient under the new address, with the consent in force.
    const after = await check(newAddress);
    expect(after.recipients[0]?.status).toBe("consented_patient");
    await page.close();
  });

  it("English: revoke → the check blocks; verbal consent → allowed again; restrict and unrestrict", async () => {
    const page = await openPage("en");
    await signIn(page, "ClinicAdmin");
    await searchAndOpen(page, `WEB-${stamp}`);
    expect(await statusOf(address)).toBe("consented_patient");

    page.once("dialog", (d) => void d.accept());
    await page.focus("#revoke");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#card-status").innerText()).toBe("Consent revoked.");
    expect(await page.locator("#consent-view").getAttribute("data-status")).toBe("revoked");
    const blocked = await check(address);
    expect(blocked.decision).toBe("block");
    expect(blocked.recipients[0]?.status).toBe("patient_without_consent");

    // Revoking again: nothing in force, said in words.
    await page.evaluate(() => {
      (document.getElementById("revoke") as HTMLButtonElement).disabled = false;
    });
    page.once("dialog", (d) => void d.accept());
    await page.click("#revoke");
    await expect
      .poll(() => page.locator("#card-status").innerText())
      .toContain("no consent in force to revoke");

    await page.focus("#verbal");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("c-status");
    await page.click("#consent-form button[type=submit]");
    await expect.poll(() => page.locator("#card-status").innerText()).toBe("Consent recorded.");
    expect(await page.locator("#consent-view").innerText()).toContain("verbal, noted in the file");
    expect(await statusOf(address)).toBe("consented_patient");

    await page.fill("#r-reason", "Abusive messages");
    await page.click("#restrict-form button[type=submit]");
    await expect.poll(() => page.locator("#card-status").innerText()).toBe("Patient restricted.");
    expect(await statusOf(address)).toBe("restricted_patient");
    await shot(page, "clinic-en-restricted");
    await page.click("#unrestrict");
    await expect.poll(() => page.locator("#card-status").innerText()).toBe("Restriction lifted.");
    expect(await statusOf(address)).toBe("consented_patient");
    await page.close();
  });

  it("English: import with a bad row → every problem with line and column → fix → apply → the check follows", async () => {
    const header =
      "clinic_patient_id;family_name;given_name;language;email;address_kind;third_party_consented;consent_status;consent_method;consent_date;consent_uses;consent_categories;sms_consent;restricted;declared_sensitive";
    const imported = `import.${stamp}@videotron.ca`;
    const row = (lang: string) =>
      `IMP-${stamp};Bélanger;Luc;${lang};${imported};personal;no;granted;signed_form;2025-02-01;appointments;;no;no;`;
    const second = `IMP2-${stamp};Roy;Anne;fr;anne.${stamp}@gmail.com;personal;no;none;;;;;no;no;`;
    const dir = path.join(os.tmpdir(), `clinic-import-${stamp}`);
    mkdirSync(dir, { recursive: true });
    const bad = path.join(dir, "bad.csv");
    const good = path.join(dir, "good.csv");
    writeFileSync(bad, [header, second, row("xx"), ""].join("\n"));
    writeFileSync(good, [header, second, row("fr"), ""].join("\n"));

    const page = await openPage("en");
    await signIn(page, "ClinicAdmin");
    await page.setInputFiles("#import-file", bad);
    await page.click("#import-form button[type=submit]");
    await expect
      .poll(() => page.locator("#import-status").innerText(), { timeout: 20000 })
      .toContain("problem(s): nothing was written");
    const errorRows = await page.locator("#import-errors tbody tr").allInnerTexts();
    expect(errorRows.length).toBe(1);
    expect(errorRows[0] ?? "").toContain("3");
    expect(errorRows[0] ?? "").toContain("language");
    expect(await page.locator("#import-apply").isDisabled()).toBe(true);
    await shot(page, "clinic-en-import-errors");

    await page.setInputFiles("#import-file", good);
    await page.click("#import-form button[type=submit]");
    await expect
      .poll(() => page.locator("#import-status").innerText(), { timeout: 20000 })
      .toContain("to add 2, to change 0");
    expect(await page.locator("#import-errors").isHidden()).toBe(true);
    expect(await statusOf(imported)).not.toBe("consented_patient");

    await page.focus("#import-apply");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator("#import-status").innerText(), { timeout: 20000 })
      .toContain("Imported: 2 row(s), 2 patient(s) — added 2");
    await expect.poll(() => page.locator("#import-log").innerText()).toContain("imported: 2 row(s), added 2");
    expect(await page.locator("#import-log").innerText()).toContain("refused (1 problem(s))");
    await shot(page, "clinic-en-import-applied");
    expect(await statusOf(imported)).toBe("consented_patient");
    await page.close();
  });

  it("roles: a Physician reads without editing; a ComplianceReviewer cannot open the page", async () => {
    const page = await openPage("fr");
    await signIn(page, "Physician");
    expect(await page.locator("#access-status").innerText()).toContain("lecture seule");
    await searchAndOpen(page, `WEB-${stamp}`);
    expect(await page.locator("#readonly-note").isVisible()).toBe(true);
    for (const form of ["#address-form", "#consent-form", "#restrict-form", "#import-form", "#revoke"])
      expect(await page.locator(form).isVisible(), form).toBe(false);
    expect(await page.locator("#p-family").getAttribute("readonly")).not.toBeNull();
    await shot(page, "clinic-fr-physician");
    // The server refuses a Physician's write whatever the page shows.
    const put = await fetch(`${base}/api/v1/registry/patients/${patientId}/consent/revoke`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await token("Physician")}` },
    });
    expect(put.status).toBe(403);
    await page.close();

    const reviewer = await openPage("en");
    await signIn(reviewer, "ComplianceReviewer");
    expect(await reviewer.locator("#access-status").innerText()).toContain(
      "clinic administrators and physicians only",
    );
    expect(await reviewer.locator("#workspace").isHidden()).toBe(true);
    const search = await fetch(`${base}/api/v1/registry/patients/search`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await token("ComplianceReviewer")}`,
      },
      body: JSON.stringify({ clinicPatientId: `WEB-${stamp}` }),
    });
    expect(search.status).toBe(403);
    await reviewer.close();
  });
});
