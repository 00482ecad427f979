// Turns a check result into the Smart Alerts completion: allow, or stop the send with the
// reasons in the user's language and a button that opens the task pane on the fix.
import type { Capabilities, Completion } from "./completion";
import { MAX_CANCEL_LABEL_CHARS, MAX_DIALOG_CHARS, TASKPANE_COMMAND_ID, truncate } from "./completion";
import type { CheckResult, Language, Reason, Severity } from "./contract";
import { pick, t } from "./i18n";

const severityRank: Record<Severity, number> = { block: 0, warn: 1, info: 2 };

/** Reasons worth showing in the dialog for a decision, most severe first, without duplicates. */
export function reasonsForDialog(result: CheckResult): Reason[] {
  const wanted: Severity[] = result.decision === "block" ? ["block", "warn"] : ["warn"];
  const seen = new Set<string>();
  return [...result.reasons]
    .filter((r) => wanted.includes(r.severity))
    .sort((a, b) => severityRank[a.severity] - severityRank[b.severity])
    .filter((r) => {
      const key = `${r.code}|${r.message.en}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Escapes the characters Outlook's Smart Alerts Markdown subset gives meaning to. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]()#`~>!|-]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

interface Rendered {
  plain: string;
  markdown: string;
}

/** A listed reason is never cut below this many characters; fewer reasons are listed instead. */
const MIN_ITEM_CHARS = 60;

/** The longest prefix of `text` (ending in "…" when cut) whose rendering fits in `budget`. */
function fitted(text: string, budget: number, render: (s: string) => string): string {
  if (render(text).length <= budget) return render(text);
  let keep = Math.min(text.length, budget);
  while (keep > 0 && render(truncate(text, keep)).length > budget) keep--;
  return render(truncate(text, keep));
}

/**
 * Every reason gets a line in Outlook's 500-character dialog: when they do not all fit whole, each
 * is shortened to a fair share ("…") rather than dropped, so the French Markdown (longer once
 * escaped) lists the same reasons as the plain text. Only when a fair share would fall under
 * MIN_ITEM_CHARS are the last reasons left to "… and N more", which the pane (the dialog's button)
 * lists in full. Plain and Markdown always show the same reasons. Markdown list items end with
 * "\r", as the Smart Alerts Markdown subset requires.
 */
export function renderReasons(intro: string, reasons: Reason[], hint: string, lang: Language): Rendered {
  const texts = reasons.map((r) => pick(r.message, lang));
  const build = (markdown: boolean, shown: number): string | null => {
    const head = markdown ? `**${escapeMarkdown(intro)}**\n\n` : `${intro}\n`;
    const tail = markdown ? `\n\n${escapeMarkdown(hint)}` : `\n${hint}`;
    const left = texts.length - shown;
    const more =
      left > 0
        ? markdown
          ? `- ${escapeMarkdown(t(lang, "moreReasons", { n: left }))}\r`
          : `${t(lang, "moreReasons", { n: left })}\n`
        : "";
    const bullet = markdown ? (s: string) => `- ${s}\r` : (s: string) => `• ${s}\n`;
    const escape = markdown ? escapeMarkdown : (s: string) => s;
    const budget = MAX_DIALOG_CHARS - head.length - tail.length - more.length;
    const share = Math.floor(budget / Math.max(1, shown));
    if (shown > 0 && share - bullet("").length < MIN_ITEM_CHARS && shown > 1) return null;
    const items = texts
      .slice(0, shown)
      .map((text) => bullet(fitted(text, share - bullet("").length, escape)));
    return (head + items.join("") + more).replace(/\n$/, "") + tail;
  };
  for (let shown = texts.length; shown >= 1; shown--) {
    const markdown = build(true, shown);
    const plain = build(false, shown);
    if (markdown !== null && plain !== null) {
      return { plain: truncate(plain, MAX_DIALOG_CHARS), markdown: truncate(markdown, MAX_DIALOG_CHARS) };
    }
  }
  const none = (markdown: boolean): string =>
    truncate(
      markdown ? `**${escapeMarkdown(intro)}**\n\n${escapeMarkdown(hint)}` : `${intro}\n${hint}`,
      MAX_DIALOG_CHARS,
    );
  return { plain: none(false), markdown: none(true) };
}

/**
 * The completion for a successful check.
 * - allow → the mail goes.
 * - block → the mail stays; the dialog lists the reasons; its button opens the task pane
 *   (commandId, Mailbox 1.14) where the fixes and the override are.
 * - warn → on Mailbox 1.14+ the dialog lists the warnings and offers "Send Anyway"
 *   (sendModeOverride=promptUser). Older clients cannot offer that choice; since warnings do
 *   not block by policy (rule 7: "these warn, they do not block"), the mail goes and the
 *   task pane is where they were shown while composing.
 */
export function decisionCompletion(result: CheckResult, lang: Language, caps: Capabilities): Completion {
  if (result.decision === "allow") return { allowEvent: true };
  if (result.decision === "warn" && !caps.customizeDialog) return { allowEvent: true };

  const reasons = reasonsForDialog(result);
  const intro = t(lang, result.decision === "block" ? "blockedIntro" : "warnIntro");
  const rendered = renderReasons(intro, reasons, t(lang, "openPaneHint"), lang);
  const completion: Completion = { allowEvent: false, errorMessage: rendered.plain };
  if (caps.markdown) completion.errorMessageMarkdown = rendered.markdown;
  if (caps.customizeDialog) {
    completion.cancelLabel = truncate(t(lang, "cancelLabelFix"), MAX_CANCEL_LABEL_CHARS);
    completion.commandId = TASKPANE_COMMAND_ID;
    if (result.decision === "warn") completion.sendModeOverride = "promptUser";
  }
  return completion;
}
