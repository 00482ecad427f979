// Recipient edits as pure plans: which Office.js calls to make, in which order, with at most
// 100 recipients per call (the limit of Recipients.setAsync/addAsync). The task pane executes
// a plan; tests check plans without Office.

import type { DraftRecipient, RecipientField } from "./contract";

export const OFFICE_RECIPIENT_CALL_LIMIT = 100;

export interface RecipientLists {
  to: DraftRecipient[];
  cc: DraftRecipient[];
  bcc: DraftRecipient[];
}

export interface RecipientOp {
  field: RecipientField;
  /** "set" replaces the whole field with `recipients`; "add" appends them. */
  op: "set" | "add";
  recipients: DraftRecipient[];
}

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function chunk<T>(items: readonly T[], size: number = OFFICE_RECIPIENT_CALL_LIMIT): T[][] {
  if (size < 1) throw new RangeError("chunk size must be positive");
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Replacing a field with more than 100 entries: one set with the first 100, then adds. */
function replaceField(field: RecipientField, recipients: DraftRecipient[]): RecipientOp[] {
  const chunks = chunk(recipients);
  if (chunks.length === 0) return [{ field, op: "set", recipients: [] }];
  return chunks.map((c, i) => ({ field, op: i === 0 ? "set" : "add", recipients: c }));
}

function dedupe(list: DraftRecipient[]): DraftRecipient[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = normalizeAddress(r.address);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Moves the given addresses from To/Cc into Bcc (rule 5: patients must not see each other).
 * Order: Bcc is filled first, then To/Cc are rewritten, so that an interrupted plan leaves a
 * recipient in two fields rather than in none.
 */
export function planMoveToBcc(current: RecipientLists, addresses: readonly string[]): RecipientOp[] {
  const moving = new Set(addresses.map(normalizeAddress));
  const isMoving = (r: DraftRecipient): boolean => moving.has(normalizeAddress(r.address));
  const leavingTo = current.to.filter(isMoving);
  const leavingCc = current.cc.filter(isMoving);
  if (leavingTo.length === 0 && leavingCc.length === 0) return [];
  const inBcc = new Set(current.bcc.map((r) => normalizeAddress(r.address)));
  const additions = dedupe([...leavingTo, ...leavingCc]).filter(
    (r) => !inBcc.has(normalizeAddress(r.address)),
  );
  const ops: RecipientOp[] = chunk(additions).map((c) => ({ field: "bcc", op: "add", recipients: c }));
  if (leavingTo.length > 0)
    ops.push(
      ...replaceField(
        "to",
        current.to.filter((r) => !isMoving(r)),
      ),
    );
  if (leavingCc.length > 0)
    ops.push(
      ...replaceField(
        "cc",
        current.cc.filter((r) => !isMoving(r)),
      ),
    );
  return ops;
}

/**
 * Replaces a look-alike address by the registered one wherever it appears, keeping its field
 * and position; the display name is dropped because it was typed for the wrong address.
 */
export function planReplaceAddress(
  current: RecipientLists,
  wrong: string,
  replacement: string,
): RecipientOp[] {
  const target = normalizeAddress(wrong);
  const ops: RecipientOp[] = [];
  for (const field of ["to", "cc", "bcc"] as const) {
    const list = current[field];
    if (!list.some((r) => normalizeAddress(r.address) === target)) continue;
    const replaced = dedupe(
      list.map((r) => (normalizeAddress(r.address) === target ? { address: replacement } : r)),
    );
    ops.push(...replaceField(field, replaced));
  }
  return ops;
}

/** Removes addresses from every field. */
export function planRemove(current: RecipientLists, addresses: readonly string[]): RecipientOp[] {
  const removing = new Set(addresses.map(normalizeAddress));
  const ops: RecipientOp[] = [];
  for (const field of ["to", "cc", "bcc"] as const) {
    const list = current[field];
    if (!list.some((r) => removing.has(normalizeAddress(r.address)))) continue;
    ops.push(
      ...replaceField(
        field,
        list.filter((r) => !removing.has(normalizeAddress(r.address))),
      ),
    );
  }
  return ops;
}

/** Applies a plan to lists in memory: what Outlook will hold once every op succeeded. */
export function applyPlan(current: RecipientLists, ops: readonly RecipientOp[]): RecipientLists {
  const next: RecipientLists = { to: [...current.to], cc: [...current.cc], bcc: [...current.bcc] };
  for (const op of ops) {
    next[op.field] = op.op === "set" ? [...op.recipients] : [...next[op.field], ...op.recipients];
  }
  return next;
}
