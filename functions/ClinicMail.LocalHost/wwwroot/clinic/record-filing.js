// Record filing (issue 19, docs/record-filing.md): the clinic page's section for ClinicAdmin — counts,
// exchanges waiting for a person to confirm the patient, failed filings (retry). Its own module so the
// shared page (clinic.js) is not edited: it reads the same session token and follows the page's language.
"use strict";
(() => {
  const TEXT = {
    fr: {
      heading: "Classement au dossier", refresh: "Actualiser",
      counts: (c) => `${c.pending} en attente · ${c.delivered} classés · ${c.failed} en échec · ${c.toConfirm} à confirmer · ${c.notRegistered} hors registre (comptés, non conservés)`,
      degraded: "Attention : des classements ont échoué ou attendent trop longtemps.",
      toConfirm: "À confirmer", failed: "En échec", none: "Aucun.",
      colWhen: "Date", colKind: "Source", colReason: "Motif", colPatient: "Patient", colAction: "Action",
      confirm: "Classer", dismiss: "Écarter", retry: "Relancer", choose: "Patient du dossier",
      reasons: { shared_address: "adresse partagée", third_party_address: "adresse d'un tiers", several_patients: "plusieurs patients" },
      kinds: { "secure-message": "message sécurisé", "secure-reply": "réponse sécurisée", "sent-mail": "courriel envoyé", "incoming-mail": "courriel reçu", acknowledgement: "accusé de réception" },
      done: "Enregistré.", error: (m) => `Échec : ${m}`,
    },
    en: {
      heading: "Filing to the record", refresh: "Refresh",
      counts: (c) => `${c.pending} pending · ${c.delivered} filed · ${c.failed} failed · ${c.toConfirm} to confirm · ${c.notRegistered} not in the registry (counted, not kept)`,
      degraded: "Attention: filings failed or have waited too long.",
      toConfirm: "To confirm", failed: "Failed", none: "None.",
      colWhen: "Date", colKind: "Source", colReason: "Reason", colPatient: "Patient", colAction: "Action",
      confirm: "File", dismiss: "Dismiss", retry: "Retry", choose: "Record's patient",
      reasons: { shared_address: "shared address", third_party_address: "third-party address", several_patients: "several patients" },
      kinds: { "secure-message": "secure message", "secure-reply": "secure reply", "sent-mail": "sent mail", "incoming-mail": "incoming mail", acknowledgement: "acknowledgement" },
      done: "Saved.", error: (m) => `Failed: ${m}`,
    },
  };
  const section = document.getElementById("record-filing");
  if (!section) return;
  const lang = () => (document.documentElement.lang === "en" ? "en" : "fr");
  const t = (key) => TEXT[lang()][key];
  const token = () => sessionStorage.getItem("clinicmail.clinic.token") || "";
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };
  let last = null;

  async function api(path, method = "GET", json) {
    const response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token()}`, "Accept-Language": lang(), ...(json ? { "Content-Type": "application/json" } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (response.status === 204) return null;
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(body?.detail || String(response.status));
    return body;
  }

  function table(items, withCandidates) {
    if (items.length === 0) return el("p", {}, t("none"));
    const head = el("tr", {}, ...[t("colWhen"), t("colKind"), withCandidates ? t("colReason") : "Code", withCandidates ? t("colPatient") : "", t("colAction")]
      .filter((h) => h !== "").map((h) => el("th", { scope: "col" }, h)));
    const rows = items.map((item) => {
      const cells = [
        el("td", {}, new Date(item.createdAt).toLocaleString(lang() === "en" ? "en-CA" : "fr-CA")),
        el("td", {}, TEXT[lang()].kinds[item.sourceKind] ?? item.sourceKind),
        el("td", {}, withCandidates ? (TEXT[lang()].reasons[item.confirmReason] ?? item.confirmReason ?? "") : (item.error ?? "")),
      ];
      if (withCandidates) {
        const id = `filing-choose-${item.id}`;
        const select = el("select", { id }, ...item.candidates.map((c) => el("option", { value: c.patientId }, `${c.name} (${c.clinicPatientId})`)));
        cells.push(el("td", {}, el("label", { for: id, class: "visually-hidden" }, t("choose")), select));
        cells.push(el("td", {},
          el("button", { type: "button", onclick: () => act(`/api/v1/record-filing/${encodeURIComponent(item.id)}/confirm`, { patientId: select.value }) }, t("confirm")),
          " ",
          el("button", { type: "button", onclick: () => act(`/api/v1/record-filing/${encodeURIComponent(item.id)}/confirm`, { dismiss: true }) }, t("dismiss"))));
      } else {
        cells.push(el("td", {}, el("button", { type: "button", onclick: () => act(`/api/v1/record-filing/${encodeURIComponent(item.id)}/retry`) }, t("retry"))));
      }
      return el("tr", { "data-filing-id": item.id }, ...cells);
    });
    return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
  }

  const status = el("p", { role: "status", "aria-live": "polite" });

  function render() {
    section.replaceChildren(
      el("h2", { id: "filing-heading" }, t("heading")),
      el("button", { type: "button", onclick: () => load() }, t("refresh")),
      status);
    if (!last) return;
    if (last.degraded) section.append(el("p", { class: "note", role: "alert" }, t("degraded")));
    section.append(el("p", { "data-testid": "filing-counts" }, t("counts")(last)),
      el("h3", {}, t("toConfirm")), table(last.toConfirmItems, true),
      el("h3", {}, t("failed")), table(last.failedItems, false));
  }

  async function act(path, json) {
    try {
      await api(path, "POST", json ?? {});
      status.textContent = t("done");
      await load();
    } catch (error) {
      status.textContent = t("error")(error.message);
    }
  }

  async function load() {
    if (!token()) { section.hidden = true; return; }
    try {
      last = await api("/api/v1/record-filing");
      section.hidden = false;
      render();
    } catch {
      section.hidden = true; // not a ClinicAdmin token: the section is not theirs
    }
  }

  new MutationObserver(() => render()).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  window.addEventListener("storage", () => load());
  document.addEventListener("click", (e) => { if (e.target.closest?.("#dev-token, [type=submit]")) setTimeout(load, 800); });
  load();
})();
