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

/**
 * Lists as many reasons as fit in Outlook's 500-character limit (plain and Markdown separately,
 * since escaping makes the Markdown longer), then "… and N more". Markdown list items end
 * with "\r", as the Smart Alerts Markdown subset requires.
 */
export function renderReasons(intro: string, reasons: Reason[], hint: string, lang: Language): Rendered {
  const build = (markdown: boolean): string => {
    const head = markdown ? `**${escapeMarkdown(intro)}**\n\n` : `${intro}\n`;
    const tail = markdown ? `\n\n${escapeMarkdown(hint)}` : `\n${hint}`;
    const item = (r: Reason): string =>
      markdown ? `- ${escapeMarkdown(pick(r.message, lang))}\r` : `• ${pick(r.message, lang)}\n`;
    let body = "";
    for (let i = 0; i < reasons.length; i++) {
      const next = item(reasons[i]!);
      const remaining = reasons.length - i - 1;
      const more =
        remaining > 0
          ? markdown
            ? `- ${escapeMarkdown(t(lang, "moreReasons", { n: remaining }))}\r`
            : `${t(lang, "moreReasons", { n: remaining })}\n`
          : "";
      if ((head + body + next + more + tail).length > MAX_DIALOG_CHARS) {
        const left = reasons.length - i;
        body += markdown
          ? `- ${escapeMarkdown(t(lang, "moreReasons", { n: left }))}\r`
          : `${t(lang, "moreReasons", { n: left })}\n`;
        break;
      }
      body += next;
    }
    return truncate((head + body).replace(/\n$/, "") + tail, MAX_DIALOG_CHARS);
  };
  return { plain: build(false), markdown: build(true) };
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
