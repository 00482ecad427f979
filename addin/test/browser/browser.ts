// Shared browser-test plumbing: Debian's Chromium through playwright-core (no browser download),
// a fresh profile per run, screenshots into <repo>/test-artifacts/addin/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const addinDir = fileURLToPath(new URL("../..", import.meta.url));
export const artifactsDir = path.resolve(addinDir, "..", "test-artifacts", "addin");
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "clinicmail-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    locale: "en-CA",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The app the suite runs against: CLINICMAIL_BASE_URL, else http://localhost:7071. The suite skips
 * ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers /api/health there; with it set, an
 * unreachable app fails the suite (`available` is false, `skip` is false).
 */
export async function appUnderTest(
  suite: string,
): Promise<{ base: string; available: boolean; skip: boolean }> {
  const explicitBase = process.env.CLINICMAIL_BASE_URL;
  const base = (explicitBase ?? "http://localhost:7071").replace(/\/+$/, "");
  let available = false;
  try {
    available = (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    available = false;
  }
  const skip = !available && !explicitBase;
  if (skip) {
    console.warn(
      `${suite} SKIPPED: CLINICMAIL_BASE_URL is unset and nothing answers ${base}/api/health. Start ./run.sh (or set CLINICMAIL_BASE_URL) to run them.`,
    );
  }
  return { base, available, skip };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

export function writeArtifact(name: string, content: string): void {
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(path.join(artifactsDir, name), content);
}

export async function openSandbox(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
}

export interface SandboxState {
  sent: { to: string[]; cc: string[]; bcc: string[]; subject: string; how: string; decisionMs: number }[];
  lastCompletion: {
    allowEvent: boolean;
    errorMessage?: string;
    sendModeOverride?: string;
    commandId?: string;
  } | null;
  lastElapsedMs: number | null;
}

export function sandboxState(page: Page): Promise<SandboxState> {
  return page.evaluate(() => (window as unknown as { __sandbox: SandboxState }).__sandbox);
}

/** Presses Send and waits until the send either went out or stopped with a dialog. */
export async function pressSend(page: Page): Promise<"sent" | "dialog"> {
  const before = (await sandboxState(page)).sent.length;
  await page.click("[data-testid=send]");
  await page.waitForFunction(
    (n) => {
      const s = (window as unknown as { __sandbox: { sent: unknown[]; busy: boolean } }).__sandbox;
      return s.sent.length > n || document.querySelector("[data-testid=smart-alert][open]") !== null;
    },
    before,
    { timeout: 15000 },
  );
  return (await sandboxState(page)).sent.length > before ? "sent" : "dialog";
}

/** The running app the live-app suites talk to: CLINICMAIL_BASE_URL, else http://localhost:7071. */
export const appBase = (process.env.CLINICMAIL_BASE_URL ?? "http://localhost:7071").replace(/\/+$/, "");

/** Whether the app answers /api/health within two seconds. */
export async function appAnswers(base: string = appBase): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** A development-issuer token of this role (the app must run in development mode). */
export async function devToken(role: string, base: string = appBase): Promise<string> {
  const r = await fetch(`${base}/api/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role }),
  });
  if (!r.ok) throw new Error("the app must run in development mode (POST /api/dev/token)");
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** Opens the clinic page (/clinic/) in this language and signs in, keyboard only, with a development token of this role. */
export async function openClinicAs(
  context: BrowserContext,
  lang: "fr" | "en",
  role: string,
  base: string = appBase,
): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/clinic/?lang=${lang}`);
  await page.waitForSelector("body[data-ready=true]");
  await page.selectOption("#dev-role", role);
  await page.focus("#dev-token");
  await page.keyboard.press("Enter");
  return page;
}

/** A full-page screenshot into this folder. */
export async function screenshotInto(folder: string, page: Page, name: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}
