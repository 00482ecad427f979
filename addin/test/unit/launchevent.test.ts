// The real OnMessageSend handler against office-addin-mock's Outlook item and a real local
// HTTP server playing the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Completion } from "../../src/shared/completion";
import type { Draft } from "../../src/shared/contract";
import { draftFingerprint } from "../../src/shared/fingerprint";
import { OVERRIDE_SESSION_KEY } from "../../src/shared/overrideStore";
import { registerTokenProvider } from "../../src/shared/tokens";
import { closedPortUrl, json, startApi } from "../helpers/apiServer";
import { consentMissing, restricted, result, secureRecommended } from "../helpers/fixtures";
import { createOfficeMock, freshState, type MockState } from "../helpers/officeMock";

let state: MockState = freshState();
const { office, associations } = createOfficeMock(() => state);
let api: Awaited<ReturnType<typeof startApi>>;
let tokenFails = false;

beforeAll(async () => {
  api = await startApi((_req, res) => json(res, 200, result({ decision: "allow" })));
  (globalThis as { Office?: unknown }).Office = office;
  registerTokenProvider({
    name: "test",
    getToken: async () => {
      if (tokenFails) throw new Error("no token");
      return "test-token";
    },
  });
  await import("../../src/launchevent/launchevent");
});
afterAll(() => api.close());

beforeEach(() => {
  state = freshState();
  state.subject = "Résultats";
  state.bodyHtml = "<p>Bonjour Madame Gagnon</p>";
  state.to = [{ emailAddress: "marie.gagnon@gmail.com", displayName: "Marie Gagnon" }];
  state.cc = [{ emailAddress: "dr.lavoie@cliniquedemo.med", displayName: "dr.lavoie@cliniquedemo.med" }];
  state.bcc = [{ emailAddress: "luc.roy@videotron.ca", displayName: "Luc Roy" }];
  state.attachments = [{ id: "a1", name: "resultats.pdf", size: 2048, attachmentType: "file" }];
  tokenFails = false;
  (globalThis as { clinicMailConfig?: unknown }).clinicMailConfig = {
    apiBase: api.url,
    failurePolicy: "prompt",
    checkBudgetMs: 1000,
  };
  api.setResponder((_req, res) => json(res, 200, result({ decision: "allow" })));
});

function send(): Promise<Completion> {
  const handler = associations.get("onMessageSendHandler");
  if (!handler) throw new Error("handler not associated");
  return new Promise((resolve) => {
    void handler({ completed: (options: Completion) => resolve(options) });
  });
}

describe("onMessageSendHandler", () => {
  it("is associated under the manifest's FunctionName", () => {
    expect([...associations.keys()]).toEqual(["onMessageSendHandler"]);
  });

  it("sends the whole draft to the check and allows when the API allows", async () => {
    state.composeType = "reply";
    const completion = await send();
    expect(completion).toEqual({ allowEvent: true });
    const req = api.requests.at(-1)!;
    expect(req.headers.authorization).toBe("Bearer test-token");
    const body = req.body as Draft;
    expect(body.subject).toBe("Résultats");
    expect(body.body).toContain("Madame Gagnon");
    expect(body.bodyFormat).toBe("html");
    expect(body.to).toEqual([{ address: "marie.gagnon@gmail.com", name: "Marie Gagnon" }]);
    expect(body.cc).toEqual([{ address: "dr.lavoie@cliniquedemo.med" }]);
    expect(body.bcc).toEqual([{ address: "luc.roy@videotron.ca", name: "Luc Roy" }]);
    expect(body.from).toBe("dre.tremblay@cliniquedemo.med");
    expect(body.isReply).toBe(true);
    expect(body.attachments).toEqual([
      { name: "resultats.pdf", size: 2048, contentType: "application/pdf", kind: "file" },
    ]);
  });

  it("blocks with the reasons in French when Outlook is in French", async () => {
    state.displayLanguage = "fr-CA";
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", reasons: [consentMissing] })));
    const c = await send();
    expect(c.allowEvent).toBe(false);
    expect(c.errorMessage).toContain("Aucun consentement au courriel");
    expect(c.errorMessageMarkdown).toContain("Aucun consentement");
    expect(c.commandId).toBe("msgComposeOpenPaneButton");
    expect(c.cancelLabel).toBe("Corriger le courriel");
  });

  it("warns with Send Anyway", async () => {
    api.setResponder((_req, res) =>
      json(res, 200, result({ decision: "warn", reasons: [secureRecommended] })),
    );
    const c = await send();
    expect(c.allowEvent).toBe(false);
    expect(c.sendModeOverride).toBe("promptUser");
  });

  it("honours an override recorded for this exact draft", async () => {
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", reasons: [consentMissing] })));
    await send();
    const sent = api.requests.at(-1)!.body as Draft;
    state.session.set(
      OVERRIDE_SESSION_KEY,
      JSON.stringify({ overrideId: "ovr_1", checkId: "chk_test", fingerprint: draftFingerprint(sent) }),
    );
    expect(await send()).toEqual({ allowEvent: true });
  });

  it("ignores the override once the draft changed", async () => {
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", reasons: [consentMissing] })));
    await send();
    const sent = api.requests.at(-1)!.body as Draft;
    state.session.set(
      OVERRIDE_SESSION_KEY,
      JSON.stringify({ overrideId: "ovr_1", checkId: "chk_test", fingerprint: draftFingerprint(sent) }),
    );
    state.bodyHtml = "<p>Un autre texte</p>";
    expect((await send()).allowEvent).toBe(false);
  });

  it("never overrides a non-overridable reason", async () => {
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", reasons: [restricted] })));
    await send();
    const sent = api.requests.at(-1)!.body as Draft;
    state.session.set(
      OVERRIDE_SESSION_KEY,
      JSON.stringify({ overrideId: "o", checkId: "c", fingerprint: draftFingerprint(sent) }),
    );
    expect((await send()).allowEvent).toBe(false);
  });

  it("API down + prompt policy: says so and offers Send Anyway", async () => {
    (globalThis as { clinicMailConfig?: unknown }).clinicMailConfig = {
      apiBase: await closedPortUrl(),
      failurePolicy: "prompt",
    };
    const c = await send();
    expect(c.allowEvent).toBe(false);
    expect(c.sendModeOverride).toBe("promptUser");
    expect(c.errorMessage).toContain("service unreachable");
  });

  it("API down + block policy: no Send Anyway", async () => {
    (globalThis as { clinicMailConfig?: unknown }).clinicMailConfig = {
      apiBase: await closedPortUrl(),
      failurePolicy: "block",
    };
    const c = await send();
    expect(c.allowEvent).toBe(false);
    expect(c.sendModeOverride).toBeUndefined();
  });

  it("a slow API follows the policy within the budget", async () => {
    (globalThis as { clinicMailConfig?: unknown }).clinicMailConfig = {
      apiBase: api.url,
      failurePolicy: "prompt",
      checkBudgetMs: 250,
    };
    api.setResponder(
      (_req, res) => void setTimeout(() => json(res, 200, result({ decision: "allow" })), 1500),
    );
    const started = Date.now();
    const c = await send();
    expect(Date.now() - started).toBeLessThan(1200);
    expect(c.allowEvent).toBe(false);
    expect(c.errorMessage).toContain("no answer in time");
  });

  it("5xx and 401 follow the policy", async () => {
    api.setResponder((_req, res) => json(res, 500, {}));
    expect((await send()).errorMessage).toContain("service error");
    api.setResponder((_req, res) => json(res, 401, {}));
    expect((await send()).errorMessage).toContain("sign in again");
  });

  it("no token follows the policy", async () => {
    tokenFails = true;
    const c = await send();
    expect(c.allowEvent).toBe(false);
    expect(c.errorMessage).toContain("could not sign in");
  });

  it("a failed Office read follows the policy (every AsyncResultStatus.Failed is handled)", async () => {
    for (const op of [
      "subject.getAsync",
      "body.getAsync",
      "to.getAsync",
      "bcc.getAsync",
      "getAttachmentsAsync",
      "from.getAsync",
    ]) {
      state.failures = new Set([op]);
      const c = await send();
      expect(c.allowEvent, op).toBe(false);
      expect(c.errorMessage, op).toContain("could not read the e-mail");
    }
  });

  it("on a Mailbox 1.12 client, a block still blocks with a plain message", async () => {
    state.mailboxVersion = 1.12;
    api.setResponder((_req, res) => json(res, 200, result({ decision: "block", reasons: [consentMissing] })));
    const c = await send();
    expect(c).toEqual({ allowEvent: false, errorMessage: expect.stringContaining("No e-mail consent") });
  });
});
