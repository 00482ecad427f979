// ClinicMail clinic page (/clinic/): the patient registry, consents and EMR imports for clinic
// administrators. No framework, no third-party code: it calls the registry API (docs/registry.md)
// with a bearer token. Names and addresses travel only in POST bodies, never in this page's URLs.
"use strict";

const TEXT = {
  fr: {
    skip: "Aller à la recherche",
    patients: "Patients", searchLabel: "Nom, identifiant de la clinique ou adresse", search: "Rechercher",
    resultsCaption: "Patients trouvés", colName: "Nom", colClinicId: "Identifiant clinique", colConsent: "Consentement", colOpen: "Fiche",
    open: "Ouvrir", openPatient: (n) => `Ouvrir la fiche de ${n}`, readOnly: "Lecture seule : seuls les administrateurs de la clinique modifient le registre.",
    identity: "Identité", family: "Nom de famille", given: "Prénom", clinicId: "Identifiant de la clinique", language: "Langue",
    terms: "Termes sensibles déclarés (un par ligne)", declaredCategories: "Catégories sensibles déclarées", save: "Enregistrer",
    addresses: "Adresses", address: "Adresse", kind: "Type", thirdParty: "Consentement tiers", verified: "Vérification", colActions: "Actions",
    verifiedOn: "Vérifiée le", verificationMethod: "Méthode de vérification", thirdPartyConsented: "Le patient accepte cette boîte d'un tiers",
    saveAddress: "Ajouter ou modifier l'adresse", remove: "Retirer", removeAddress: (a) => `Retirer l'adresse ${a}`,
    consent: "Consentement", revoke: "Révoquer le consentement", verbal: "Noter un consentement verbal", status: "Statut", method: "Méthode",
    recordedOn: "Date", expiresOn: "Expire le", documentReference: "Référence du document", uses: "Usages",
    categories: "Catégories sensibles acceptées", recordConsent: "Enregistrer le consentement", recordedBy: "Consigné par",
    restriction: "Restriction", reason: "Motif", since: "Depuis", restrict: "Restreindre", unrestrict: "Lever la restriction",
    notRestricted: "Aucune restriction.", restrictedSince: (d, r) => `Restreint depuis le ${d} : ${r}`,
    history: "Historique des changements", when: "Moment", who: "Par", what: "Élément", fields: "Champs", close: "Fermer la fiche",
    import: "Importation du DME (CSV)", importFile: "Fichier CSV exporté du DME", dryRun: "Vérifier (essai à blanc)", apply: "Importer",
    badRows: "Lignes à corriger", line: "Ligne", column: "Colonne", why: "Raison", lastImports: "Dernières importations",
    lookalikes: "Adresses semblables", lookalikesText: "Les adresses enregistrées presque identiques (fautes de frappe probables) s'afficheront ici pour être corrigées à la source.",
    attention: "Consentements à régulariser", attentionText: "Les patients dont le consentement manque, est expiré ou n'est pas documenté comme éclairé s'afficheront ici.",
    incoming: "Courriels reçus en attente de réponse", incomingText: "Cette liste (les plus en retard d'abord) arrivera avec la réception des courriels.",
    filings: "Dépôts au dossier à confirmer", filingsText: "Cette liste arrivera avec le dépôt des échanges au dossier du patient.",
    yes: "Oui", no: "Non", none: "Aucun", noConsent: "Aucun consentement consigné.", loading: "Chargement…",
    tokenSet: "Connecté.",
    refused: "Cette page est réservée aux administrateurs de la clinique et aux médecins.",
    physicianNote: "Connecté comme médecin : lecture seule.",
    found: (n, total) => `${n} patient(s) affiché(s) sur ${total}.`, notFound: "Aucun patient trouvé.",
    saved: "Modifications enregistrées.", addressSaved: "Adresse enregistrée.", addressRemoved: "Adresse retirée.",
    consentSaved: "Consentement enregistré.", revoked: "Consentement révoqué.", restricted: "Patient restreint.", unrestricted: "Restriction levée.",
    confirmRevoke: "Révoquer le consentement en vigueur à compter d'aujourd'hui ?",
    chooseFile: "Choisissez d'abord un fichier CSV.", uploading: (p) => `Envoi du fichier : ${p} %`, processing: "Analyse du fichier…",
    dryRunOk: (r) => `Essai à blanc : ${r.rows} ligne(s), ${r.patients} patient(s) — à ajouter ${r.inserted}, à modifier ${r.updated}, inchangés ${r.unchanged}. Rien n'a été écrit.`,
    applied: (r) => `Importé : ${r.rows} ligne(s), ${r.patients} patient(s) — ajoutés ${r.inserted}, modifiés ${r.updated}, inchangés ${r.unchanged}.`,
    importErrors: (n) => `${n} problème(s) : rien n'a été écrit. Corrigez le fichier et vérifiez-le de nouveau.`,
    logOk: (when, r) => `${when} — importé : ${r.rows} ligne(s), ajoutés ${r.inserted}, modifiés ${r.updated}, inchangés ${r.unchanged}`,
    noImports: "Aucune importation enregistrée.",
    logFailed: (when, name, n) => `${when} — ${name} : refusé (${n} problème(s))`,
    error: (s, d) => `Erreur ${s} : ${d}`,
    conflict: {
      clinic_patient_id_conflict: "Un autre patient porte déjà cet identifiant de la clinique.",
      address_conflict: "Cette adresse appartient déjà à un autre patient (permis seulement si tous l'ont comme adresse familiale partagée).",
      no_consent_to_revoke: "Ce patient n'a aucun consentement en vigueur à révoquer.",
      patient_not_found: "Ce patient n'existe plus dans le registre.",
    },
    enum: {
      personal: "personnelle", employer: "employeur", school: "école", family_shared: "familiale partagée", other_third_party: "autre tiers",
      granted: "accordé", refused: "refusé", revoked: "révoqué", signed_form: "formulaire signé", verbal_noted: "verbal noté au dossier",
      appointments: "rendez-vous", general_advice: "conseils généraux", normal_results: "résultats normaux", results_follow_up: "suivi des résultats",
      patient_health_data: "données de santé du patient", treatment_adjustment: "ajustement du traitement",
      mental_health: "santé mentale", oncology: "oncologie", substance_use: "consommation de substances", sexual_health: "santé sexuelle (ITSS)",
      new_diagnosis: "nouveau diagnostic", new_treatment: "nouveau traitement", emotional: "contenu émotif", patient_declared: "déclaré par le patient",
    },
  },
  en: {
    skip: "Skip to search",
    patients: "Patients", searchLabel: "Name, clinic id or address", search: "Search",
    resultsCaption: "Patients found", colName: "Name", colClinicId: "Clinic id", colConsent: "Consent", colOpen: "Card",
    open: "Open", openPatient: (n) => `Open the card of ${n}`, readOnly: "Read-only: only clinic administrators change the registry.",
    identity: "Identity", family: "Family name", given: "Given name", clinicId: "Clinic patient id", language: "Language",
    terms: "Declared sensitive terms (one per line)", declaredCategories: "Declared sensitive categories", save: "Save",
    addresses: "Addresses", address: "Address", kind: "Kind", thirdParty: "Third-party consent", verified: "Verification", colActions: "Actions",
    verifiedOn: "Verified on", verificationMethod: "Verification method", thirdPartyConsented: "The patient agreed to this third-party mailbox",
    saveAddress: "Add or update the address", remove: "Remove", removeAddress: (a) => `Remove the address ${a}`,
    consent: "Consent", revoke: "Revoke consent", verbal: "Record a verbal consent", status: "Status", method: "Method",
    recordedOn: "Date", expiresOn: "Expires on", documentReference: "Document reference", uses: "Uses",
    categories: "Sensitive categories agreed", recordConsent: "Record the consent", recordedBy: "Recorded by",
    restriction: "Restriction", reason: "Reason", since: "Since", restrict: "Restrict", unrestrict: "Lift the restriction",
    notRestricted: "No restriction.", restrictedSince: (d, r) => `Restricted since ${d}: ${r}`,
    history: "History of changes", when: "When", who: "By", what: "Entity", fields: "Fields", close: "Close the card",
    import: "EMR import (CSV)", importFile: "CSV file exported from the EMR", dryRun: "Check (dry run)", apply: "Import",
    badRows: "Rows to fix", line: "Line", column: "Column", why: "Reason", lastImports: "Last imports",
    lookalikes: "Look-alike addresses", lookalikesText: "Registered addresses that are near misses of each other (likely typos) will be listed here, to fix at the source.",
    attention: "Consents to regularise", attentionText: "Patients whose consent is missing, expired or not documented as informed will be listed here.",
    incoming: "Incoming mail awaiting an answer", incomingText: "This list (overdue first) arrives with incoming-mail handling.",
    filings: "Filings to confirm", filingsText: "This list arrives with filing exchanges to the patient's record.",
    yes: "Yes", no: "No", none: "None", noConsent: "No consent recorded.", loading: "Loading…",
    tokenSet: "Signed in.",
    refused: "This page is for clinic administrators and physicians only.",
    physicianNote: "Signed in as a physician: read-only.",
    found: (n, total) => `${n} of ${total} patient(s) shown.`, notFound: "No patient found.",
    saved: "Changes saved.", addressSaved: "Address saved.", addressRemoved: "Address removed.",
    consentSaved: "Consent recorded.", revoked: "Consent revoked.", restricted: "Patient restricted.", unrestricted: "Restriction lifted.",
    confirmRevoke: "Revoke the consent in force as of today?",
    chooseFile: "Choose a CSV file first.", uploading: (p) => `Uploading the file: ${p}%`, processing: "Checking the file…",
    dryRunOk: (r) => `Dry run: ${r.rows} row(s), ${r.patients} patient(s) — to add ${r.inserted}, to change ${r.updated}, unchanged ${r.unchanged}. Nothing was written.`,
    applied: (r) => `Imported: ${r.rows} row(s), ${r.patients} patient(s) — added ${r.inserted}, changed ${r.updated}, unchanged ${r.unchanged}.`,
    importErrors: (n) => `${n} problem(s): nothing was written. Fix the file and check it again.`,
    logOk: (when, r) => `${when} — imported: ${r.rows} row(s), added ${r.inserted}, changed ${r.updated}, unchanged ${r.unchanged}`,
    noImports: "No import recorded.",
    logFailed: (when, name, n) => `${when} — ${name}: refused (${n} problem(s))`,
    error: (s, d) => `Error ${s}: ${d}`,
    conflict: {
      clinic_patient_id_conflict: "Another patient already has this clinic id.",
      address_conflict: "This address already belongs to another patient (allowed only when every holder has it as a shared family address).",
      no_consent_to_revoke: "This patient has no consent in force to revoke.",
      patient_not_found: "This patient is no longer in the registry.",
    },
    enum: {
      personal: "personal", employer: "employer", school: "school", family_shared: "shared family", other_third_party: "other third party",
      granted: "granted", refused: "refused", revoked: "revoked", signed_form: "signed form", verbal_noted: "verbal, noted in the file",
      appointments: "appointments", general_advice: "general advice", normal_results: "normal results", results_follow_up: "results follow-up",
      patient_health_data: "patient health data", treatment_adjustment: "treatment adjustment",
      mental_health: "mental health", oncology: "oncology", substance_use: "substance use", sexual_health: "sexual health (STBBI)",
      new_diagnosis: "new diagnosis", new_treatment: "new treatment", emotional: "emotional content", patient_declared: "declared by the patient",
    },
  },
};

const KINDS = ["personal", "employer", "school", "family_shared", "other_third_party"];
const STATUSES = ["granted", "refused", "revoked"];
const METHODS = ["signed_form", "verbal_noted"];
const USES = ["appointments", "general_advice", "normal_results", "results_follow_up", "patient_health_data", "treatment_adjustment"];
const CATEGORIES = ["mental_health", "oncology", "substance_use", "sexual_health", "new_diagnosis", "new_treatment", "emotional", "patient_declared"];

const state = { lang: "fr", roles: [], patient: null, history: [], lastResults: null, imports: [], serverImports: null };
const $ = (id) => document.getElementById(id);
const t = (key, ...args) => { const v = TEXT[state.lang][key]; return typeof v === "function" ? v(...args) : v; };
const word = (value) => TEXT[state.lang].enum[value] ?? value;
const canEdit = () => state.roles.includes("ClinicAdmin");

// One fetch helper for the page (../shared/page-session.js): the bearer token, the page's language,
// and a refusal in words (this page's words for the registry's conflict codes). clinic-consent.js uses it too.
const api = (path, options = {}) => ClinicMailPage.json(path, { ...options, known: { ...TEXT[state.lang].conflict, ...(options.known || {}) } });

// The shared header calls this after it has switched the page's language.
function setLanguage(lang) {
  state.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  fillChoices();
  if (state.lastResults) drawResults(state.lastResults);
  if (state.patient) drawCard(state.patient, state.history || []);
  drawImportLog();
}

function options(select, values) {
  const current = select.value;
  select.replaceChildren(...values.map((v) => { const o = document.createElement("option"); o.value = v; o.textContent = word(v); return o; }));
  if (current) select.value = current;
}
function checks(container, name, values) {
  const checked = new Set(checked_(container));
  container.replaceChildren(...values.map((v) => {
    const span = document.createElement("span"); span.className = "checkbox";
    const input = document.createElement("input"); input.type = "checkbox"; input.id = `${name}-${v}`; input.value = v; input.checked = checked.has(v);
    const label = document.createElement("label"); label.htmlFor = input.id; label.textContent = word(v);
    span.append(input, label); return span;
  }));
}
function checked_(container) { return [...container.querySelectorAll("input:checked")].map((i) => i.value); }
function setChecked(container, values) { container.querySelectorAll("input").forEach((i) => { i.checked = (values || []).includes(i.value); }); }
function fillChoices() {
  options($("a-kind"), KINDS); options($("c-status"), STATUSES); options($("c-method"), METHODS);
  checks($("p-categories"), "pc", CATEGORIES); checks($("c-uses"), "cu", USES); checks($("c-categories"), "cc", CATEGORIES);
}

function roles(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return [].concat(payload.roles || []);
  } catch { return []; }
}

function signIn(token) {
  state.roles = roles(token);
  const allowed = state.roles.includes("ClinicAdmin") || state.roles.includes("Physician");
  $("workspace").hidden = !allowed;
  document.body.classList.toggle("readonly", !canEdit());
  $("readonly-note").hidden = canEdit();
  if (!allowed) {
    ClinicMailPage.signOut();
    ClinicMailPage.status(t("refused"), true);
    return;
  }
  ClinicMailPage.status(canEdit() ? t("tokenSet") : t("physicianNote"));
  loadImports();
  $("q").focus();
}

// ---- search and card ----

async function search() {
  const q = $("q").value.trim();
  if (!q) return;
  $("search-status").textContent = t("loading");
  try {
    let patients;
    let total;
    if (q.includes("@")) {
      const r = await api("/api/v1/registry/lookup", { method: "POST", json: { addresses: [q] } });
      patients = r.matches.flatMap((m) => m.patients);
      total = patients.length;
    } else {
      // A clinic id first (exact), then the name (accent- and case-insensitive).
      let r = /\s/.test(q) ? { patients: [], total: 0 } : await api("/api/v1/registry/patients/search", { method: "POST", json: { clinicPatientId: q, pageSize: 50 } });
      if (r.total === 0) r = await api("/api/v1/registry/patients/search", { method: "POST", json: { name: q, pageSize: 50 } });
      patients = r.patients; total = r.total;
    }
    state.lastResults = { patients, total };
    drawResults(state.lastResults);
  } catch (e) { $("search-status").textContent = e.message; }
}

function consentSummary(c) { return c ? `${word(c.status)}${c.method ? ` (${word(c.method)})` : ""}` : t("none"); }

function drawResults({ patients, total }) {
  const body = $("search-results").querySelector("tbody");
  body.replaceChildren(...patients.map((p) => {
    const tr = document.createElement("tr");
    const name = `${p.familyName}, ${p.givenName}`;
    tr.append(cell(name), cell(p.clinicPatientId, "mono"), cell(consentSummary(p.consent)));
    const td = document.createElement("td");
    const b = document.createElement("button"); b.type = "button"; b.textContent = t("open"); b.setAttribute("aria-label", t("openPatient", name));
    b.dataset.patientId = p.id;
    b.addEventListener("click", () => openCard(p.id));
    td.appendChild(b); tr.appendChild(td);
    return tr;
  }));
  $("search-results").hidden = patients.length === 0;
  $("search-status").textContent = patients.length ? t("found", patients.length, total) : t("notFound");
}

function cell(text, className) { const td = document.createElement("td"); td.textContent = text ?? ""; if (className) td.className = className; return td; }

async function openCard(id, message) {
  try {
    const patient = await api(`/api/v1/registry/patients/${encodeURIComponent(id)}`);
    const history = canEdit() ? (await api(`/api/v1/registry/patients/${encodeURIComponent(id)}/history`)).changes : [];
    state.patient = patient; state.history = history;
    drawCard(patient, history);
    $("card").hidden = false;
    $("card-status").textContent = message || "";
    if (!message) $("card-heading").focus();
  } catch (e) { $("search-status").textContent = e.message; }
}

function drawCard(p, history) {
  $("card-heading").textContent = `${p.familyName}, ${p.givenName} — ${p.clinicPatientId}`;
  $("p-family").value = p.familyName; $("p-given").value = p.givenName; $("p-clinic").value = p.clinicPatientId; $("p-lang").value = p.language;
  $("p-terms").value = (p.declaredSensitiveTerms || []).join("\n");
  setChecked($("p-categories"), p.declaredSensitiveCategories);
  for (const el of document.querySelectorAll("#card input, #card select, #card textarea")) el.readOnly = !canEdit();
  for (const el of document.querySelectorAll("#card input[type=checkbox], #card select")) el.disabled = !canEdit();

  $("addresses").querySelector("tbody").replaceChildren(...p.addresses.map((a) => {
    const tr = document.createElement("tr");
    tr.append(cell(a.address, "mono"), cell(word(a.kind)), cell(a.kind === "personal" ? "—" : a.thirdPartyConsented ? t("yes") : t("no")),
      cell(a.verifiedOn ? `${a.verifiedOn}${a.verificationMethod ? ` (${a.verificationMethod})` : ""}` : t("no")));
    const td = document.createElement("td"); td.className = "edit";
    const b = document.createElement("button"); b.type = "button"; b.textContent = t("remove"); b.setAttribute("aria-label", t("removeAddress", a.address));
    b.addEventListener("click", () => act(() => api(`/api/v1/registry/patients/${encodeURIComponent(p.id)}/addresses/remove`, { method: "POST", json: { address: a.address } }), "addressRemoved"));
    td.appendChild(b); tr.appendChild(td);
    return tr;
  }));

  const list = $("consent-view"); list.replaceChildren();
  const add = (term, value) => { const dt = document.createElement("dt"); dt.textContent = term; const dd = document.createElement("dd"); dd.textContent = value || "—"; list.append(dt, dd); };
  const c = p.consent;
  if (!c) add(t("status"), t("noConsent"));
  else {
    add(t("status"), word(c.status)); add(t("method"), c.method ? word(c.method) : null); add(t("recordedOn"), c.recordedOn);
    add(t("uses"), (c.uses || []).map(word).join(", ")); add(t("categories"), (c.categories || []).map(word).join(", "));
    add(t("expiresOn"), c.expiresOn); add(t("documentReference"), c.documentReference); add(t("recordedBy"), c.recordedBy);
  }
  list.dataset.status = c ? c.status : "none";
  $("revoke").disabled = !c || c.status !== "granted";

  $("restriction-view").textContent = p.restriction ? t("restrictedSince", p.restriction.since, p.restriction.reason) : t("notRestricted");
  $("unrestrict").disabled = !p.restriction;

  $("history").querySelector("tbody").replaceChildren(...history.slice().reverse().map((h) => {
    const tr = document.createElement("tr");
    tr.append(cell(String(h.at).slice(0, 19).replace("T", " ")), cell(h.actorId, "mono"), cell(`${h.entity} ${h.operation}`), cell((h.fields || []).join(", "), "mono"));
    return tr;
  }));
}

async function act(call, doneKey) {
  $("card-status").className = "";
  $("card-status").textContent = t("loading");
  try {
    await call();
    await openCard(state.patient.id, t(doneKey));
  } catch (e) {
    // The refusal in words takes the focus, so a keyboard or screen-reader user lands on it.
    $("card-status").className = "problem";
    $("card-status").textContent = e.message;
    $("card-status").focus();
  }
}

const base = () => `/api/v1/registry/patients/${encodeURIComponent(state.patient.id)}`;
const orNull = (v) => (v && v.trim() ? v.trim() : null);

function saveIdentity(e) {
  e.preventDefault();
  const terms = $("p-terms").value.split("\n").map((s) => s.trim()).filter(Boolean);
  act(() => api(base(), { method: "PUT", json: {
    clinicPatientId: $("p-clinic").value.trim(), familyName: $("p-family").value, givenName: $("p-given").value, language: $("p-lang").value,
    declaredSensitiveTerms: terms, declaredSensitiveCategories: checked_($("p-categories")),
  } }), "saved");
}

function saveAddress(e) {
  e.preventDefault();
  act(() => api(`${base()}/addresses`, { method: "PUT", json: {
    address: $("a-address").value.trim(), kind: $("a-kind").value, thirdPartyConsented: $("a-third").checked,
    verifiedOn: orNull($("a-verified").value), verificationMethod: orNull($("a-method").value),
  } }), "addressSaved").then(() => { if ($("card-status").className !== "problem") $("a-address").value = ""; });
}

function saveConsent(e) {
  e.preventDefault();
  const status = $("c-status").value;
  act(() => api(`${base()}/consent`, { method: "PUT", json: {
    status, method: status === "granted" ? $("c-method").value : null, recordedOn: orNull($("c-date").value),
    expiresOn: orNull($("c-expires").value), documentReference: orNull($("c-doc").value),
    uses: checked_($("c-uses")), categories: checked_($("c-categories")),
  } }), "consentSaved");
}

function prepareVerbal() {
  $("c-status").value = "granted"; $("c-method").value = "verbal_noted";
  $("c-date").value = new Date().toISOString().slice(0, 10);
  const c = state.patient?.consent;
  setChecked($("c-uses"), c?.uses?.length ? c.uses : ["appointments"]); setChecked($("c-categories"), c?.categories || []);
  $("c-status").focus();
}

function revoke() {
  if (!window.confirm(t("confirmRevoke"))) return;
  act(() => api(`${base()}/consent/revoke`, { method: "POST", json: {} }), "revoked");
}

function restrict(e) {
  e.preventDefault();
  act(() => api(`${base()}/restrict`, { method: "POST", json: { reason: $("r-reason").value, since: orNull($("r-since").value) } }), "restricted");
}

// ---- import ----

let importFile = null;
async function upload(dryRun) {
  const file = $("import-file").files[0];
  if (!file) { $("import-status").textContent = t("chooseFile"); return Promise.resolve(); }
  importFile = file;
  const bar = $("import-progress");
  bar.hidden = false; bar.value = 0;
  $("import-apply").disabled = true;
  const token = await ClinicMailPage.freshToken();
  return new Promise((resolve) => {
    // XMLHttpRequest, not fetch: it reports upload progress for large files.
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/registry/import${dryRun ? "?dryRun=true" : ""}`);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept-Language", state.lang);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) { bar.value = Math.round((ev.loaded * 100) / ev.total); $("import-status").textContent = t("uploading", bar.value); } };
    xhr.upload.onload = () => { $("import-status").textContent = t("processing"); };
    xhr.onload = () => { bar.hidden = true; importDone(xhr.status, xhr.responseText, dryRun, file.name); resolve(); };
    xhr.onerror = () => { bar.hidden = true; $("import-status").textContent = t("error", 0, ""); resolve(); };
    xhr.send(file);
  });
}

function importDone(status, text, dryRun, name) {
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  const errors = body?.errors && Array.isArray(body.errors) ? body.errors : [];
  const table = $("import-errors");
  table.querySelector("tbody").replaceChildren(...errors.map((e) => {
    const tr = document.createElement("tr");
    tr.append(cell(e.line ? String(e.line) : "—"), cell(e.column || "—", "mono"), cell(state.lang === "en" ? e.messageEn : e.messageFr));
    return tr;
  }));
  table.hidden = errors.length === 0;
  const when = new Date().toLocaleTimeString(state.lang === "en" ? "en-CA" : "fr-CA");
  if (status === 200) {
    $("import-status").textContent = dryRun ? t("dryRunOk", body) : t("applied", body);
    $("import-apply").disabled = !dryRun;
    if (!dryRun) loadImports();
  } else if (status === 422) {
    $("import-status").textContent = t("importErrors", errors.length);
    table.focus(); // the rows to fix: what changed
    state.imports.unshift({ when, name, ok: false, n: errors.length });
  } else {
    $("import-status").textContent = ClinicMailPage.problemWords(state.lang, status, body, TEXT[state.lang].conflict);
  }
  drawImportLog();
}

// The written imports come from the server (GET /api/v1/registry/imports, counts only); refused
// files are not recorded there, so this session's refusals are listed above them.
async function loadImports() {
  if (!canEdit()) return;
  try { state.serverImports = (await api("/api/v1/registry/imports?limit=10")).imports; drawImportLog(); }
  catch (e) { $("import-status").textContent = e.message; }
}

function drawImportLog() {
  const refused = state.imports.slice(0, 5).map((i) => t("logFailed", i.when, i.name, i.n));
  const written = (state.serverImports || []).map((i) => t("logOk", new Date(i.at).toLocaleString(state.lang === "en" ? "en-CA" : "fr-CA"), i));
  const lines = [...refused, ...written];
  $("import-log").replaceChildren(...(lines.length ? lines : [t("noImports")]).map((text) => {
    const li = document.createElement("li"); li.textContent = text; return li;
  }));
}

document.addEventListener("DOMContentLoaded", async () => {
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); search(); });
  $("identity-form").addEventListener("submit", saveIdentity);
  $("address-form").addEventListener("submit", saveAddress);
  $("consent-form").addEventListener("submit", saveConsent);
  $("verbal").addEventListener("click", prepareVerbal);
  $("revoke").addEventListener("click", revoke);
  $("restrict-form").addEventListener("submit", restrict);
  $("unrestrict").addEventListener("click", () => act(() => api(`${base()}/unrestrict`, { method: "POST", json: {} }), "unrestricted"));
  $("card-close").addEventListener("click", () => { $("card").hidden = true; state.patient = null; $("q").focus(); });
  $("import-form").addEventListener("submit", (e) => { e.preventDefault(); upload(true); });
  $("import-apply").addEventListener("click", () => upload(false));
  $("import-file").addEventListener("change", () => { $("import-apply").disabled = true; });
  // The header and the sign-in (MSAL in production, the development issuer locally) are shared with /review/.
  await ClinicMailPage.mount({
    title: { fr: "Registre de la clinique", en: "Clinic registry" },
    storageKey: "clinicmail.clinic.token",
    devRoles: [
      { value: "ClinicAdmin", fr: "Administrateur de la clinique", en: "Clinic administrator" },
      { value: "Physician", fr: "Médecin (lecture seule)", en: "Physician (read-only)" },
      { value: "ComplianceReviewer", fr: "Réviseur de conformité", en: "Compliance reviewer" },
    ],
    onLanguage: setLanguage,
    onSignedIn: signIn,
  });
  document.body.dataset.ready = "true";
});
