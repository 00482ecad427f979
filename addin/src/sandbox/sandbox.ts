// The sandbox: a simulated Outlook compose window hosting the REAL task pane (mounted from the
// same module Outlook loads) and the REAL launch-event bundle (/launchevent.js, loaded with a
// script tag exactly as commands.html does), against the ClinicMail API on this origin.
// Tokens come from the development endpoint /api/dev/token instead of NAA.
import { ApiError } from "../shared/apiClient";
import type { Completion } from "../shared/completion";
import type { Language } from "../shared/contract";
import { parseFailurePolicy } from "../shared/failurePolicy";
import { languageFrom, t } from "../shared/i18n";
import { registerTokenProvider, acquireToken, tokenProviders } from "../shared/tokens";
import { resolveConfig } from "../shared/config";
import { useFluent } from "../taskpane/fluent";
import { mountTaskPane, type PaneController } from "../taskpane/pane";
import { htmlToText } from "../taskpane/evidence";
import { h } from "../taskpane/dom";
import { ComposeModel, formatRecipients, parseRecipients, textToHtml } from "./compose";
import { demo } from "./demo-data";
import { createMockOffice } from "./mockOffice";
import "../taskpane/taskpane.css";
import "./sandbox.css";

interface SentMail {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  bodyText: string;
  decisionMs: number;
  how: "allowed" | "send_anyway";
}

interface SandboxState {
  sent: SentMail[];
  lastCompletion: Completion | null;
  lastElapsedMs: number | null;
  busy: boolean;
}

const params = new URLSearchParams(location.search);
const lang: Language = languageFrom(params.get("lang") ?? navigator.language);
document.documentElement.lang = lang === "fr" ? "fr-CA" : "en-CA";
const apiBase = (params.get("api") ?? location.origin).replace(/\/+$/, "");
const policy = parseFailurePolicy(params.get("policy") ?? "prompt");
const mailboxVersion = params.get("mailbox") ?? "1.15";

const ui = {
  fr: {
    title: "Bac à sable ClinicMail",
    subtitle:
      "Une fenêtre de rédaction Outlook simulée, avec le vrai volet ClinicMail et la vraie vérification à l'envoi.",
    api: "API",
    up: "en ligne",
    down: "injoignable",
    policy: "Si la vérification échoue",
    policyPrompt: "demander (par défaut)",
    policyBlock: "bloquer",
    scenarios: "Scénarios",
    compose: "Rédaction du courriel",
    benign: "Courriel anodin",
    sensitive: "Contenu sensible",
    bulk: "Envoi groupé",
    lookalike: "Adresse semblable",
    clear: "Vider",
    from: "De",
    to: "À",
    cc: "Cc",
    bcc: "Cci",
    subject: "Objet",
    body: "Message",
    attach: "Joindre un fichier",
    attachCloud: "Joindre un lien OneDrive",
    send: "Envoyer",
    pane: "ClinicMail",
    checking: "ClinicMail vérifie votre message…",
    sentOk: "Envoyé",
    sentLog: "Éléments envoyés",
    nothingSent: "Rien d'envoyé pour l'instant.",
    decisionIn: "décision en {ms} ms",
    sendAnyway: "Envoyer quand même",
    dontSend: "Ne pas envoyer",
    unavailable:
      "Le complément ClinicMail n'est pas chargé. Avec SendMode SoftBlock, Outlook proposerait « Envoyer quand même » ou « Réessayer plus tard ».",
    howto:
      "Choisissez un scénario, puis appuyez sur Envoyer. Le volet de droite vérifie pendant la rédaction ; la vérification à l'envoi est celle qu'Outlook exécute (Smart Alerts).",
  },
  en: {
    title: "ClinicMail sandbox",
    subtitle: "A simulated Outlook compose window with the real ClinicMail pane and the real check on Send.",
    api: "API",
    up: "online",
    down: "unreachable",
    policy: "If the check fails",
    policyPrompt: "prompt (default)",
    policyBlock: "block",
    scenarios: "Scenarios",
    compose: "Compose the e-mail",
    benign: "Benign e-mail",
    sensitive: "Sensitive content",
    bulk: "Bulk send",
    lookalike: "Look-alike address",
    clear: "Clear",
    from: "From",
    to: "To",
    cc: "Cc",
    bcc: "Bcc",
    subject: "Subject",
    body: "Message",
    attach: "Attach a file",
    attachCloud: "Attach a OneDrive link",
    send: "Send",
    pane: "ClinicMail",
    checking: "ClinicMail is checking your message…",
    sentOk: "Sent",
    sentLog: "Sent items",
    nothingSent: "Nothing sent yet.",
    decisionIn: "decision in {ms} ms",
    sendAnyway: "Send Anyway",
    dontSend: "Don't Send",
    unavailable:
      "The ClinicMail add-in is not loaded. With SendMode SoftBlock, Outlook would offer Send Anyway or Try Later.",
    howto:
      "Pick a scenario, then press Send. The pane on the right checks while you write; the check on Send is the one Outlook runs (Smart Alerts).",
  },
}[lang];

const state: SandboxState = { sent: [], lastCompletion: null, lastElapsedMs: null, busy: false };
(window as unknown as { __sandbox: SandboxState }).__sandbox = state;

(globalThis as { clinicMailConfig?: unknown }).clinicMailConfig = { apiBase, failurePolicy: policy };

// Development tokens: the API issues them only in Development (it marks every response with
// X-ClinicMail-Development: true). Cached until shortly before expiry.
let devToken: { value: string; expires: number } | null = null;
registerTokenProvider({
  name: "dev",
  async getToken(): Promise<string> {
    if (devToken && devToken.expires > Date.now()) return devToken.value;
    const response = await fetch(`${apiBase}/api/dev/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ role: "Physician" }),
    }).catch(() => {
      // The API itself is unreachable: report it as such, not as a sign-in problem.
      throw new ApiError("network", null, null);
    });
    if (!response.ok) throw new Error("dev token refused");
    const body = (await response.json()) as { accessToken: string; expiresIn: number };
    devToken = { value: body.accessToken, expires: Date.now() + Math.max(0, (body.expiresIn - 30) * 1000) };
    return body.accessToken;
  },
});

const model = new ComposeModel({
  from: demo.physician,
  to: [],
  cc: [],
  bcc: [],
  subject: "",
  bodyHtml: "",
  attachments: [],
});
const { office, associations } = createMockOffice(model, {
  displayLanguage: lang === "fr" ? "fr-CA" : "en-CA",
  mailboxVersion,
  send: () => send(),
});
(window as unknown as { Office: unknown }).Office = office;

// ---- layout --------------------------------------------------------------------------------

const fields = {
  to: h("input", { id: "f-to", type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "to" }),
  cc: h("input", { id: "f-cc", type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "cc" }),
  bcc: h("input", {
    id: "f-bcc",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "bcc",
  }),
  subject: h("input", { id: "f-subject", type: "text", "data-testid": "subject" }),
};
const body = h("div", {
  id: "f-body",
  class: "sb-body",
  contenteditable: "true",
  role: "textbox",
  "aria-multiline": "true",
  "aria-labelledby": "l-body",
  "data-testid": "body",
});
const attachments = h("ul", { class: "sb-attachments", "data-testid": "attachments" });
const fileInput = h("input", { id: "f-file", type: "file", class: "sb-file" });
// A OneDrive link as Outlook attaches it (attachmentType "cloud"): a secure message cannot carry it.
const cloudButton = h(
  "button",
  {
    type: "button",
    class: "sb-ribbon-button",
    "data-testid": "attach-cloud",
    onclick: () =>
      model.addAttachment(
        "Resultats-laboratoire.pdf",
        0,
        "https://cliniquedemo-my.sharepoint.com/personal/dre_tremblay/Documents/Resultats-laboratoire.pdf",
        "cloud",
      ),
  },
  ui.attachCloud,
);
const sendButton = h(
  "button",
  { id: "send", class: "sb-send", type: "button", "data-testid": "send" },
  state.busy ? "…" : ui.send,
);
const sendStatus = h("div", {
  class: "sb-send-status",
  role: "status",
  "aria-live": "polite",
  "data-testid": "send-status",
});
const paneRoot = h("div", { id: "pane", "data-testid": "pane" });
const paneAside = h("aside", { class: "sb-pane", "aria-label": ui.pane, "data-open": "true" }, paneRoot);
const paneToggle = h(
  "button",
  { type: "button", class: "sb-ribbon-button", "aria-pressed": "true", "data-testid": "pane-toggle" },
  "ClinicMail",
);
const apiBadge = h("span", { class: "sb-api", "data-testid": "api-status" }, "…");
const dialogHost = h("div", { id: "dialog-host" });
const sentList = h("ol", { class: "sb-sent", "data-testid": "sent-log" });

function row(label: string, id: string, control: HTMLElement): HTMLElement {
  return h("div", { class: "sb-row" }, h("label", { for: id, class: "sb-label" }, label), control);
}

function scenarioButton(label: string, key: string, action: () => void): HTMLElement {
  return h("button", { type: "button", class: "sb-chip", "data-scenario": key, onclick: action }, label);
}

const policySelect = h(
  "select",
  {
    id: "policy",
    "data-testid": "policy",
    onchange: (e: Event) => {
      params.set("policy", (e.target as HTMLSelectElement).value);
      location.search = params.toString();
    },
  },
  h("option", { value: "prompt" }, ui.policyPrompt),
  h("option", { value: "block" }, ui.policyBlock),
);
policySelect.value = policy;

const langLink = h(
  "a",
  {
    class: "sb-lang",
    href: `?${new URLSearchParams({ ...Object.fromEntries(params), lang: lang === "fr" ? "en" : "fr" })}`,
  },
  t(lang, "languageToggle"),
);

document.getElementById("sandbox")!.replaceChildren(
  h(
    "header",
    { class: "sb-header" },
    h(
      "div",
      { class: "sb-brand" },
      h("span", { class: "sb-logo", "aria-hidden": "true" }, "✓"),
      h("div", {}, h("h1", {}, ui.title), h("p", {}, ui.subtitle)),
    ),
    h(
      "div",
      { class: "sb-controls" },
      h("span", {}, `${ui.api} `, apiBadge),
      h("label", { for: "policy" }, ui.policy),
      policySelect,
      langLink,
    ),
  ),
  h(
    "div",
    { class: "sb-scenarios", role: "group", "aria-label": ui.scenarios },
    h("span", { class: "sb-scenarios-label" }, ui.scenarios),
    scenarioButton(ui.benign, "benign", () => load("benign")),
    scenarioButton(ui.sensitive, "sensitive", () => load("sensitive")),
    scenarioButton(ui.bulk, "bulk", () => load("bulk")),
    scenarioButton(ui.lookalike, "lookalike", () => load("lookalike")),
    scenarioButton(ui.clear, "clear", () => model.reset({})),
  ),
  h("p", { class: "sb-howto" }, ui.howto),
  h(
    "div",
    { class: "sb-main" },
    h(
      "section",
      { class: "sb-compose", "aria-label": ui.compose },
      h(
        "div",
        { class: "sb-ribbon" },
        sendButton,
        paneToggle,
        h("label", { for: "f-file", class: "sb-ribbon-button" }, ui.attach),
        fileInput,
        cloudButton,
      ),
      sendStatus,
      h(
        "div",
        { class: "sb-row" },
        h("span", { class: "sb-label" }, ui.from),
        h("span", { class: "sb-from" }, `${demo.physician.name} <${demo.physician.address}>`),
      ),
      row(ui.to, "f-to", fields.to),
      row(ui.cc, "f-cc", fields.cc),
      row(ui.bcc, "f-bcc", fields.bcc),
      row(ui.subject, "f-subject", fields.subject),
      attachments,
      h("span", { id: "l-body", class: "sb-visually-hidden" }, ui.body),
      body,
      h("section", { class: "sb-sent-section" }, h("h2", {}, ui.sentLog), sentList),
    ),
    paneAside,
  ),
  dialogHost,
);

// ---- model <-> inputs ----------------------------------------------------------------------

function renderFromModel(): void {
  const s = model.state;
  if (document.activeElement !== fields.to) fields.to.value = formatRecipients(s.to);
  if (document.activeElement !== fields.cc) fields.cc.value = formatRecipients(s.cc);
  if (document.activeElement !== fields.bcc) fields.bcc.value = formatRecipients(s.bcc);
  if (document.activeElement !== fields.subject) fields.subject.value = s.subject;
  if (document.activeElement !== body && body.innerHTML !== s.bodyHtml) body.innerHTML = sanitize(s.bodyHtml);
  attachments.replaceChildren(
    ...s.attachments.map((a) =>
      h(
        "li",
        { "data-kind": a.kind ?? "file" },
        a.kind === "cloud" ? `☁ ${a.name}` : `📄 ${a.name} (${Math.max(1, Math.round(a.size / 1024))} KB)`,
      ),
    ),
  );
}

/** The notice HTML comes from our API; still, nothing scriptable goes into the page. */
function sanitize(html: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script,style,iframe,object,embed").forEach((n) => n.remove());
  doc.querySelectorAll("*").forEach((el) => {
    for (const attr of [...el.attributes]) {
      if (attr.name.startsWith("on") || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  });
  return doc.body.innerHTML;
}

model.onChange(() => renderFromModel());
for (const key of ["to", "cc", "bcc"] as const) {
  fields[key].addEventListener("input", () =>
    model.update("user", key, { [key]: parseRecipients(fields[key].value) }),
  );
  fields[key].addEventListener("blur", () => renderFromModel());
}
fields.subject.addEventListener("input", () =>
  model.update("user", "subject", { subject: fields.subject.value }),
);
body.addEventListener("input", () => model.update("user", "body", { bodyHtml: body.innerHTML }));
fileInput.addEventListener("change", async () => {
  for (const file of Array.from(fileInput.files ?? [])) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
    model.addAttachment(file.name, file.size, btoa(binary));
  }
  fileInput.value = "";
});

function load(kind: keyof typeof demo.messages): void {
  const m = demo.messages[kind];
  const base = { subject: m.subject, bodyHtml: textToHtml(m.body) };
  if (kind === "bulk") model.reset({ ...base, to: demo.consentedPatients.map((p) => ({ ...p })) });
  else if (kind === "lookalike")
    model.reset({ ...base, to: [{ address: demo.lookalike.address, name: "Jean-François Gagnon" }] });
  else model.reset({ ...base, to: [{ ...demo.consentedPatients[0] }] });
}

// ---- task pane -----------------------------------------------------------------------------

useFluent();
let pane: PaneController | null = null;
function openPane(): void {
  paneAside.setAttribute("data-open", "true");
  paneToggle.setAttribute("aria-pressed", "true");
  if (!pane) {
    pane = mountTaskPane(paneRoot, {
      item: (office as unknown as typeof Office).context.mailbox.item as unknown as Office.MessageCompose,
      lang,
      config: resolveConfig(),
      getToken: (interactive) => acquireToken(tokenProviders(), interactive, 10000),
      send: () => send(),
    });
  } else {
    void pane.refresh();
  }
}
paneToggle.addEventListener("click", () => {
  if (paneAside.getAttribute("data-open") === "true") {
    paneAside.setAttribute("data-open", "false");
    paneToggle.setAttribute("aria-pressed", "false");
  } else {
    openPane();
  }
});

// ---- Send: the launch event, then Outlook's Smart Alerts dialog ------------------------------

function renderMarkdown(markdown: string): HTMLElement {
  // The Smart Alerts subset: **bold**, "- item\r" lists, blank-line paragraphs; escapes with "\".
  const container = h("div", { class: "sb-dialog-text" });
  const unescape = (s: string): string => s.replace(/\\(.)/g, "$1");
  const inline = (text: string): (Node | string)[] =>
    text
      .split(/(\*\*(?:\\.|[^*])+\*\*)/)
      .map((part) =>
        part.startsWith("**") && part.endsWith("**")
          ? h("strong", {}, unescape(part.slice(2, -2)))
          : unescape(part),
      );
  for (const block of markdown.split(/\n\n/)) {
    const items = block.split("\r").filter((x) => x.trim().startsWith("- "));
    if (items.length > 0)
      container.append(
        h(
          "ul",
          {},
          items.map((i) => h("li", {}, ...inline(i.trim().slice(2)))),
        ),
      );
    else container.append(h("p", {}, ...inline(block)));
  }
  return container;
}

function showDialog(completion: Completion | null): Promise<"send" | "cancel"> {
  return new Promise((resolve) => {
    const close = (choice: "send" | "cancel"): void => {
      dialog.close();
      dialog.remove();
      resolve(choice);
    };
    const prompt = completion?.sendModeOverride === "promptUser";
    const message = completion
      ? completion.errorMessageMarkdown
        ? renderMarkdown(completion.errorMessageMarkdown)
        : h(
            "div",
            { class: "sb-dialog-text" },
            ...(completion.errorMessage ?? "").split("\n").map((l) => h("p", {}, l)),
          )
      : h("div", { class: "sb-dialog-text" }, h("p", {}, ui.unavailable));
    const cancel = h(
      "button",
      {
        type: "button",
        class: "sb-dialog-primary",
        "data-testid": "dialog-cancel",
        onclick: () => {
          close("cancel");
          if (completion?.commandId === "msgComposeOpenPaneButton") openPane();
        },
      },
      completion?.cancelLabel ?? ui.dontSend,
    );
    const dialog = h(
      "dialog",
      { class: "sb-dialog", "aria-labelledby": "sb-dialog-title", "data-testid": "smart-alert" },
      h("h2", { id: "sb-dialog-title" }, "ClinicMail"),
      message,
      h(
        "div",
        { class: "sb-dialog-actions" },
        prompt || !completion
          ? h(
              "button",
              { type: "button", "data-testid": "dialog-send-anyway", onclick: () => close("send") },
              ui.sendAnyway,
            )
          : null,
        cancel,
      ),
    );
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close("cancel");
    });
    dialogHost.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** The sandbox's Send also drops the mail in the local host's .data/mail-sent folder (development
 * route), where record filing picks it up as Sent Items would be read in production. */
async function recordSent(mail: SentMail, bodyText: string): Promise<void> {
  try {
    await fetch(`${apiBase}/api/dev/mail-sent`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ to: mail.to, cc: mail.cc, subject: mail.subject, bodyText }),
    });
  } catch {
    // The sandbox works without a local host that files (e.g. the add-in served alone).
  }
}

function deliver(how: SentMail["how"], decisionMs: number): void {
  const s = model.state;
  const mail: SentMail = {
    to: s.to.map((r) => r.address),
    cc: s.cc.map((r) => r.address),
    bcc: s.bcc.map((r) => r.address),
    subject: s.subject,
    bodyText: htmlToText(s.bodyHtml).trim().slice(0, 200),
    decisionMs,
    how,
  };
  state.sent.push(mail);
  void recordSent(mail, htmlToText(s.bodyHtml));
  sentList.prepend(
    h(
      "li",
      { "data-testid": "sent-item", "data-how": how },
      h("strong", {}, mail.subject || "—"),
      h("div", {}, `${ui.to}: ${mail.to.join("; ") || "—"}`),
      mail.cc.length ? h("div", {}, `${ui.cc}: ${mail.cc.join("; ")}`) : null,
      mail.bcc.length ? h("div", {}, `${ui.bcc}: ${mail.bcc.join("; ")}`) : null,
    ),
  );
  sendStatus.textContent = `${ui.sentOk} ✓ — ${ui.decisionIn.replace("{ms}", String(decisionMs))}`;
  sendStatus.setAttribute("data-state", "sent");
  model.reset({});
}

async function send(): Promise<boolean> {
  if (state.busy) return false;
  state.busy = true;
  sendButton.setAttribute("disabled", "");
  sendStatus.textContent = ui.checking;
  sendStatus.setAttribute("data-state", "checking");
  try {
    const handler = associations.get("onMessageSendHandler");
    const started = performance.now();
    const completion = handler
      ? await new Promise<Completion>((resolve) => {
          void handler({ type: "olkMessageSend", completed: (options: Completion) => resolve(options) });
        })
      : null;
    const elapsed = Math.round(performance.now() - started);
    state.lastCompletion = completion;
    state.lastElapsedMs = elapsed;
    if (completion?.allowEvent) {
      deliver("allowed", elapsed);
      return true;
    }
    sendStatus.textContent = `${ui.decisionIn.replace("{ms}", String(elapsed))}`;
    sendStatus.setAttribute("data-state", "stopped");
    const choice = await showDialog(completion);
    if (choice === "send") {
      deliver("send_anyway", elapsed);
      return true;
    }
    return false;
  } finally {
    state.busy = false;
    sendButton.removeAttribute("disabled");
  }
}
sendButton.addEventListener("click", () => void send());

// ---- API health ----------------------------------------------------------------------------

async function checkHealth(): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1500);
  try {
    const response = await fetch(`${apiBase}/api/health`, { signal: controller.signal });
    apiBadge.textContent = response.ok ? ui.up : `${ui.down} (${response.status})`;
    apiBadge.setAttribute("data-up", String(response.ok));
  } catch {
    apiBadge.textContent = ui.down;
    apiBadge.setAttribute("data-up", "false");
  } finally {
    clearTimeout(timer);
  }
}

// ---- start ---------------------------------------------------------------------------------

function loadLaunchEvent(): Promise<void> {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "/launchevent.js";
    script.onload = () => resolve();
    script.onerror = () => resolve(); // Send then shows the "add-in unavailable" dialog.
    document.head.append(script);
  });
}

renderFromModel();
void checkHealth();
void loadLaunchEvent().then(() => {
  document.body.setAttribute("data-ready", "true");
});
openPane();
