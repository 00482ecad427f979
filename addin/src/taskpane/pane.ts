// The task pane: a live check while composing, what was found and why, and one-click fixes.
// It runs unchanged in Outlook (taskpane.ts) and in the sandbox, which passes a simulated
// compose item built on office-addin-mock.
import { ApiError, checkDraft, createSecureMessage, recordOverride } from "../shared/apiClient";
import type { ClinicMailConfig } from "../shared/config";
import type {
  CheckResult,
  Draft,
  Fix,
  JustificationCode,
  Language,
  RecipientResult,
  SecureMessageRequest,
} from "../shared/contract";
import { JUSTIFICATION_CODES } from "../shared/contract";
import { failureCause, type FailureKind } from "../shared/failurePolicy";
import { draftFingerprint } from "../shared/fingerprint";
import { labelFor, pick, t } from "../shared/i18n";
import {
  applyRecipientOps,
  contentTypeFor,
  OfficeCallError,
  officeCall,
  readDraft,
  readRecipients,
  readSession,
  writeSession,
} from "../shared/officeItem";
import { OVERRIDE_SESSION_KEY, type StoredOverride } from "../shared/overrideStore";
import { planMoveToBcc, planRemove, planReplaceAddress, type RecipientOp } from "../shared/recipients";
import { h } from "./dom";
import { snippetFor } from "./evidence";
import { notCarriedText, overrideOffer, refusalText } from "./secureSend";

export interface PaneHost {
  item: Office.MessageCompose;
  lang: Language;
  config: ClinicMailConfig;
  getToken(interactive: boolean): Promise<string>;
  /** Sends the item (Mailbox 1.15 sendAsync). Resolves false when the user must press Send. */
  send(): Promise<boolean>;
  /** Debounce for the live check; the sandbox and Outlook use the default. */
  debounceMs?: number;
  /** Polling interval for body/subject changes (Outlook has no body-changed event). */
  pollMs?: number;
}

export interface PaneController {
  /** Checks now (used after a fix and by the "open on fix" path). */
  refresh(): Promise<void>;
  dispose(): void;
}

type Status = { kind: "idle" } | { kind: "checking" } | { kind: "result" } | { kind: "error"; cause: string };

const DEFAULT_DEBOUNCE_MS = 600;
const DEFAULT_POLL_MS = 2000;

function failureKindOf(error: unknown): FailureKind {
  if (error instanceof ApiError) return error.kind;
  if (error instanceof OfficeCallError) return "read";
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === "string" ? (kind as FailureKind) : "server";
}

export function mountTaskPane(root: HTMLElement, host: PaneHost): PaneController {
  const { lang, config, item } = host;
  let status: Status = { kind: "idle" };
  let result: CheckResult | null = null;
  let checkedDraft: Draft | null = null;
  let lastFingerprint = "";
  let sequence = 0;
  // transient: a notice about a check in progress ("Fix applied. Checking again…"), dropped when
  // that check's result arrives.
  // announce: the live region reads it once (outcomes of an action the pane did not show as a decision).
  let notice: {
    tone: "success" | "warning" | "danger" | "info";
    text: string;
    transient?: boolean;
    announce?: boolean;
  } | null = null;
  // What a secure send did not carry (cloud links, attached items, unread files): a warning of its own,
  // announced, because the physician must share those another way.
  let carryWarning: string | null = null;
  // The draft changed since `result` was computed: it is shown as stale until the re-check lands,
  // never as the answer for the current draft.
  let stale = false;
  let busy = false;
  let debounceTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let completedChecks = 0;
  // The user acted (opened the pane on a result, applied a fix): the next result or error takes
  // the focus, so keyboard and screen reader users land on what changed.
  let focusOnOutcome = false;
  let announced = "";

  root.classList.add("cm-pane");
  root.setAttribute("lang", lang === "fr" ? "fr-CA" : "en-CA");
  const live = h("div", { class: "cm-live", "aria-live": "polite", role: "status" });
  const content = h("div", { class: "cm-content" });
  root.replaceChildren(
    h("header", { class: "cm-pane-header" }, h("h2", { class: "cm-pane-title" }, t(lang, "paneTitle"))),
    live,
    content,
  );

  async function token(): Promise<string> {
    return host.getToken(true);
  }

  function callOptions(tok: string) {
    return { token: tok, lang, timeoutMs: Math.max(config.checkBudgetMs, 10000) };
  }

  async function runCheck(): Promise<void> {
    const mine = ++sequence;
    status = { kind: "checking" };
    render();
    try {
      const draft = await readDraft(item, { name: "clinicmail-outlook-pane", version: config.version });
      const checkedFingerprint = draftFingerprint(draft);
      lastFingerprint = checkedFingerprint;
      const tok = await token();
      const next = await checkDraft(config.apiBase, draft, callOptions(tok));
      if (mine !== sequence || disposed) return;
      result = next;
      checkedDraft = draft;
      // Polling saw a newer draft while this check ran: its re-check is scheduled; until it
      // lands, this result is shown as stale.
      stale = lastFingerprint !== checkedFingerprint;
      if (notice?.transient) notice = null;
      status = { kind: "result" };
    } catch (error) {
      if (mine !== sequence || disposed) return;
      status = { kind: "error", cause: failureCause(failureKindOf(error), lang) };
    }
    // Exposed for the sandbox's browser tests (and screen readers ignore data attributes).
    root.dataset.checkSeq = String(++completedChecks);
    render();
  }

  /** The draft changed: the result on screen no longer describes it. */
  function markStale(): void {
    if (result && !stale) {
      stale = true;
      render();
    }
  }

  function scheduleCheck(): void {
    if (debounceTimer !== undefined) clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => void runCheck(), host.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  async function poll(): Promise<void> {
    if (busy || disposed) return;
    try {
      const draft = await readDraft(item, { name: "clinicmail-outlook-pane", version: config.version });
      const fp = draftFingerprint(draft);
      if (fp !== lastFingerprint) {
        lastFingerprint = fp;
        markStale();
        // A check already running answers for an older draft: this one supersedes it.
        scheduleCheck();
      }
    } catch {
      // A failed read during polling is retried on the next tick; the Send check reports failures.
    }
  }

  async function withBusy(action: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    render();
    try {
      await action();
    } catch (error) {
      notice = {
        tone: "danger",
        text:
          refusalText(error, lang) ??
          t(lang, "fixFailed", { cause: failureCause(failureKindOf(error), lang) }),
        announce: true,
      };
    } finally {
      busy = false;
      render();
    }
  }

  async function applyOps(ops: RecipientOp[]): Promise<void> {
    await applyRecipientOps(item, ops);
    notice = { tone: "info", text: t(lang, "fixApplied"), transient: true };
    focusOnOutcome = true;
    markStale();
    render();
    await runCheck();
  }

  function patientAddressesVisible(r: CheckResult): string[] {
    return r.recipients
      .filter((x) => x.field !== "bcc" && x.scope === "external" && x.status !== "internal")
      .map((x) => x.address);
  }

  async function applyFix(fix: Fix): Promise<void> {
    const current = await readRecipients(item);
    switch (fix.kind) {
      case "move_to_bcc": {
        const addresses =
          fix.addresses && fix.addresses.length > 0 ? fix.addresses : patientAddressesVisible(result!);
        await applyOps(planMoveToBcc(current, addresses));
        return;
      }
      case "replace_address": {
        const wrong = fix.addresses?.[0];
        const replacement =
          fix.replacement ?? result?.recipients.find((r) => r.address === wrong)?.lookalike?.resembles;
        if (!wrong || !replacement) throw new ApiError("client", null, null);
        await applyOps(planReplaceAddress(current, wrong, replacement));
        return;
      }
      case "remove_recipient":
        await applyOps(planRemove(current, fix.addresses ?? []));
        return;
      case "send_securely":
        await sendSecurely(fix);
        return;
    }
  }

  async function readAttachmentsForUpload(): Promise<SecureMessageRequest["attachments"]> {
    if (typeof item.getAttachmentsAsync !== "function") return [];
    const list = await officeCall<Office.AttachmentDetailsCompose[]>("getAttachmentsAsync", (cb) =>
      item.getAttachmentsAsync(cb),
    );
    const files = (list ?? []).filter((a) => String(a.attachmentType).toLowerCase() === "file");
    const out: SecureMessageRequest["attachments"] = [];
    for (const a of files) {
      const content = await officeCall<Office.AttachmentContent>("getAttachmentContentAsync", (cb) =>
        item.getAttachmentContentAsync(a.id, cb),
      );
      if (String(content.format).toLowerCase() !== "base64") continue;
      out.push({ name: a.name, contentType: contentTypeFor(a.name), contentBase64: content.content });
    }
    return out;
  }

  /**
   * Rule 6: clinical or nominative content leaving the tenant travels as a ClinicMail secure
   * message. The content is uploaded, then the mail keeps only the notice (both languages: the
   * patient's language is unknown here) and a neutral subject, loses its attachments, and is sent.
   */
  async function sendSecurely(fix: Fix | null): Promise<void> {
    const draft = await readDraft(item, { name: "clinicmail-outlook-pane", version: config.version });
    const tok = await token();
    const fresh = await checkDraft(config.apiBase, draft, callOptions(tok));
    const recipients =
      fix?.addresses && fix.addresses.length > 0
        ? fix.addresses
        : fresh.recipients.filter((r) => r.scope === "external").map((r) => r.address);
    const attachments = await readAttachmentsForUpload();
    // An override recorded on the previous check of this same content carries over (the server verifies it).
    const stored = await readSession(item, OVERRIDE_SESSION_KEY);
    const overrideCheckId = stored ? (JSON.parse(stored) as StoredOverride).checkId : undefined;
    const created = await createSecureMessage(
      config.apiBase,
      {
        checkId: fresh.checkId,
        overrideCheckId,
        subject: draft.subject,
        body: draft.body,
        bodyFormat: draft.bodyFormat,
        recipients,
        attachments,
      },
      { ...callOptions(tok), timeoutMs: 30000 },
    );
    const noticeHtml = `<div lang="fr">${created.notice.html.fr}</div><hr><div lang="en">${created.notice.html.en}</div>`;
    await officeCall<void>("body.setAsync", (cb) =>
      item.body.setAsync(noticeHtml, { coercionType: Office.CoercionType.Html }, cb),
    );
    await officeCall<void>("subject.setAsync", (cb) => item.subject.setAsync(t(lang, "secureSubject"), cb));
    if (typeof item.getAttachmentsAsync === "function") {
      const list = await officeCall<Office.AttachmentDetailsCompose[]>("getAttachmentsAsync", (cb) =>
        item.getAttachmentsAsync(cb),
      );
      for (const a of list ?? []) {
        await officeCall<void>("removeAttachmentAsync", (cb) => item.removeAttachmentAsync(a.id, cb));
      }
    }
    carryWarning = notCarriedText(created, lang);
    const sent = await host.send();
    notice = {
      tone: "success",
      text: sent ? t(lang, "secureSent") : `${t(lang, "secureSent")} ${t(lang, "securePressSend")}`,
      announce: true,
    };
  }

  async function submitOverride(code: JustificationCode, text: string): Promise<void> {
    if (!result || !checkedDraft) return;
    if (text.trim().length === 0) {
      notice = { tone: "warning", text: t(lang, "overrideNeedsText") };
      return;
    }
    const tok = await token();
    const recorded = await recordOverride(
      config.apiBase,
      result.checkId,
      { justificationCode: code, justification: text.trim() },
      callOptions(tok),
    );
    const stored: StoredOverride = {
      overrideId: recorded.overrideId,
      checkId: recorded.checkId,
      fingerprint: draftFingerprint(checkedDraft),
    };
    await writeSession(item, OVERRIDE_SESSION_KEY, JSON.stringify(stored));
    const thenSecure = overrideOffer(result) === "form_then_secure";
    notice = {
      tone: "success",
      text: t(lang, thenSecure ? "overrideDoneThenSecure" : "overrideDone", { id: recorded.overrideId }),
      announce: true,
    };
  }

  // ---- rendering -------------------------------------------------------------------------

  /**
   * The one-click fix shown as the primary button: the first that resolves a reason of the
   * decision's severity (blocking reasons first), else secure sending when it is required.
   */
  function primaryFix(r: CheckResult): Fix | null {
    const severities = r.decision === "block" ? ["block"] : ["warn"];
    const codes = new Set(r.reasons.filter((x) => severities.includes(x.severity)).map((x) => x.code));
    return (
      r.fixes.find((f) => (f.resolves ?? []).some((code) => codes.has(code))) ??
      r.fixes.find((f) => f.kind === "send_securely") ??
      r.fixes[0] ??
      null
    );
  }

  function decisionBanner(r: CheckResult): HTMLElement {
    const key =
      r.decision === "allow" ? "decisionAllow" : r.decision === "warn" ? "decisionWarn" : "decisionBlock";
    const intent = r.decision === "allow" ? "success" : r.decision === "warn" ? "warning" : "error";
    const secure =
      r.secureDelivery === "required"
        ? t(lang, "secureRequired")
        : r.secureDelivery === "recommended"
          ? t(lang, "secureRecommended")
          : "";
    return h(
      "div",
      {
        class: `cm-decision cm-decision-${r.decision}${stale ? " cm-stale" : ""}`,
        "data-decision": r.decision,
        "data-stale": String(stale),
        "data-testid": "decision",
        // An id so that a re-render keeps the focus on it (see render).
        id: "cm-decision",
        tabindex: "-1",
      },
      h(
        "span",
        {
          class: "cm-decision-icon",
          "aria-hidden": "true",
          "data-testid": "decision-icon",
          "data-icon": stale ? "stale" : r.decision,
        },
        stale ? "↻" : r.decision === "allow" ? "✓" : r.decision === "warn" ? "!" : "✕",
      ),
      h(
        "fluent-badge",
        {
          appearance: stale ? "outline" : "filled",
          color: stale ? "informative" : intent === "error" ? "danger" : intent,
          class: "cm-decision-badge",
          "data-testid": "decision-text",
        },
        stale ? t(lang, "decisionStale") : t(lang, key),
      ),
      secure ? h("span", { class: "cm-secure", "data-testid": "secure-delivery" }, secure) : null,
    );
  }

  function reasonsSection(r: CheckResult): HTMLElement | null {
    const shown = r.reasons.filter((x) => x.severity !== "info" || r.decision === "allow");
    if (shown.length === 0) return null;
    return h(
      "section",
      { class: "cm-section", "aria-labelledby": "cm-reasons-h" },
      h("h3", { id: "cm-reasons-h" }, t(lang, "reasonsHeading")),
      h(
        "ul",
        { class: "cm-reasons", "data-testid": "reasons" },
        shown.map((x) =>
          h(
            "li",
            {
              class: `cm-reason cm-sev-${x.severity}`,
              "data-code": x.code,
              "data-overridable": String(x.overridable),
            },
            h("span", { class: "cm-sev-dot", "aria-hidden": "true" }),
            h("span", {}, pick(x.message, lang)),
          ),
        ),
      ),
    );
  }

  function statusClass(s: RecipientResult["status"]): string {
    if (s === "internal" || s === "consented_patient") return "ok";
    if (s === "unknown") return "warn";
    return "bad";
  }

  function recipientsSection(r: CheckResult): HTMLElement {
    return h(
      "section",
      { class: "cm-section", "aria-labelledby": "cm-recipients-h" },
      h("h3", { id: "cm-recipients-h" }, t(lang, "recipientsHeading")),
      r.recipients.length === 0
        ? h("p", { class: "cm-muted" }, t(lang, "noRecipients"))
        : h(
            "ul",
            { class: "cm-recipients", "data-testid": "recipients" },
            r.recipients.map((x) =>
              h(
                "li",
                {
                  class: "cm-recipient",
                  "data-address": x.address,
                  "data-status": x.status,
                  "data-field": x.field,
                },
                h("span", { class: "cm-field" }, labelFor(lang, "field", x.field)),
                h(
                  "span",
                  { class: "cm-recipient-main" },
                  h("span", { class: "cm-address" }, x.address),
                  h(
                    "span",
                    { class: `cm-status cm-status-${statusClass(x.status)}` },
                    labelFor(lang, "status", x.status),
                  ),
                  x.lookalike?.resembles
                    ? h("span", { class: "cm-resembles" }, `${t(lang, "resembles")} ${x.lookalike.resembles}`)
                    : null,
                ),
              ),
            ),
          ),
    );
  }

  function topicsSection(r: CheckResult): HTMLElement | null {
    if (r.topics.length === 0 && r.identifiers.length === 0) return null;
    const evidenceItem = (e: Parameters<typeof snippetFor>[0]): HTMLElement => {
      const s = snippetFor(e, checkedDraft);
      return h(
        "li",
        { class: "cm-evidence" },
        h(
          "span",
          { class: "cm-part" },
          `${t(lang, "evidenceIn")} ${labelFor(lang, "part", e.part)}${lang === "fr" ? " : " : ": "}`,
        ),
        s.before,
        h("mark", {}, s.match),
        s.after,
      );
    };
    return h(
      "section",
      { class: "cm-section", "aria-labelledby": "cm-topics-h" },
      h("h3", { id: "cm-topics-h" }, t(lang, "topicsHeading")),
      h(
        "ul",
        { class: "cm-topics", "data-testid": "topics" },
        r.topics.map((topic) =>
          h(
            "li",
            { class: "cm-topic", "data-category": topic.category },
            h(
              "div",
              { class: "cm-topic-head" },
              h("strong", {}, labelFor(lang, "category", topic.category)),
              h(
                "span",
                { class: "cm-muted" },
                ` · ${t(lang, "confidence")} ${Math.round((topic.confidence ?? 0) * 100)} %`,
              ),
            ),
            h("ul", { class: "cm-evidence-list" }, (topic.evidence ?? []).slice(0, 3).map(evidenceItem)),
          ),
        ),
      ),
      r.identifiers.length > 0
        ? h(
            "div",
            {},
            h("h4", {}, t(lang, "identifiersHeading")),
            h(
              "ul",
              { class: "cm-topics", "data-testid": "identifiers" },
              r.identifiers.map((id) => {
                const evidence = Array.isArray(id.evidence) ? id.evidence : id.evidence ? [id.evidence] : [];
                return h(
                  "li",
                  { class: "cm-topic", "data-kind": id.kind },
                  h("strong", {}, labelFor(lang, "identifier", id.kind)),
                  h("ul", { class: "cm-evidence-list" }, evidence.slice(0, 2).map(evidenceItem)),
                );
              }),
            ),
          )
        : null,
    );
  }

  function fixesSection(r: CheckResult): HTMLElement | null {
    if (r.fixes.length === 0) return null;
    const primary = primaryFix(r);
    return h(
      "section",
      { class: "cm-section", "aria-labelledby": "cm-fixes-h" },
      h("h3", { id: "cm-fixes-h" }, t(lang, "fixesHeading")),
      h(
        "div",
        { class: "cm-fixes" },
        r.fixes.map((fix) =>
          h(
            "fluent-button",
            {
              appearance: fix === primary ? "primary" : "outline",
              "data-fix": fix.kind,
              "data-primary": String(fix === primary),
              disabled: busy || stale,
              // Also as an attribute: checkers that do not see the element's internals then know
              // the button is inactive (WCAG 1.4.3 exempts inactive controls from contrast).
              "aria-disabled": busy || stale ? "true" : undefined,
              onclick: () => void withBusy(() => applyFix(fix)),
            },
            pick(fix.label, lang),
          ),
        ),
      ),
    );
  }

  function overrideSection(r: CheckResult): HTMLElement | null {
    const offer = overrideOffer(r);
    if (offer === "none") return null;
    if (offer === "unavailable") {
      return h(
        "p",
        { class: "cm-muted", "data-testid": "override-unavailable" },
        t(lang, "overrideNotAllowed"),
      );
    }
    const select = h(
      "select",
      { id: "cm-override-code", class: "cm-select", "data-testid": "override-code" },
      JUSTIFICATION_CODES.map((code) => h("option", { value: code }, labelFor(lang, "justification", code))),
    );
    const text = h("textarea", {
      id: "cm-override-text",
      class: "cm-textarea",
      rows: 3,
      maxlength: 1000,
      "data-testid": "override-text",
    });
    return h(
      "details",
      { class: "cm-section cm-override" },
      h("summary", {}, t(lang, "overrideHeading")),
      h(
        "form",
        {
          class: "cm-override-form",
          onsubmit: (event: Event) => {
            event.preventDefault();
            void withBusy(() => submitOverride(select.value as JustificationCode, text.value));
          },
        },
        offer === "form_then_secure"
          ? h(
              "p",
              { class: "cm-muted", "data-testid": "override-then-secure" },
              t(lang, "overrideThenSecureHint"),
            )
          : null,
        h("label", { for: "cm-override-code" }, t(lang, "overrideCode")),
        select,
        h("label", { for: "cm-override-text" }, t(lang, "overrideText")),
        text,
        h(
          "fluent-button",
          {
            type: "submit",
            appearance: "primary",
            "data-testid": "override-submit",
            disabled: busy,
            "aria-disabled": busy ? "true" : undefined,
          },
          t(lang, "overrideSubmit"),
        ),
      ),
    );
  }

  function etiquetteSection(r: CheckResult): HTMLElement | null {
    if (r.etiquette.length === 0) return null;
    return h(
      "section",
      { class: "cm-section", "aria-labelledby": "cm-etiquette-h" },
      h("h3", { id: "cm-etiquette-h" }, t(lang, "etiquetteHeading")),
      h(
        "ul",
        { class: "cm-etiquette", "data-testid": "etiquette" },
        r.etiquette.map((e) => h("li", { "data-code": e.code }, pick(e.message, lang))),
      ),
    );
  }

  function render(): void {
    if (disposed) return;
    root.dataset.state = busy ? "busy" : status.kind;
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    const parts: (HTMLElement | null)[] = [];
    if (notice)
      parts.push(
        h(
          "fluent-message-bar",
          {
            intent: notice.tone === "danger" ? "error" : notice.tone,
            class: "cm-notice",
            "data-testid": "notice",
          },
          notice.text,
        ),
      );
    if (carryWarning)
      parts.push(
        h(
          "fluent-message-bar",
          { intent: "warning", class: "cm-notice", "data-testid": "attachments-not-carried" },
          carryWarning,
        ),
      );
    if (status.kind === "checking" || busy) {
      parts.push(
        h(
          "div",
          { class: "cm-checking" },
          h("fluent-spinner", { size: "tiny" }),
          h("span", {}, t(lang, "paneChecking")),
        ),
      );
    }
    if (status.kind === "error") {
      parts.push(
        h(
          "fluent-message-bar",
          { intent: "warning", "data-testid": "check-error", id: "cm-check-error", tabindex: "-1" },
          t(lang, "checkFailed", { cause: status.cause }),
        ),
      );
    }
    if (status.kind === "idle" && !result) parts.push(h("p", { class: "cm-muted" }, t(lang, "paneIdle")));
    if (result && stale) {
      parts.push(h("fluent-message-bar", { intent: "info", "data-testid": "stale" }, t(lang, "resultStale")));
    }
    if (result) {
      parts.push(
        decisionBanner(result),
        reasonsSection(result),
        fixesSection(result),
        recipientsSection(result),
        topicsSection(result),
        etiquetteSection(result),
        overrideSection(result),
      );
    }
    // Keep an open override form open and its typed text across re-renders.
    const openOverride = content.querySelector("details.cm-override")?.hasAttribute("open");
    const typed = (content.querySelector("#cm-override-text") as HTMLTextAreaElement | null)?.value;
    const code = (content.querySelector("#cm-override-code") as HTMLSelectElement | null)?.value;
    content.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    if (openOverride) content.querySelector("details.cm-override")?.setAttribute("open", "");
    if (typed !== undefined) {
      const area = content.querySelector("#cm-override-text") as HTMLTextAreaElement | null;
      if (area) area.value = typed;
    }
    if (code !== undefined) {
      const sel = content.querySelector("#cm-override-code") as HTMLSelectElement | null;
      if (sel) sel.value = code;
    }
    if (focusedId) document.getElementById(focusedId)?.focus();
    if (focusOnOutcome && !busy && (status.kind === "error" || (status.kind === "result" && !stale))) {
      focusOnOutcome = false;
      content
        .querySelector<HTMLElement>(
          status.kind === "error" ? "[data-testid=check-error]" : "[data-testid=decision]",
        )
        ?.focus();
    }
    // The live region announces the outcome only, not the whole pane, and each outcome once:
    // re-renders that leave it unchanged do not touch it (some screen readers repeat a rewrite).
    const announcement =
      status.kind === "checking" || stale
        ? t(lang, "paneChecking")
        : status.kind === "error"
          ? t(lang, "checkFailed", { cause: status.cause })
          : result
            ? t(
                lang,
                result.decision === "allow"
                  ? "decisionAllow"
                  : result.decision === "warn"
                    ? "decisionWarn"
                    : "decisionBlock",
              )
            : "";
    // A notice the user must hear (a refusal, a secure send, what it did not carry) follows the outcome.
    const heard = [announcement, notice?.announce ? notice.text : "", carryWarning ?? ""]
      .filter((x) => x.length > 0)
      .join(" ");
    if (heard !== announced) {
      announced = heard;
      live.textContent = heard;
    }
  }

  // Recipients changes are announced by Outlook (Mailbox 1.7); body and subject are polled.
  if (typeof item.addHandlerAsync === "function") {
    try {
      item.addHandlerAsync(Office.EventType.RecipientsChanged, () => {
        markStale();
        scheduleCheck();
      });
    } catch {
      // Polling still catches recipient changes.
    }
  }
  const pollTimer = setInterval(() => void poll(), host.pollMs ?? DEFAULT_POLL_MS);
  render();
  void runCheck();

  return {
    refresh: () => {
      focusOnOutcome = true;
      return runCheck();
    },
    dispose: () => {
      disposed = true;
      if (debounceTimer !== undefined) clearTimeout(debounceTimer);
      clearInterval(pollTimer);
    },
  };
}
