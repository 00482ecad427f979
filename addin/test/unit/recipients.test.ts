import { describe, expect, it } from "vitest";
import {
  applyPlan,
  chunk,
  planMoveToBcc,
  planRemove,
  planReplaceAddress,
  OFFICE_RECIPIENT_CALL_LIMIT,
} from "../../src/shared/recipients";

const people = (n: number, prefix = "patient"): { address: string; name: string }[] =>
  Array.from({ length: n }, (_, i) => ({ address: `${prefix}${i}@example.ca`, name: `${prefix} ${i}` }));

describe("chunk", () => {
  it("splits into chunks of at most 100", () => {
    expect(chunk(Array.from({ length: 250 }, (_, i) => i)).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunk([])).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe("planMoveToBcc", () => {
  it("moves 250 visible patients to Bcc in calls of at most 100 and keeps the colleague in To", () => {
    const colleague = { address: "dr.lavoie@cliniquedemo.med" };
    const patients = people(250);
    const current = { to: [colleague, ...patients.slice(0, 200)], cc: patients.slice(200), bcc: [] };
    const ops = planMoveToBcc(
      current,
      patients.map((p) => p.address.toUpperCase()),
    );
    for (const op of ops) expect(op.recipients.length).toBeLessThanOrEqual(OFFICE_RECIPIENT_CALL_LIMIT);
    expect(ops.filter((o) => o.field === "bcc").map((o) => o.recipients.length)).toEqual([100, 100, 50]);
    expect(ops[0]!.field).toBe("bcc"); // Bcc first: an interruption never drops a recipient.
    const after = applyPlan(current, ops);
    expect(after.to).toEqual([colleague]);
    expect(after.cc).toEqual([]);
    expect(after.bcc.map((r) => r.address)).toEqual(patients.map((p) => p.address));
  });

  it("does not add to Bcc someone already there", () => {
    const current = {
      to: [{ address: "a@x.ca" }, { address: "b@x.ca" }],
      cc: [],
      bcc: [{ address: "A@x.ca" }],
    };
    const after = applyPlan(current, planMoveToBcc(current, ["a@x.ca", "b@x.ca"]));
    expect(after.bcc.map((r) => r.address)).toEqual(["A@x.ca", "b@x.ca"]);
    expect(after.to).toEqual([]);
  });

  it("is empty when nobody visible is to be moved", () => {
    expect(planMoveToBcc({ to: [], cc: [], bcc: [{ address: "a@x.ca" }] }, ["a@x.ca"])).toEqual([]);
  });

  it("rewrites a To field of more than 100 with one set and then adds", () => {
    const current = { to: [...people(150, "keep"), { address: "move@x.ca" }], cc: [], bcc: [] };
    const ops = planMoveToBcc(current, ["move@x.ca"]);
    expect(ops.filter((o) => o.field === "to").map((o) => [o.op, o.recipients.length])).toEqual([
      ["set", 100],
      ["add", 50],
    ]);
  });
});

describe("planReplaceAddress", () => {
  it("replaces the look-alike in place and drops its display name", () => {
    const current = {
      to: [{ address: "x@y.ca" }, { address: "marie.gagnon@gmial.com", name: "Marie Gagnon" }],
      cc: [],
      bcc: [],
    };
    const after = applyPlan(
      current,
      planReplaceAddress(current, "Marie.Gagnon@gmial.com", "marie.gagnon@gmail.com"),
    );
    expect(after.to).toEqual([{ address: "x@y.ca" }, { address: "marie.gagnon@gmail.com" }]);
  });

  it("does nothing when the address is absent", () => {
    expect(planReplaceAddress({ to: [{ address: "a@b.ca" }], cc: [], bcc: [] }, "z@b.ca", "y@b.ca")).toEqual(
      [],
    );
  });
});

describe("planRemove", () => {
  it("removes from every field", () => {
    const current = {
      to: [{ address: "a@b.ca" }],
      cc: [{ address: "a@b.ca" }, { address: "c@b.ca" }],
      bcc: [],
    };
    expect(applyPlan(current, planRemove(current, ["a@b.ca"]))).toEqual({
      to: [],
      cc: [{ address: "c@b.ca" }],
      bcc: [],
    });
  });
});
