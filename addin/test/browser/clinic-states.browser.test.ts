// Every state the clinic's page (/clinic/) reaches, in French and English, against the running app:
// axe (WCAG 2.1 A/AA, zero serious/critical), reflow at 320 px and 200 % zoom (scrollWidth ≤
// clientWidth), keyboard-only steps, focus moved to what changed, live regions written once, contrast
// measured, and the consent invitation end to end (the e-mail lands in the app's mail pickup).
// Screenshots go to <repo>/test-artifacts/clinic/ (those in docs/clinic-page.md are copied from there).
// Skips ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers /api/health.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { audit, contrastOf, focusIsVisible, reflowProblems, writeAuditReport } from "./a11y";
import { addinDir, appAnswers, appBase, devToken, launch, openClinicAs, screenshotInto } from "./browser";

const explicitBase = process.env.CLINICMAIL_BASE_URL;
const base = appBase;
const pickup = process.env.CLINICMAIL_MAIL_PICKUP;
const artifacts = path.resolve(addinDir, "..", "test-artifacts", "clinic");
const available = await appAnswers();
const skip = !available && !explicitBase;
if (skip) console.warn(`Clinic page states SKIPPED: nothing answers ${base}/api/health.`);

let browser: { context: BrowserContext; close(): Promise<void> };
const stamp = Date.now().toString(36);
const letters = stamp.replace(/[0-9]/g, "");
const budget = 480_000; // eight to ten axe runs and reflow checks per test; generous for a loaded machine
const patients: Record<string, string> = {};

async function api(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${url}`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await devToken("ClinicAdmin")}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function patient(key: string, family: string, address: string, consent: boolean): Promise<void> {
  const r = await api("POST", "/api/v1/registry/patients", {
    clinicPatientId: `ST-${key}-${stamp}`,
    familyName: family,
    givenName: `Zoé${letters}`,
    language: "fr",
    addresses: [{ address, kind: "personal" }],
    consent: consent
      ? {
          status: "granted",
          method: "signed_form",
          recordedOn: "2025-03-01",
          uses: ["appointments"],
          categories: [],
        }
      : null,
  });
  expect(r.status, await r.clone().text()).toBe(201);
  patients[key] = ((await r.json()) as { id: string }).id;
}

async function expectClean(page: Page, state: string): Promise<void> {
  expect(await audit(page, "clinic", state), state).toEqual([]);
}

/** axe, then reflow at 320 px and 200 % zoom, for the page as it is now. */
async function checkState(page: Page, state: string): Promise<void> {
  await expectClean(page, state);
  expect(await reflowProblems(page), `${state}: reflow`).toEqual([]);
}

/** Counts the texts written to a live region (one per announcement), from now on. */
async function watchLive(page: Page, id: string): Promise<() => Promise<string[]>> {
  await page.evaluate((target) => {
    const w = window as unknown as { __live: Record<string, string[]> };
    w.__live = w.__live ?? {};
    const seen: string[] = (w.__live[target] = []);
    const el = document.getElementById(target)!;
    new MutationObserver(() => {
      if (el.textContent && el.textContent !== seen[seen.length - 1]) seen.push(el.textContent);
    }).observe(el, { childList: true, characterData: true, subtree: true });
  }, id);
  return () =>
    page.evaluate(
      (target) => (window as unknown as { __live: Record<string, string[]> }).__live[target]!,
      id,
    );
}

const activeId = (page: Page): Promise<string | undefined> => page.evaluate(() => document.activeElement?.id);

async function openSignedIn(lang: "fr" | "en", role = "ClinicAdmin"): Promise<Page> {
  const page = await openClinicAs(browser.context, lang, role, base);
  await expect.poll(() => page.locator("#access-status").innerText(), { timeout: 15000 }).not.toBe("");
  return page;
}

async function openCard(page: Page, key: string): Promise<void> {
  await page.fill("#q", `ST-${key}-${stamp}`);
  await page.focus("#q");
  await page.keyboard.press("Enter");
  await expect.poll(() => page.locator("#search-results tbody tr").count(), { timeout: 15000 }).toBe(1);
  await page.locator("#search-results tbody button").first().focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => activeId(page)).toBe("card-heading");
}

/** The newest file in the mail pickup that mentions this address, written after `since`. */
function mailTo(address: string, since: number): string | undefined {
  if (!pickup) return undefined;
  return readdirSync(pickup)
    .map((f) => path.join(pickup, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .map((f) => readFileSync(f, "utf8"))
    .find((text) => text.includes(address));
}

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  browser = await launch();
  // A published e-mail policy (the verbal consent and the invitation record its version).
  const policy = await api("GET", "/api/v1/consent/policy");
  if (policy.status !== 200) {
    const published = await api("PUT", "/api/v1/consent/policy", {
      responseDelayBusinessDays: 2,
      openDays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
      opensAt: "08:00:00",
      closesAt: "17:00:00",
      readBy: ["physicians", "administrative_staff"],
      textingAllowed: false,
      textingRules: [],
      usesOffered: ["appointments", "general_advice", "normal_results"],
      categoriesOffered: [],
      secureMessaging: true,
      record: "electronic",
      clinicPhone: "514 555-0100",
    });
    expect(published.status).toBe(200);
  }
  // Long local parts differing only in their middle: a look-alike pair the list must show.
  await patient("a", "Lapointe", `st${stamp}.francois.xavier.lapointe@videotron.ca`, true);
  await patient("b", "Lapointe", `st${stamp}.francois.axvier.lapointe@videotron.ca`, false);
  await patient("fr", "Gagnon", `st${stamp}.fr@videotron.ca`, true);
  await patient("en", "Gagnon", `st${stamp}.en@videotron.ca`, true);
});
afterAll(async () => {
  writeAuditReport("accessibility-clinic.json");
  await browser?.close();
});

describe.skipIf(skip)("clinic page: every state, accessible", () => {
  it.each(["fr", "en"] as const)(
    "%s: sign-in, search, card, 409 conflict, consent actions, verbal consent and its errors, invitation",
    async (lang) => {
      const page = await browser.context.newPage();
      await page.goto(`${base}/clinic/?lang=${lang}`);
      await page.waitForSelector("body[data-ready=true]");
      expect(await page.getAttribute("html", "lang")).toBe(lang);
      // Development mode: the development issuer, no MSAL button, no MSAL bundle loaded.
      expect(await page.locator("#msal-signin").isHidden()).toBe(true);
      expect(await page.evaluate(() => "ClinicMailPageSignIn" in window)).toBe(false);
      await checkState(page, `${lang} signed out`);
      for (const sel of ["#page-title", "header button[aria-pressed=true]", "#access-heading"])
        expect(await contrastOf(page, sel), sel).toBeGreaterThanOrEqual(4.5);
      await page.close();

      const p = await openSignedIn(lang);
      await checkState(p, `${lang} signed in`);
      await openCard(p, lang);
      await checkState(p, `${lang} patient card`);

      // Editing: another patient's clinic id → 409 in words, which takes the focus; announced once.
      const cardLive = await watchLive(p, "card-status");
      await p.fill("#p-clinic", `ST-a-${stamp}`);
      await p.focus("#p-family");
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#card-status").getAttribute("class")).toBe("problem");
      const conflict = await p.locator("#card-status").innerText();
      expect(conflict).toContain(
        lang === "fr" ? "Un autre patient porte déjà" : "Another patient already has",
      );
      expect(await activeId(p)).toBe("card-status");
      expect(await focusIsVisible(p)).toBe(true);
      expect(await contrastOf(p, "#card-status")).toBeGreaterThanOrEqual(4.5);
      expect((await cardLive()).filter((t) => t === conflict)).toHaveLength(1);
      await checkState(p, `${lang} 409 conflict`);
      await p.fill("#p-clinic", `ST-${lang}-${stamp}`);
      await p.focus("#p-family");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#card-status").innerText())
        .toBe(lang === "fr" ? "Modifications enregistrées." : "Changes saved.");
      await checkState(p, `${lang} edit saved`);

      // Consent actions: revoke (confirmed), then restrict.
      p.once("dialog", (d) => void d.accept());
      await p.focus("#revoke");
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#consent-view").getAttribute("data-status")).toBe("revoked");
      await checkState(p, `${lang} consent revoked`);
      await p.fill("#r-reason", lang === "fr" ? "Messages abusifs" : "Abusive messages");
      await p.focus("#r-reason");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#restriction-view").innerText())
        .toContain(lang === "fr" ? "Restreint" : "Restricted");
      await checkState(p, `${lang} restricted`);
      await p.click("#unrestrict");
      await expect.poll(() => p.locator("#unrestrict").isDisabled()).toBe(true);

      // Verbal consent form: an incomplete checklist is refused in words; then recorded.
      const informedLive = await watchLive(p, "informed-status");
      await p.check("#v-item-intended_uses");
      await p.check("#v-use-appointments");
      await p.focus("#verbal-form button[type=submit]");
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#informed-status").getAttribute("class")).toBe("problem");
      expect(await p.locator("#informed-status").innerText()).toMatch(
        lang === "fr" ? /^Erreur 400 : / : /^Error 400: /,
      );
      expect(await contrastOf(p, "#informed-status")).toBeGreaterThanOrEqual(4.5);
      await checkState(p, `${lang} verbal consent refused (checklist)`);
      for (const box of await p.locator("#v-checklist input").all()) await box.check();
      await p.focus("#verbal-form button[type=submit]");
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#consent-view").getAttribute("data-status")).toBe("granted");
      await checkState(p, `${lang} verbal consent recorded`);

      // Invitation: without a date of birth → said in words, the field marked and focused; then sent.
      const invited = `st${stamp}.${lang}@videotron.ca`;
      await p.fill("#i-address", invited);
      await p.focus("#i-address");
      const since = Date.now() - 1000;
      await p.keyboard.press("Enter");
      await expect.poll(() => activeId(p)).toBe("i-birth");
      expect(await p.getAttribute("#i-birth", "aria-invalid")).not.toBeNull();
      expect(await p.getAttribute("#i-birth", "aria-describedby")).toBe("informed-status");
      expect(await p.locator("#informed-status").innerText()).toContain(
        lang === "fr" ? "Indiquez la date de naissance" : "Give the patient's date of birth",
      );
      await checkState(p, `${lang} invitation refused (date of birth)`);
      await p.fill("#i-birth", "1980-04-12");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#informed-status").innerText())
        .toMatch(
          lang === "fr"
            ? /^Invitation envoyée\. Le lien expire le /
            : /^Invitation sent\. The link expires on /,
        );
      expect(await p.getAttribute("#i-birth", "aria-invalid")).toBeNull();
      const announced = await informedLive();
      const sent = await p.locator("#informed-status").innerText();
      expect(announced.filter((t) => t === sent)).toHaveLength(1);
      await checkState(p, `${lang} invitation sent`);
      await screenshotInto(artifacts, p, `clinic-page-${lang}-invitation`);
      if (pickup)
        await expect.poll(() => mailTo(invited, since) !== undefined, { timeout: 15000 }).toBe(true);
      await p.close();
    },
    budget,
  );

  it.each(["fr", "en"] as const)(
    "%s: import dry run with bad rows, import applied, look-alikes, consents to regularise, incoming, filings",
    async (lang) => {
      const header =
        "clinic_patient_id;family_name;given_name;language;email;address_kind;third_party_consented;consent_status;consent_method;consent_date;consent_uses;consent_categories;sms_consent;restricted;declared_sensitive";
      const row = (l: string) =>
        `IMPST-${lang}-${stamp};Roy;Anne;${l};imp.${lang}.${stamp}@videotron.ca;personal;no;granted;signed_form;2025-02-01;appointments;;no;no;`;
      const dir = path.join(os.tmpdir(), `clinic-states-${stamp}-${lang}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, "bad.csv"),
        [header, row("xx"), `IMPST2-${lang};;;fr;not-an-address;personal;no;none;;;;;no;no;`, ""].join("\n"),
      );
      writeFileSync(path.join(dir, "good.csv"), [header, row("fr"), ""].join("\n"));

      const p = await openSignedIn(lang);
      const importLive = await watchLive(p, "import-status");
      await p.setInputFiles("#import-file", path.join(dir, "bad.csv"));
      await p.focus("#import-form button[type=submit]");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#import-errors tbody tr").count(), { timeout: 20000 })
        .toBeGreaterThan(1);
      expect(await activeId(p)).toBe("import-errors");
      const refused = await p.locator("#import-status").innerText();
      expect((await importLive()).filter((t) => t === refused)).toHaveLength(1);
      await checkState(p, `${lang} import dry run with bad rows`);
      await screenshotInto(artifacts, p, `clinic-page-${lang}-import-errors`);

      await p.setInputFiles("#import-file", path.join(dir, "good.csv"));
      await p.click("#import-form button[type=submit]");
      await expect.poll(() => p.locator("#import-apply").isEnabled(), { timeout: 20000 }).toBe(true);
      await p.focus("#import-apply");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#import-status").innerText(), { timeout: 20000 })
        .toMatch(lang === "fr" ? /^Importé : 1 ligne/ : /^Imported: 1 row/);
      await checkState(p, `${lang} import applied`);

      // Look-alikes: the pair differing in the middle of a long local part is listed.
      await p.focus("#lookalikes-load");
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#lookalikes-table").isVisible(), { timeout: 15000 }).toBe(true);
      const listed = await p.locator("#lookalikes-table tbody").innerText();
      expect(listed).toContain(`st${stamp}.francois.xavier.lapointe@videotron.ca`);
      expect(listed).toContain(`st${stamp}.francois.axvier.lapointe@videotron.ca`);
      await checkState(p, `${lang} look-alikes`);
      await screenshotInto(artifacts, p, `clinic-page-${lang}-lookalikes`);

      await p.click("#attention-load");
      await expect.poll(() => p.locator("#attention-table").isVisible(), { timeout: 15000 }).toBe(true);
      await checkState(p, `${lang} consents to regularise`);

      // The incoming-mail section (issue 18) and the filings to confirm (issue 19) once loaded.
      await expect
        .poll(() => p.locator("#incoming-awaiting [role=status]").first().innerText(), { timeout: 15000 })
        .not.toBe("");
      await expect.poll(() => p.locator("#record-filing").isVisible(), { timeout: 15000 }).toBe(true);
      await checkState(p, `${lang} incoming and filings sections`);
      await p.close();
    },
    budget,
  );

  it(
    "roles: physician read-only and reviewer refused are accessible too",
    async () => {
      const physician = await openSignedIn("fr", "Physician");
      await openCard(physician, "fr");
      await checkState(physician, "fr physician read-only card");
      await physician.close();
      const reviewer = await openSignedIn("en", "ComplianceReviewer");
      expect(await reviewer.locator("#access-status").getAttribute("class")).toBe("problem");
      await checkState(reviewer, "en reviewer refused");
      await reviewer.close();
    },
    budget,
  );
});
