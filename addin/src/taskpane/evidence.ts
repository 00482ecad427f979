// Evidence snippets: the API reports where in the subject/body a topic or identifier was found;
// the pane shows that text highlighted within a little of its surrounding context.
import type { Draft, Evidence } from "../shared/contract";

/** Plain text of an HTML body, without the DOM (also used by tests under Node). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h\d)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

export interface Snippet {
  before: string;
  match: string;
  after: string;
}

/**
 * Finds the evidence in the draft part: at its reported offset if the text is there, else the
 * occurrence nearest to that offset (the server may have normalised whitespace or entities),
 * else the evidence text alone.
 */
export function snippetFor(evidence: Evidence, draft: Draft | null, context = 40): Snippet {
  const source = !draft
    ? ""
    : evidence.part === "subject"
      ? draft.subject
      : evidence.part === "attachment_name"
        ? draft.attachments.map((a) => a.name).join(" · ")
        : htmlToText(draft.body);
  const needle = evidence.text ?? "";
  let index = -1;
  if (needle && source.substr(evidence.offset, needle.length) === needle) {
    index = evidence.offset;
  } else if (needle) {
    const lower = source.toLowerCase();
    const target = needle.toLowerCase();
    let best = -1;
    for (let i = lower.indexOf(target); i >= 0; i = lower.indexOf(target, i + 1)) {
      if (best < 0 || Math.abs(i - evidence.offset) < Math.abs(best - evidence.offset)) best = i;
    }
    index = best;
  }
  if (index < 0) return { before: "", match: needle, after: "" };
  const start = Math.max(0, index - context);
  const end = Math.min(source.length, index + needle.length + context);
  const clean = (s: string): string => s.replace(/\s+/g, " ");
  return {
    before: (start > 0 ? "…" : "") + clean(source.slice(start, index)),
    match: source.slice(index, index + needle.length),
    after: clean(source.slice(index + needle.length, end)) + (end < source.length ? "…" : ""),
  };
}
