// Recipient plans executed against office-addin-mock's Outlook item, which (like Outlook)
// refuses more than 100 recipients per call.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  applyRecipientOps,
  contentTypeFor,
  OfficeCallError,
  readRecipients,
} from "../../src/shared/officeItem";
import { planMoveToBcc, type RecipientOp } from "../../src/shared/recipients";
import { createOfficeMock, freshState, type MockState } from "../helpers/officeMock";

let state: MockState = freshState();
const { office } = createOfficeMock(() => state);
const item = (): Office.MessageCompose =>
  (office as unknown as typeof Office).context.mailbox.item as unknown as Office.MessageCompose;

beforeAll(() => {
  (globalThis as { Office?: unknown }).Office = office;
});
beforeEach(() => {
  state = freshState();
});

describe("applyRecipientOps", () => {
  it("moves 230 patients from To into Bcc through Outlook's 100-per-call limit", async () => {
    state.to = Array.from({ length: 230 }, (_, i) => ({
      emailAddress: `p${i}@example.ca`,
      displayName: `P ${i}`,
    }));
    state.to.push({ emailAddress: "dr.lavoie@cliniquedemo.med", displayName: "Dr Lavoie" });
    const current = await readRecipients(item());
    const patients = current.to.filter((r) => r.address.endsWith("example.ca")).map((r) => r.address);
    await applyRecipientOps(item(), planMoveToBcc(current, patients));
    expect(state.to.map((r) => r.emailAddress)).toEqual(["dr.lavoie@cliniquedemo.med"]);
    expect(state.bcc).toHaveLength(230);
    expect(state.bcc[0]).toEqual({ emailAddress: "p0@example.ca", displayName: "P 0" });
  });

  it("reports which call failed (and only that) when Outlook refuses it", async () => {
    state.failures = new Set(["bcc.addAsync"]);
    const ops: RecipientOp[] = [{ field: "bcc", op: "add", recipients: [{ address: "a@b.ca" }] }];
    await expect(applyRecipientOps(item(), ops)).rejects.toMatchObject({
      name: "OfficeCallError",
      operation: "bcc.addAsync",
    });
    await expect(applyRecipientOps(item(), ops)).rejects.toBeInstanceOf(OfficeCallError);
  });

  it("an unchunked call over 100 would be refused: the limit is real in the mock", async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ address: `x${i}@b.ca` }));
    await expect(
      applyRecipientOps(item(), [{ field: "bcc", op: "add", recipients: tooMany }]),
    ).rejects.toBeInstanceOf(OfficeCallError);
  });
});

describe("contentTypeFor", () => {
  it("infers common types and falls back to octet-stream", () => {
    expect(contentTypeFor("Résultats.PDF")).toBe("application/pdf");
    expect(contentTypeFor("photo.jpeg")).toBe("image/jpeg");
    expect(contentTypeFor("README")).toBe("application/octet-stream");
  });
});
