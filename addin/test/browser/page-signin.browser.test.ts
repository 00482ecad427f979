// MSAL sign-in of the app's web pages in production (Identity:Mode=Entra), in real Chromium against
// a second instance of the app started here in Entra mode. Entra itself is the one fake: Chromium's
// requests to its host (https://login.fake-entra.test) are answered by a fake authority that speaks
// the documented protocol — OpenID discovery, /authorize (redirect back with a code, the state and
// the response mode asked), /token (authorization code + PKCE S256 checked, the nonce carried into
// the id token). The page must: read GET /api/sign-in-config, load /page-signin.js, send the user to
// /authorize, come back, redeem the code and attach the access token to the API calls. The app
// cannot validate the fake's tokens (it cannot fetch the fake's keys): its 401 is shown in words.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page, Route } from "playwright-core";
import { audit } from "./a11y";
import { addinDir, launch } from "./browser";

const dll = path.resolve(
  addinDir,
  "..",
  "functions",
  "ClinicMail.LocalHost",
  "bin",
  "Debug",
  "net10.0",
  "ClinicMail.LocalHost.dll",
);
const bundle = path.join(addinDir, "dist", "page-signin.js");
const runnable =
  existsSync(dll) && existsSync(bundle) && existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium");
if (!runnable)
  console.warn(
    `MSAL page sign-in test SKIPPED: build the LocalHost (${dll}) and the add-in (${bundle}) first.`,
  );

const authorityHost = "login.fake-entra.test";
const tenant = randomUUID();
const clientId = randomUUID();
const scope = `api://${clientId}/access_as_user`;
const authority = `https://${authorityHost}/${tenant}`;

let app: ChildProcess | undefined;
let appUrl = "";
let dataDir = "";
let browser: { context: BrowserContext; close(): Promise<void> };

const b64url = (value: Buffer | string): string => Buffer.from(value).toString("base64url");
/** An unsigned JWT (alg none): MSAL reads the id token's claims; the API would check a signature. */
const jwt = (claims: Record<string, unknown>): string =>
  `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;

/** The fake authority's record of what the page sent. */
const seen = { authorize: [] as URLSearchParams[], token: [] as URLSearchParams[], issued: [] as string[] };
const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();

async function fakeEntra(route: Route): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "*",
    "cache-control": "no-store",
  };
  if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
  const json = (body: unknown, status = 200) =>
    route.fulfill({
      status,
      headers: { ...cors, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  if (url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
    return json({
      issuer: `${authority}/v2.0`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `https://${authorityHost}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      code_challenge_methods_supported: ["S256"],
    });
  }
  if (url.pathname === `/${tenant}/oauth2/v2.0/authorize`) {
    const q = url.searchParams;
    seen.authorize.push(q);
    const code = randomUUID();
    codes.set(code, {
      challenge: q.get("code_challenge") ?? "",
      nonce: q.get("nonce") ?? "",
      redirectUri: q.get("redirect_uri") ?? "",
    });
    const answer = new URLSearchParams({
      code,
      state: q.get("state") ?? "",
      client_info: b64url(JSON.stringify({ uid: "user-oid", utid: tenant })),
    });
    const back = `${q.get("redirect_uri")}${q.get("response_mode") === "query" ? "?" : "#"}${answer}`;
    return route.fulfill({ status: 302, headers: { location: back } });
  }
  if (url.pathname === `/${tenant}/oauth2/v2.0/token`) {
    const form = new URLSearchParams(request.postData() ?? "");
    seen.token.push(form);
    const grant = codes.get(form.get("code") ?? "");
    const verifier = form.get("code_verifier") ?? "";
    if (
      !grant ||
      b64url(createHash("sha256").update(verifier).digest()) !== grant.challenge ||
      form.get("redirect_uri") !== grant.redirectUri
    )
      return json(
        { error: "invalid_grant", error_description: "code, PKCE verifier or redirect URI does not match" },
        400,
      );
    codes.delete(form.get("code") ?? "");
    const now = Math.floor(Date.now() / 1000);
    const access = jwt({
      aud: scope.replace("/access_as_user", ""),
      iss: `${authority}/v2.0`,
      tid: tenant,
      oid: "user-oid",
      roles: ["ClinicAdmin"],
      scp: "access_as_user",
      iat: now,
      exp: now + 3600,
    });
    seen.issued.push(access);
    return json({
      token_type: "Bearer",
      scope,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: access,
      id_token: jwt({
        aud: clientId,
        iss: `${authority}/v2.0`,
        tid: tenant,
        oid: "user-oid",
        sub: "user-sub",
        nonce: grant.nonce,
        preferred_username: "admin@clinique.test",
        iat: now,
        nbf: now,
        exp: now + 3600,
      }),
      client_info: b64url(JSON.stringify({ uid: "user-oid", utid: tenant })),
    });
  }
  return json({ error: "not_found" }, 404);
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  if (!runnable) return;
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), "clinicmail-entra-"));
  app = spawn("dotnet", [dll], {
    env: {
      ...process.env,
      ClinicMail__Mode: "Development",
      ClinicMail__DataDirectory: dataDir,
      ClinicMail__PublicBaseUrl: appUrl,
      ClinicMail__InternalDomains__0: "cliniquedemo.med",
      ClinicMail__AddinDirectory: path.join(addinDir, "dist"),
      Identity__Mode: "Entra",
      Identity__Instance: `https://${authorityHost}`,
      Identity__ClientId: clientId,
      Identity__AllowedTenants__0: tenant,
      ASPNETCORE_URLS: appUrl,
    },
    stdio: "ignore",
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${appUrl}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launch();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  app?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(page: Page, pathName: string): Promise<void> {
  await page.route(`https://${authorityHost}/**`, fakeEntra);
  await page.goto(`${appUrl}${pathName}?lang=en`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
}

describe.skipIf(!runnable)("web pages: MSAL sign-in in production (Entra mode)", () => {
  it("serves the Entra configuration and a policy that lets the page reach the authority only", async () => {
    const config = (await (await fetch(`${appUrl}/api/sign-in-config`)).json()) as Record<string, unknown>;
    expect(config).toEqual({ mode: "entra", authority, clientId, scopes: [scope] });
    const csp = (await fetch(`${appUrl}/clinic/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`connect-src 'self' https://${authorityHost};`);
  });

  it("clinic page: Sign in with Microsoft → /authorize → back → code redeemed with PKCE → the API gets the token", async () => {
    const page = await browser.context.newPage();
    await open(page, "/clinic/");
    expect(await page.locator("#msal-sign-in").isVisible()).toBe(true);
    expect(await page.locator("#dev-token").isHidden()).toBe(true);
    expect(await page.evaluate(() => "ClinicMailPageSignIn" in window)).toBe(true);
    expect(await audit(page, "clinic", "en signed out (Entra)")).toEqual([]);

    const bearers: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(`${appUrl}/api/v1/`)) bearers.push(r.headers()["authorization"] ?? "");
    });
    await page.focus("#msal-sign-in");
    await page.keyboard.press("Enter");
    await expect.poll(() => seen.authorize.length, { timeout: 30000 }).toBe(1);

    const asked = seen.authorize.at(-1)!;
    expect(asked.get("client_id")).toBe(clientId);
    expect(asked.get("response_type")).toBe("code");
    expect(asked.get("code_challenge_method")).toBe("S256");
    expect(asked.get("redirect_uri")).toBe(`${appUrl}/clinic/`);
    expect(asked.get("scope")?.split(" ")).toContain(scope);
    await expect.poll(() => seen.issued.length, { timeout: 15000 }).toBe(1);
    expect(seen.token.at(-1)?.get("grant_type")).toBe("authorization_code");

    // Signed in as the token says (ClinicAdmin): the workspace opens and the calls carry the token.
    await expect.poll(() => page.locator("#workspace").isVisible(), { timeout: 15000 }).toBe(true);
    await expect.poll(() => bearers.length, { timeout: 15000 }).toBeGreaterThan(0);
    expect(bearers.every((b) => b === `Bearer ${seen.issued[0]}`)).toBe(true);
    // The app cannot check the fake's signature: its refusal is said in words.
    await expect
      .poll(() => page.locator("#import-status").innerText(), { timeout: 15000 })
      .toMatch(/^Error 401: /);
    expect(await page.locator("#msal-sign-out").isVisible()).toBe(true);
    await page.close();
  }, 120_000);

  it("review page: the same sign-in (shared module), development controls hidden", async () => {
    const page = await browser.context.newPage();
    await open(page, "/review/");
    expect(await page.locator("#msal-sign-in").isVisible()).toBe(true);
    expect(await page.locator("#dev-token").isHidden()).toBe(true);
    expect(await audit(page, "review", "en signed out (Entra)")).toEqual([]);
    await page.close();
  }, 60_000);
});
