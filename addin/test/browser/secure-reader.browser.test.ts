// The patient's secure reader in Chromium (playwright-core) against the running ClinicMail API in
// the embedded default: create (as the add-in does) → code read from the pickup folder → open →
// read → reply → revoke → access denied; five wrong codes → locked; an unknown link. (The expired
// link is covered by the C# integration tests, which can move a message past its expiry.)
// Skips ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers /api/health at the default URL.
// The pickup folder is CLINICMAIL_MAIL_PICKUP (default <repo>/.data/mail-pickup).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { addinDir, appUnderTest, launch } from "./browser";
import { apiCall, codeFor as readCode, createSecureMessage, devToken } from "./secureMessages";

const { base, available, skip } = await appUnderTest("ClinicMail secure-reader browser tests");
const pickup = process.env.CLINICMAIL_MAIL_PICKUP ?? path.resolve(addinDir, "..", ".data", "mail-pickup");
const artifacts = path.resolve(addinDir, "..", "test-artifacts", "secure");
const marie = "marie.tremblay@videotron.ca";
const secret = "Résultat de biopsie : lésion bénigne, suivi dans 6 mois.";

let browser: { context: BrowserContext; close(): Promise<void> };
let token = "";

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  token = await devToken(base, "Physician");
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const api = (method: string, url: string, body?: unknown): Promise<Response> =>
  apiCall(base, token, method, url, body);
const createMessage = (): Promise<{ messageId: string; link: string }> =>
  createSecureMessage(base, token, marie, secret);
const codeFor = (address: string, since: number): Promise<string> => readCode(pickup, address, since);

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

async function openWithCode(page: Page, link: string): Promise<void> {
  await page.goto(link);
  const since = Date.now();
  await page.click("[data-testid=send-code]");
  await page.waitForSelector("[data-testid=code-sent]");
  await page.fill("[data-testid=code]", await codeFor(marie, since));
  await page.click("[data-testid=verify]");
  await page.waitForSelector("[data-testid=message]");
}

describe.skipIf(skip)("secure reader", () => {
  it("create → code → open → read → reply → revoke → access denied", async () => {
    const { messageId, link } = await createMessage();
    const page = await browser.context.newPage();
    await page.goto(link);
    await shot(page, "landing");
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await openWithCode(page, link);
    await shot(page, "message-fr");
    expect(await page.locator("[data-testid=body]").innerText()).toContain("lésion bénigne");
    expect(await page.title()).not.toBe("pwned");
    await page.click("[data-testid=lang-toggle]");
    await page.waitForSelector("html[lang=en]");
    expect(await page.locator("main").innerText()).toContain("Reply securely");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=biopsie.txt")]);
    expect(download.suggestedFilename()).toBe("biopsie.txt");

    await page.fill("[data-testid=reply-body]", "Merci, je serai au rendez-vous.");
    await page.click("[data-testid=reply-send]");
    await page.waitForSelector("[data-testid=notice]");
    await shot(page, "replied");

    const status = (await (await api("GET", `/api/v1/secure-messages/${messageId}`)).json()) as {
      recipients: { opened: boolean }[];
      replies: { body: string }[];
    };
    expect(status.recipients[0]!.opened).toBe(true);
    expect(status.replies[0]!.body).toBe("Merci, je serai au rendez-vous.");

    expect((await api("POST", `/api/v1/secure-messages/${messageId}/revoke`)).status).toBe(200);
    const after = await page.goto(link);
    expect(after?.status()).toBe(410);
    expect(await page.locator("[data-testid=revoked]").count()).toBe(1);
    expect(await page.content()).not.toContain("bénigne");
    await shot(page, "revoked");
    await page.close();
  });

  it("wrong code five times → locked with a clear message", async () => {
    const { link } = await createMessage();
    const page = await browser.context.newPage();
    await page.goto(`${link}?lang=en`);
    const since = Date.now();
    await page.click("[data-testid=send-code]");
    const right = await codeFor(marie, since);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      await page.fill("[data-testid=code]", wrong);
      await page.click("[data-testid=verify]");
      await page.waitForLoadState();
    }
    await page.waitForSelector("[data-testid=locked]");
    expect(await page.locator("main").innerText()).toContain("locked after 5 wrong codes");
    await shot(page, "locked");
    await page.close();
  });

  it("a link that does not exist shows a clear page under the strict CSP", async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${base}/secure/${"A".repeat(43)}`);
    expect(response?.status()).toBe(404);
    expect(await page.locator("[data-testid=invalid]").count()).toBe(1);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'none'");
    await shot(page, "invalid-link");
    await page.close();
  });
});
