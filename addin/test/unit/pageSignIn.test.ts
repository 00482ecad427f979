// The web pages' MSAL configuration (src/pages/pageSignIn.ts) from what the app serves at
// GET /api/sign-in-config: authority, client id, the page as redirect URI, tab-only cache.
import { describe, expect, it } from "vitest";
import { msalConfiguration, type SignInConfig } from "../../src/pages/pageSignIn";

const tenant = "8f5c3a2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b";
const entra: SignInConfig = {
  mode: "entra",
  authority: `https://login.microsoftonline.com/${tenant}`,
  clientId: "3e1b2c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  scopes: ["api://clinicmail.example.med/3e1b2c4d-5f6a-4b7c-8d9e-0f1a2b3c4d5e/access_as_user"],
};

describe("page sign-in: MSAL configuration", () => {
  it("uses the served authority and client id, the page as redirect URI, and sessionStorage", () => {
    const c = msalConfiguration(entra, "https://clinicmail.example.med/clinic/");
    expect(c.auth.clientId).toBe(entra.clientId);
    expect(c.auth.authority).toBe(entra.authority);
    expect(c.auth.knownAuthorities).toEqual(["login.microsoftonline.com"]);
    expect(c.auth.redirectUri).toBe("https://clinicmail.example.med/clinic/");
    expect(c.auth.postLogoutRedirectUri).toBe("https://clinicmail.example.med/clinic/");
    expect(c.cache?.cacheLocation).toBe("sessionStorage");
  });

  it("refuses a development configuration, a missing scope and an http authority", () => {
    expect(() =>
      msalConfiguration({ mode: "development", authority: null, clientId: null, scopes: null }, "x"),
    ).toThrow(/not an Entra one/);
    expect(() => msalConfiguration({ ...entra, scopes: [] }, "x")).toThrow(/scope/);
    expect(() => msalConfiguration({ ...entra, authority: `http://login.example/${tenant}` }, "x")).toThrow(
      /https/,
    );
  });
});
