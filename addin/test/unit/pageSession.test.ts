// The pages' shared script (functions/ClinicMail.LocalHost/wwwroot/shared/page-session.js), run as the
// browser runs it (a classic script) in a V8 context: a ProblemDetails becomes words in French and
// English, and request() attaches the bearer token — MSAL's fresh one in Entra mode.
import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { addinDir } from "../browser/browser";

const source = readFileSync(
  path.join(addinDir, "..", "functions", "ClinicMail.LocalHost", "wwwroot", "shared", "page-session.js"),
  "utf8",
);

interface Page {
  problemWords(lang: string, status: number, problem: unknown, known?: Record<string, string>): string;
  json(path: string, options?: Record<string, unknown>): Promise<unknown>;
  attach(storageKey: string, msal: { token(): Promise<string | null> } | null): void;
  freshToken(): Promise<string>;
}

/** The script in a fresh context with a recording fetch and an in-memory sessionStorage. */
function load(answer: (url: string) => { status: number; body: unknown }) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const store = new Map<string, string>();
  const window: Record<string, unknown> = {};
  const context = vm.createContext({
    window,
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    },
    fetch: (url: string, init: { headers?: Record<string, string> } = {}) => {
      calls.push({ url, headers: init.headers ?? {} });
      const { status, body } = answer(url);
      return Promise.resolve(
        new Response(status === 204 ? null : JSON.stringify(body), {
          status,
          headers: { "content-type": "application/json" },
        }),
      );
    },
  });
  vm.runInContext(source, context);
  return { page: window.ClinicMailPage as Page, calls, store };
}

describe("page session: problems in words", () => {
  const { page } = load(() => ({ status: 200, body: {} }));

  it("uses the page's words for a known code, in the page's language", () => {
    const known = { address_conflict: "Cette adresse appartient déjà à un autre patient." };
    expect(page.problemWords("fr", 409, { code: "address_conflict", detail: "server words" }, known)).toBe(
      "Erreur 409 : Cette adresse appartient déjà à un autre patient.",
    );
  });

  it("lists each field's message after the server's detail", () => {
    const problem = {
      detail: "The request has errors.",
      errors: { familyName: ["Required."], language: "fr or en." },
    };
    expect(page.problemWords("en", 400, problem)).toBe(
      "Error 400: The request has errors. — familyName: Required. ; language: fr or en.",
    );
  });

  it("says a bare status in words in both languages", () => {
    expect(page.problemWords("fr", 403, null)).toBe("Erreur 403 : Votre rôle ne permet pas cette action.");
    expect(page.problemWords("en", 503, null)).toBe("Error 503: Service unavailable: try again later.");
  });
});

describe("page session: the token on every call", () => {
  const answer = (url: string) =>
    url.endsWith("/missing")
      ? { status: 404, body: { code: "patient_not_found", detail: "No such patient." } }
      : { status: 200, body: { ok: true } };

  it("without a token, refuses before calling the server", async () => {
    const { page, calls } = load(answer);
    page.attach("clinicmail.test.token", null);
    await expect(page.json("/api/v1/x")).rejects.toThrow("Connectez-vous d'abord.");
    expect(calls).toEqual([]);
  });

  it("development: sends the token this tab holds, with the page's language; a refusal throws in words", async () => {
    const { page, calls, store } = load(answer);
    store.set("clinicmail.test.token", "tok-from-the-tab");
    page.attach("clinicmail.test.token", null);
    expect(await page.json("/api/v1/x")).toEqual({ ok: true });
    expect(calls[0]?.headers).toMatchObject({
      Authorization: "Bearer tok-from-the-tab",
      "Accept-Language": "fr",
    });
    await expect(
      page.json("/api/v1/missing", { known: { patient_not_found: "Ce patient n'existe plus." } }),
    ).rejects.toThrow("Erreur 404 : Ce patient n'existe plus.");
  });

  it("Entra: asks MSAL for a fresh token on each call, sends it and keeps it for the page's other sections", async () => {
    const { page, calls, store } = load(answer);
    store.set("clinicmail.test.token", "stale");
    const issued = ["msal-1", "msal-2"];
    page.attach("clinicmail.test.token", { token: () => Promise.resolve(issued.shift() ?? null) });
    await page.json("/api/v1/a");
    await page.json("/api/v1/b");
    expect(calls.map((c) => c.headers.Authorization)).toEqual(["Bearer msal-1", "Bearer msal-2"]);
    expect(store.get("clinicmail.test.token")).toBe("msal-2");
  });
});
