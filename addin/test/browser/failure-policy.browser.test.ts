// The API is down: the sandbox is served from addin/dist by a local static server and pointed
// at a closed port. Runs without the backend.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer } from "../../scripts/serve-static.mjs";
import { closedPortUrl } from "../helpers/apiServer";
import { launch, openSandbox, pressSend, sandboxState, screenshot } from "./browser";
import path from "node:path";
import type { BrowserContext } from "playwright-core";

let server: { url: string; close(): Promise<void> };
let browser: { context: BrowserContext; close(): Promise<void> };
let downApi: string;

beforeAll(async () => {
  server = await startStaticServer(path.join(new URL("../../dist", import.meta.url).pathname));
  downApi = await closedPortUrl();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("API down", () => {
  it("prompt policy: tells the user the check could not run and lets them choose", async () => {
    const page = await browser.context.newPage();
    await openSandbox(
      page,
      `${server.url}/sandbox/?api=${encodeURIComponent(downApi)}&lang=en&policy=prompt`,
    );
    await page.click("[data-scenario=benign]");
    expect(await pressSend(page)).toBe("dialog");
    const dialog = page.locator("[data-testid=smart-alert]");
    await expect.poll(() => dialog.innerText()).toContain("could not check this e-mail");
    expect(await dialog.innerText()).toContain("service unreachable");
    expect(await page.locator("[data-testid=dialog-send-anyway]").count()).toBe(1);
    expect(await page.locator("[data-testid=api-status]").getAttribute("data-up")).toBe("false");
    await screenshot(page, "api-down-prompt");
    const state = await sandboxState(page);
    expect(state.lastCompletion?.allowEvent).toBe(false);
    expect(state.lastCompletion?.sendModeOverride).toBe("promptUser");
    await page.click("[data-testid=dialog-send-anyway]");
    await expect.poll(async () => (await sandboxState(page)).sent.length).toBe(1);
    expect((await sandboxState(page)).sent[0]!.how).toBe("send_anyway");
    await page.close();
  });

  it("block policy: no way to send without a check, and the pane says why (French UI)", async () => {
    const page = await browser.context.newPage();
    await openSandbox(page, `${server.url}/sandbox/?api=${encodeURIComponent(downApi)}&lang=fr&policy=block`);
    await page.click("[data-scenario=sensitive]");
    expect(await pressSend(page)).toBe("dialog");
    const dialog = page.locator("[data-testid=smart-alert]");
    await expect.poll(() => dialog.innerText()).toContain("n'a pas pu vérifier");
    expect(await page.locator("[data-testid=dialog-send-anyway]").count()).toBe(0);
    await page.click("[data-testid=dialog-cancel]");
    await expect.poll(() => page.locator("[data-testid=check-error]").count()).toBeGreaterThan(0);
    await screenshot(page, "api-down-block");
    expect((await sandboxState(page)).sent).toHaveLength(0);
    await page.close();
  });
});
