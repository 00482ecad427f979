// The clinic page's "awaiting answer" section (issue 18): messages received by the watched mailboxes
// that still wait for an answer, overdue first, and the share answered within the delay per week.
// Its own module so the shared page (clinic.js) is untouched: it reads the same session token and
// follows the page's language (the <html lang> attribute clinic.js sets). Ids and times only.
"use strict";
(() => {
  const TEXT = {
    fr: {
      refresh: "Actualiser", intro: "Les plus en retard d'abord, puis les urgents, puis par échéance.",
      none: "Aucun courriel n'attend de réponse.", failed: "La liste n'a pas pu être chargée : ",
      caption: "Courriels en attente de réponse", mailbox: "Boîte", patient: "Patient", sender: "Expéditeur", received: "Reçu",
      due: "Échéance", status: "État", overdue: "En retard", urgent: "Urgent", onTime: "Dans le délai", unknownPatient: "—",
      weeks: "Part des réponses dans le délai, par semaine", week: "Semaine du", total: "Reçus", answered: "Répondus à temps",
      late: "Répondus en retard", open: "Sans réponse", share: "Part dans le délai", count: (n) => `${n} courriel(s) en attente.`,
      classes: { patient_with_consent: "Patient (consentement)", patient_without_consent: "Patient sans consentement", unknown: "Adresse inconnue", third_party_address: "Adresse d'un tiers" },
    },
    en: {
      refresh: "Refresh", intro: "Overdue first, then urgent, then by deadline.",
      none: "No e-mail is waiting for an answer.", failed: "The list could not be loaded: ",
      caption: "E-mails awaiting an answer", mailbox: "Mailbox", patient: "Patient", sender: "Sender", received: "Received",
      due: "Due", status: "Status", overdue: "Overdue", urgent: "Urgent", onTime: "Within the delay", unknownPatient: "—",
      weeks: "Share answered within the delay, per week", week: "Week of", total: "Received", answered: "Answered on time",
      late: "Answered late", open: "Unanswered", share: "Share on time", count: (n) => `${n} e-mail(s) awaiting an answer.`,
      classes: { patient_with_consent: "Patient (consent)", patient_without_consent: "Patient without consent", unknown: "Unknown address", third_party_address: "Third-party address" },
    },
  };
  const lang = () => (document.documentElement.lang === "en" ? "en" : "fr");
  const t = (key, ...args) => { const v = TEXT[lang()][key]; return typeof v === "function" ? v(...args) : v; };
  const el = (tag, props = {}, ...children) => { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; };
  const when = (iso) => new Date(iso).toLocaleString(lang() === "en" ? "en-CA" : "fr-CA", { dateStyle: "medium", timeStyle: "short" });
  let last = null;
  let error = null;

  function table(caption, headers, rows) {
    const head = el("tr", {}, ...headers.map((h) => el("th", { scope: "col", textContent: h })));
    return el("table", {}, el("caption", { textContent: caption }), el("thead", {}, head), el("tbody", {}, ...rows));
  }

  function render() {
    const root = document.getElementById("incoming-awaiting");
    if (!root) return;
    const refresh = el("button", { type: "button", textContent: t("refresh") });
    refresh.addEventListener("click", load);
    const status = el("p", { role: "status", textContent: error ? t("failed") + error : last ? (last.awaiting.length ? t("count", last.awaiting.length) : t("none")) : "" });
    const parts = [el("p", { textContent: t("intro") }), refresh, status];
    if (last && last.awaiting.length) {
      parts.push(table(t("caption"), [t("mailbox"), t("patient"), t("sender"), t("received"), t("due"), t("status")], last.awaiting.map((a) => el("tr", {},
        el("td", { textContent: a.mailbox }), el("td", { className: "mono", textContent: a.patientId || t("unknownPatient") }),
        el("td", { textContent: TEXT[lang()].classes[a.senderClass] || a.senderClass }), el("td", { textContent: when(a.receivedAt) }),
        el("td", { textContent: when(a.dueAt) }),
        el("td", { textContent: [a.overdue ? t("overdue") : t("onTime"), a.urgent ? t("urgent") : ""].filter(Boolean).join(" · ") })))));
    }
    if (last && last.weeks.length) {
      parts.push(table(t("weeks"), [t("week"), t("total"), t("answered"), t("late"), t("open"), t("share")], last.weeks.map((w) => el("tr", {},
        el("td", { textContent: w.weekStart }), el("td", { textContent: String(w.received) }), el("td", { textContent: String(w.answeredOnTime) }),
        el("td", { textContent: String(w.answeredLate) }), el("td", { textContent: String(w.open) }),
        el("td", { textContent: w.shareOnTime == null ? "—" : `${Math.round(w.shareOnTime * 100)} %` })))));
    }
    root.replaceChildren(...parts);
  }

  async function load() {
    const token = sessionStorage.getItem("clinicmail.clinic.token");
    if (!token) return;
    try {
      const response = await fetch("/api/v1/mail/awaiting", { headers: { Authorization: `Bearer ${token}`, "Accept-Language": lang() } });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        throw new Error(problem?.detail || problem?.title || String(response.status));
      }
      last = await response.json();
      error = null;
    } catch (e) {
      last = null;
      error = e.message;
    }
    render();
  }

  document.addEventListener("DOMContentLoaded", () => {
    render();
    // Re-render in the page's language, and load when the page shows its workspace (signed in).
    new MutationObserver(render).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    const workspace = document.getElementById("workspace");
    if (workspace) {
      new MutationObserver(() => { if (!workspace.hidden) load(); }).observe(workspace, { attributes: true, attributeFilter: ["hidden"] });
      if (!workspace.hidden) load();
    }
  });
})();
