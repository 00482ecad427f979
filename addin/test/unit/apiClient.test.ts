import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, checkDraft, postJson } from "../../src/shared/apiClient";
import type { Draft } from "../../src/shared/contract";
import { closedPortUrl, json, startApi } from "../helpers/apiServer";
import { result } from "../helpers/fixtures";

const draft: Draft = {
  from: "a@b.med",
  subject: "s",
  body: "b",
  bodyFormat: "text",
  to: [],
  cc: [],
  bcc: [],
  attachments: [],
};
const opts = { token: "tok-123", lang: "fr" as const, timeoutMs: 1000 };

let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  api = await startApi((_req, res) => json(res, 200, result({ decision: "allow" })));
});
afterAll(() => api.close());

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("checkDraft", () => {
  it("posts the draft with the bearer token and the user's language", async () => {
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", checkId: "chk_9" })));
    const r = await checkDraft(api.url, draft, opts);
    expect(r.checkId).toBe("chk_9");
    const req = api.requests.at(-1)!;
    expect(req.url).toBe("/api/v1/check");
    expect(req.headers.authorization).toBe("Bearer tok-123");
    expect(req.headers["accept-language"]).toMatch(/^fr/);
    expect(req.body).toEqual(draft);
  });

  it("fills missing arrays so the pane can render a partial answer", async () => {
    api.setResponder((_req, res) =>
      json(res, 200, { checkId: "c", decision: "allow", secureDelivery: "not_needed", clinical: false }),
    );
    const r = await checkDraft(api.url, draft, opts);
    expect(r.reasons).toEqual([]);
    expect(r.fixes).toEqual([]);
  });

  it("fails closed on a 200 that does not follow the contract", async () => {
    api.setResponder((_req, res) => json(res, 200, { decision: "maybe" }));
    expect((await failureOf(checkDraft(api.url, draft, opts))).kind).toBe("server");
  });

  it("maps 401 to unauthorized and keeps the problem details", async () => {
    api.setResponder((_req, res) =>
      json(res, 401, { title: "Non autorisé", status: 401 }, "application/problem+json"),
    );
    const e = await failureOf(checkDraft(api.url, draft, opts));
    expect(e.kind).toBe("unauthorized");
    expect(e.problem?.title).toBe("Non autorisé");
  });

  it("maps 503 to server", async () => {
    api.setResponder((_req, res) => json(res, 503, { title: "Unavailable" }, "application/problem+json"));
    expect((await failureOf(checkDraft(api.url, draft, opts))).kind).toBe("server");
  });

  it("gives up at the budget when the API does not answer", async () => {
    api.setResponder((_req, res) => void setTimeout(() => json(res, 200, result({})), 1500));
    const started = Date.now();
    const e = await failureOf(checkDraft(api.url, draft, { ...opts, timeoutMs: 200 }));
    expect(e.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reports a refused connection as network", async () => {
    expect((await failureOf(checkDraft(await closedPortUrl(), draft, opts))).kind).toBe("network");
  });

  it("does not put the token or content into the error message", async () => {
    api.setResponder((_req, res) => json(res, 500, {}));
    const e = await failureOf(postJson(`${api.url}/api/v1/check`, { secret: "Résultats VIH" }, opts));
    expect(e.message).not.toContain("tok-123");
    expect(e.message).not.toContain("VIH");
  });
});
