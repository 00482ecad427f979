// Accessibility (issue 24; WCAG 2.1 AA as SGQRI 008 2.0 asks) of every page in every state the
// browser suites reach: axe-core finds no serious or critical violation, and hand-written steps
// check what axe cannot see (keyboard, focus, live regions, reflow, lang, colour, contrast).
// The full axe report goes to <repo>/test-artifacts/addin/accessibility.json; docs/accessibility.md
// lists the remaining findings. Runs against the app like the other suites (CLINICMAIL_BASE_URL);
// the "API down" states use the static server on addin/dist.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { startStaticServer } from "../../scripts/serve-static.mjs";
import { closedPortUrl } from "../helpers/apiServer";
import { audit, contrastOf, focusIsVisible, reflowProblems, writeAuditReport } from "./a11y";
import { addinDir, appUnderTest, launch, openSandbox, pressSend } from "./browser";
import { apiCall, codeFor, createSecureMessage, devToken } from "./secureMessages";

const { base, available, skip } = await appUnderTest("Accessibility browser tests");
const pickup = process.env.CLINICMAIL_MAIL_PICKUP ?? path.resolve(addinDir, "..", ".data", "mail-pickup");
const marie = "marie.tremblay@videotron.ca";
const secret = "Résultat de biopsie : lésion bénigne, suivi dans 6 mois.";

const auditBudgetMs = 240000;
let token = "";
let browser: { context: BrowserContext; close(): Promise<void> };

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  browser = await launch();
  token = await devToken(base, "Physician");
});
afterAll(async () => {
  writeAuditReport("accessibility.json");
  await browser?.close();
});

async function expectClean(page: Page, name: string, state: string): Promise<void> {
  expect(await audit(page, name, state), `${name} — ${state}`).toEqual([]);
}

/** Waits until the pane is idle with a decision and returns it. */
async function settledDecision(p: Page): Promise<string> {
  await p.waitForFunction(
    () => {
      const pane = document.getElementById("pane");
      const d = document.querySelector("[data-testid=decision]");
      return (
        pane?.dataset.state !== "checking" &&
        pane?.dataset.state !== "busy" &&
        d?.getAttribute("data-stale") === "false"
      );
    },
    undefined,
    { timeout: 15000 },
  );
  await p.waitForTimeout(900);
  return (await p.locator("[data-testid=decision]").getAttribute("data-decision")) ?? "";
}

async function sandbox(lang: "fr" | "en", query = ""): Promise<Page> {
  const p = await browser.context.newPage();
  await openSandbox(p, `${base}/sandbox/?lang=${lang}${query}`);
  return p;
}

describe.skipIf(skip)("accessibility: sandbox and task pane", () => {
  // axe runs slowly on a shared machine: the audits get a longer budget than the suite's default.
  it.each(["fr", "en"] as const)(
    "axe (%s): empty, allow, warn, block (dialog and pane), fixes, stale",
    async (lang) => {
      {
        const p = await sandbox(lang);
        expect(await p.getAttribute("html", "lang")).toMatch(new RegExp(`^${lang}`));
        await expectClean(p, "sandbox", `${lang} empty`);
        await p.click("[data-scenario=benign]");
        expect(await settledDecision(p)).toBe("allow");
        await expectClean(p, "task pane", `${lang} allow`);
        await p.click("[data-scenario=lookalike]");
        expect(await settledDecision(p)).not.toBe("allow");
        await expectClean(p, "task pane", `${lang} warn (look-alike)`);
        await p.click("[data-scenario=sensitive]");
        expect(await pressSend(p)).toBe("dialog");
        await expectClean(p, "sandbox", `${lang} Smart Alert dialog (block)`);
        await p.click("[data-testid=dialog-cancel]");
        expect(await settledDecision(p)).toBe("block");
        await expectClean(p, "task pane", `${lang} block with fixes`);
        if ((await p.locator("details.cm-override").count()) > 0) {
          await p.click("details.cm-override summary");
          await expectClean(p, "task pane", `${lang} override form open`);
        }
        // Stale: the draft changes; the old result is marked stale until the re-check lands.
        await p.fill("[data-testid=subject]", "Suivi modifié");
        const sawStale = await p
          .waitForSelector("[data-testid=decision][data-stale=true]", { timeout: 5000 })
          .then(
            () => true,
            () => false,
          );
        if (sawStale) await expectClean(p, "task pane", `${lang} stale`);
        await p.close();
      }
    },
    auditBudgetMs,
  );

  it(
    "axe (fr): Send securely refused, override then secure, secure sent with a link not carried",
    async () => {
      const p = await sandbox("fr");
      await p.click("[data-scenario=sensitive]");
      expect(await settledDecision(p)).toBe("block");
      await p.click("[data-testid=attach-cloud]");
      expect(await settledDecision(p)).toBe("block");
      await p.click("[data-fix=send_securely]:not([disabled])");
      await expect
        .poll(() => p.locator("[data-testid=notice]").innerText(), { timeout: 45000 })
        .toContain("L'envoi sécurisé a été refusé");
      await expectClean(p, "task pane", "fr secure send refused");
      await p.click("details.cm-override summary");
      await expectClean(p, "task pane", "fr override then secure (form open)");
      await p.selectOption("[data-testid=override-code]", "patient_request");
      await p.fill("[data-testid=override-text]", "Le patient a demandé ses résultats par courriel.");
      await p.click("[data-testid=override-submit]");
      await expect
        .poll(() => p.locator("[data-testid=notice]").innerText(), { timeout: 10000 })
        .toContain("Dérogation consignée");
      await p.click("[data-fix=send_securely]");
      await p.waitForSelector("[data-testid=attachments-not-carried]", { timeout: 20000 });
      await expectClean(p, "task pane", "fr secure sent, attachment not carried");
      expect(await contrastOf(p, "[data-testid=attachments-not-carried]")).toBeGreaterThanOrEqual(4.5);
      await p.close();
    },
    auditBudgetMs,
  );

  it("block, warn and allow each show text and an icon, not colour alone; contrast ≥ 4.5:1", async () => {
    const p = await sandbox("fr");
    for (const [scenario, decision] of [
      ["benign", "allow"],
      ["sensitive", "block"],
    ] as const) {
      await p.click(`[data-scenario=${scenario}]`);
      expect(await settledDecision(p)).toBe(decision);
      const banner = p.locator("[data-testid=decision]");
      expect((await banner.innerText()).trim().length).toBeGreaterThan(3);
      const icon = banner.locator("[data-testid=decision-icon]");
      expect(await icon.count()).toBe(1);
      expect(await icon.getAttribute("aria-hidden")).toBe("true");
      expect(await icon.getAttribute("data-icon")).toBe(decision);
      expect(await contrastOf(p, "[data-testid=decision-text]")).toBeGreaterThanOrEqual(4.5);
    }
    await p.close();
  });

  it("keyboard alone: pick a scenario, send, take action, apply the fix; focus visible and moved to the new decision", async () => {
    const p = await sandbox("en");
    // Tab from the top of the page to the "bulk" scenario, activate it with Enter.
    await p.keyboard.press("Tab");
    let guard = 0;
    while ((await p.evaluate(() => document.activeElement?.getAttribute("data-scenario"))) !== "bulk") {
      await p.keyboard.press("Tab");
      // Every control the Tab key reaches shows where the focus is.
      if (await p.evaluate(() => document.activeElement !== document.body))
        expect(
          await focusIsVisible(p),
          await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 80)),
        ).toBe(true);
      expect(++guard).toBeLessThan(40);
    }
    await p.keyboard.press("Enter");
    await p.focus("[data-testid=send]");
    expect(await focusIsVisible(p)).toBe(true);
    await p.keyboard.press("Enter");
    await p.waitForSelector("[data-testid=smart-alert][open]");
    // The dialog takes the focus; Enter on "Take action" opens the pane on the decision.
    expect(
      await p.evaluate(() => document.activeElement?.closest("[data-testid=smart-alert]") !== null),
    ).toBe(true);
    await p.focus("[data-testid=dialog-cancel]");
    await p.keyboard.press("Enter");
    await expect
      .poll(() => p.evaluate(() => document.activeElement?.getAttribute("data-testid")), { timeout: 15000 })
      .toBe("decision");
    expect(await settledDecision(p)).toBe("block");
    expect(await focusIsVisible(p)).toBe(true);
    // Tab reaches the primary fix; Enter applies it; the new decision takes the focus.
    guard = 0;
    while ((await p.evaluate(() => document.activeElement?.getAttribute("data-primary"))) !== "true") {
      await p.keyboard.press("Tab");
      expect(++guard).toBeLessThan(40);
    }
    await p.keyboard.press("Enter");
    await expect.poll(() => p.inputValue("[data-testid=to]"), { timeout: 10000 }).toBe("");
    await expect
      .poll(() => p.evaluate(() => document.activeElement?.getAttribute("data-testid")), { timeout: 15000 })
      .toBe("decision");
    expect(await settledDecision(p)).not.toBe("block");
    await p.close();
  });

  it("the live region announces each decision once", async () => {
    const p = await sandbox("fr");
    await p.evaluate(() => {
      const w = window as unknown as { __announced: string[] };
      w.__announced = [];
      const live = document.querySelector("#pane [aria-live]")!;
      new MutationObserver(() => w.__announced.push(live.textContent ?? "")).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await p.click("[data-scenario=benign]");
    expect(await settledDecision(p)).toBe("allow");
    await p.waitForTimeout(2500); // polls and re-renders while nothing changes
    const announced = await p.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
    const ready = announced.filter((x) => x.includes("Prêt à envoyer"));
    expect(ready).toHaveLength(1);
    // No two identical announcements in a row.
    expect(announced.every((x, i) => i === 0 || x !== announced[i - 1])).toBe(true);
    await p.close();
  });

  it("320 px wide and 200 % zoom: no horizontal scrolling", async () => {
    const p = await sandbox("fr");
    await p.click("[data-scenario=sensitive]");
    await settledDecision(p);
    expect(await reflowProblems(p)).toEqual([]);
    await p.close();
  });
});

describe.skipIf(skip)("accessibility: API down", () => {
  let server: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await startStaticServer(path.join(addinDir, "dist"));
  });
  afterAll(async () => {
    await server?.close();
  });

  it("axe: the pane and the dialog when the check cannot run; the error is announced", async () => {
    const downApi = await closedPortUrl();
    const p = await browser.context.newPage();
    await openSandbox(p, `${server.url}/sandbox/?api=${encodeURIComponent(downApi)}&lang=fr&policy=block`);
    await p.click("[data-scenario=sensitive]");
    expect(await pressSend(p)).toBe("dialog");
    await expectClean(p, "sandbox", "fr API down dialog");
    await p.click("[data-testid=dialog-cancel]");
    await expect.poll(() => p.locator("[data-testid=check-error]").count()).toBeGreaterThan(0);
    await expectClean(p, "task pane", "fr API down");
    expect(await p.locator("#pane [aria-live]").innerText()).toContain("n'a pas pu");
    await p.close();
  });
});

describe.skipIf(skip)("accessibility: secure reader", () => {
  it(
    "axe on every state: code request, code entry, wrong code, message, reply, revoked, invalid",
    async () => {
      const { messageId, link } = await createSecureMessage(base, token, marie, secret);
      const p = await browser.context.newPage();
      await p.goto(link);
      expect(await p.getAttribute("html", "lang")).toBe("fr");
      expect(await p.getAttribute("[data-testid=lang-toggle]", "lang")).toBe("en");
      await expectClean(p, "reader", "fr code request");
      const since = Date.now();
      await p.click("[data-testid=send-code]");
      await p.waitForSelector("[data-testid=code-sent]");
      await expectClean(p, "reader", "fr code entry");
      const right = await codeFor(pickup, marie, since);
      await p.fill("[data-testid=code]", right === "000000" ? "111111" : "000000");
      await p.click("[data-testid=verify]");
      await p.waitForSelector("[data-testid=code-wrong]");
      await expectClean(p, "reader", "fr wrong code");
      // The error names the field and how to fix it, is tied to the field, and the field has focus.
      const error = await p.locator("[data-testid=code-wrong]").innerText();
      expect(error).toContain("code");
      expect(error).toMatch(/Entrez|Vérifiez/);
      expect(await p.getAttribute("[data-testid=code]", "aria-invalid")).toBe("true");
      expect(await p.getAttribute("[data-testid=code]", "aria-describedby")).toBe("code-error");
      expect(await p.getAttribute("[data-testid=code-wrong]", "id")).toBe("code-error");
      expect(await p.getAttribute("[data-testid=code-wrong]", "role")).toBe("alert");
      expect(await p.evaluate(() => document.activeElement?.id)).toBe("code");
      // Keyboard alone: type the right code in the focused field, Enter submits.
      await p.keyboard.type(right);
      await p.keyboard.press("Enter");
      await p.waitForSelector("[data-testid=message]");
      await expectClean(p, "reader", "fr message");
      await p.click("[data-testid=lang-toggle]");
      await p.waitForSelector("html[lang=en]");
      await expectClean(p, "reader", "en message");
      await p.fill("[data-testid=reply-body]", "Merci, je serai au rendez-vous.");
      await p.focus("[data-testid=reply-send]");
      expect(await focusIsVisible(p)).toBe(true);
      await p.keyboard.press("Enter");
      await p.waitForSelector("[data-testid=notice]");
      expect(await p.getAttribute("[data-testid=notice]", "role")).toBe("status");
      await expectClean(p, "reader", "en reply sent");
      // Reflow: 320 px and 200 % zoom on the message.
      expect(await reflowProblems(p)).toEqual([]);
      // Contrast measured on the text that is smallest or on a tinted background.
      for (const sel of [".meta", "[data-testid=notice]", "button", "header .brand", "header a"])
        expect(await contrastOf(p, sel), sel).toBeGreaterThanOrEqual(4.5);

      expect((await apiCall(base, token, "POST", `/api/v1/secure-messages/${messageId}/revoke`)).status).toBe(
        200,
      );
      await p.goto(link);
      await p.waitForSelector("[data-testid=revoked]");
      await expectClean(p, "reader", "fr revoked");
      await p.goto(`${base}/secure/${"A".repeat(43)}`);
      await p.waitForSelector("[data-testid=invalid]");
      await expectClean(p, "reader", "fr invalid link");
      await p.close();
    },
    auditBudgetMs,
  );

  it("axe: expired (French and English)", async () => {
    const { messageId, link } = await createSecureMessage(base, token, marie, secret);
    // The shortest expiry the API accepts is "in the future": a few seconds, then the link has expired.
    const expiresAt = new Date(Date.now() + 4000).toISOString();
    const changed = await apiCall(base, token, "PUT", `/api/v1/secure-messages/${messageId}/expiry`, {
      expiresAt,
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const p = await browser.context.newPage();
    await p.goto(link);
    await p.waitForSelector("[data-testid=expired]");
    expect(await p.getAttribute("html", "lang")).toBe("fr");
    await expectClean(p, "reader", "fr expired");
    await p.goto(`${link}?lang=en`);
    await p.waitForSelector("[data-testid=expired]");
    expect(await p.getAttribute("html", "lang")).toBe("en");
    await expectClean(p, "reader", "en expired");
    expect(await reflowProblems(p)).toEqual([]);
    await p.close();
  });

  it("axe: locked after five wrong codes (English)", async () => {
    const { link } = await createSecureMessage(base, token, marie, secret);
    const p = await browser.context.newPage();
    await p.goto(`${link}?lang=en`);
    const since = Date.now();
    await p.click("[data-testid=send-code]");
    const right = await codeFor(pickup, marie, since);
    for (let i = 0; i < 5; i++) {
      await p.fill("[data-testid=code]", right === "000000" ? "111111" : "000000");
      await p.click("[data-testid=verify]");
      await p.waitForLoadState();
    }
    await p.waitForSelector("[data-testid=locked]");
    expect(await p.getAttribute("html", "lang")).toBe("en");
    await expectClean(p, "reader", "en locked");
    await p.close();
  });

  it("plain language: short sentences, French and English say the same number of things", async () => {
    const { link } = await createSecureMessage(base, token, marie, secret);
    const p = await browser.context.newPage();
    const sentences = async (url: string): Promise<string[]> => {
      await p.goto(url);
      const text = (await p.locator("main p").allInnerTexts()).join("\n");
      return text
        .split(/(?<=[.!?:])\s+|\n+/)
        .map((s) => s.trim())
        .filter((s) => s.split(/\s+/).length > 3);
    };
    const fr = await sentences(`${link}?lang=fr`);
    const en = await sentences(`${link}?lang=en`);
    expect(fr.length).toBeGreaterThan(0);
    expect(fr.length).toBe(en.length);
    for (const s of [...fr, ...en]) expect(s.split(/\s+/).length, s).toBeLessThanOrEqual(25);
    await p.close();
  });
});

describe.skipIf(skip)("accessibility: compliance review page", () => {
  it.each(["fr", "en"] as const)(
    "axe (%s): signed out, results, record detail, integrity verified",
    async (lang) => {
      await fetch(`${base}/api/v1/check`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ subject: "Suivi", body: "Votre rendez-vous est confirmé.", to: [marie] }),
      });
      {
        const p = await browser.context.newPage();
        await p.goto(`${base}/review/?lang=${lang}`);
        await p.waitForSelector("body[data-ready=true]");
        expect(await p.getAttribute("html", "lang")).toBe(lang);
        await expectClean(p, "review", `${lang} signed out`);
        await p.focus("#dev-token");
        expect(await focusIsVisible(p)).toBe(true);
        await p.keyboard.press("Enter");
        await expect
          .poll(() => p.locator("#results tbody tr").count(), { timeout: 15000 })
          .toBeGreaterThan(0);
        await expectClean(p, "review", `${lang} results and charts`);
        await p.locator("#results tbody tr button").first().focus();
        await p.keyboard.press("Enter");
        await expect.poll(() => p.locator("#detail").isVisible()).toBe(true);
        await expectClean(p, "review", `${lang} record detail`);
        await p.keyboard.press("Escape");
        await p.focus("#verify");
        await p.keyboard.press("Enter");
        await expect.poll(() => p.locator("#verify-result").getAttribute("data-ok")).toBe("true");
        await expectClean(p, "review", `${lang} integrity verified`);
        expect(await reflowProblems(p)).toEqual([]);
        await p.close();
      }
    },
    auditBudgetMs,
  );
});

describe.skipIf(skip)("accessibility: clinic page", () => {
  it.each(["fr", "en"] as const)(
    "axe (%s): signed out, signed in, search results, patient card",
    async (lang) => {
      const p = await browser.context.newPage();
      await p.goto(`${base}/clinic/?lang=${lang}`);
      await p.waitForSelector("body[data-ready=true]");
      expect(await p.getAttribute("html", "lang")).toMatch(new RegExp(`^${lang}`));
      await expectClean(p, "clinic", `${lang} signed out`);
      await p.selectOption("#dev-role", "ClinicAdmin");
      await p.focus("#dev-token");
      expect(await focusIsVisible(p)).toBe(true);
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#access-status").innerText(), { timeout: 15000 }).not.toBe("");
      await expectClean(p, "clinic", `${lang} signed in`);
      await p.fill("#q", "Tremblay");
      await p.focus("#q");
      await p.keyboard.press("Enter");
      await expect
        .poll(() => p.locator("#search-results tbody tr").count(), { timeout: 15000 })
        .toBeGreaterThan(0);
      await expectClean(p, "clinic", `${lang} search results`);
      await p.locator("#search-results tbody button").first().focus();
      await p.keyboard.press("Enter");
      await expect.poll(() => p.locator("#card").isVisible()).toBe(true);
      expect(await p.evaluate(() => document.activeElement?.id)).toBe("card-heading");
      await expectClean(p, "clinic", `${lang} patient card`);
      // Reflow: no sideways scrolling at 320 px nor 200 % zoom (every other state: clinic-states.browser.test.ts).
      expect(await reflowProblems(p)).toEqual([]);
      await p.close();
    },
    auditBudgetMs,
  );
});
