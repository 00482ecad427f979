// A fingerprint of the draft's content and recipients, used to tie an override recorded in the
// task pane to the exact draft it was recorded for: if anything changes after the override,
// the fingerprint changes and the send is checked afresh. It is a local equality test, not a
// security control (the server holds the override record), so a fast 53-bit hash is enough;
// crypto.subtle is not guaranteed in Outlook's JavaScript-only runtime.
import type { Draft } from "./contract";

export function hash53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function draftFingerprint(draft: Draft): string {
  const list = (rs: Draft["to"]): string[] => rs.map((r) => r.address.trim().toLowerCase()).sort();
  return hash53(
    JSON.stringify([
      draft.subject,
      draft.body.replace(/\s+/g, " ").trim(),
      list(draft.to),
      list(draft.cc),
      list(draft.bcc),
      draft.attachments.map((a) => a.name).sort(),
    ]),
  );
}
