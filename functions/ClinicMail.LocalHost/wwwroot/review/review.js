// ClinicMail compliance review page. No framework, no third-party code: it calls the reviewer API
// (/api/v1/audit/*) with a bearer token and draws its charts as plain SVG. Everything it shows is
// ids, codes, counts and hashes: the audit log never holds message content (Rule 10).
"use strict";

const TEXT = {
  fr: {
    skip: "Aller aux résultats", filters: "Filtres", from: "Du", to: "Au (exclu)",
    physician: "Médecin (oid ou tid/oid)", patient: "Patient (identifiant)", decision: "Décision", any: "Toutes",
    allow: "Permis", warn: "Avertissement", block: "Bloqué", reason: "Code de motif", category: "Catégorie sensible",
    override: "Dérogation", yes: "Oui", no: "Non", event: "Code d'événement", search: "Rechercher", reset: "Effacer",
    exportCsv: "Exporter CSV", exportJsonl: "Exporter JSON Lines", verify: "Vérifier l'intégrité",
    verifyHeading: "Intégrité du journal", charts: "Tableaux", chartDecisions: "Décisions par jour",
    chartReasons: "Principaux motifs", chartOverrides: "Dérogations par médecin",
    chartCategories: "Catégories sensibles dans le temps", results: "Résultats",
    resultsCaption: "Enregistrements d'audit, du plus récent au plus ancien", colSeq: "N°", colAt: "Moment (UTC)",
    colEvent: "Événement", colPhysician: "Médecin", colDecision: "Décision", colReasons: "Motifs", colDetail: "Détail",
    more: "Page suivante", detail: "Détail de l'enregistrement", close: "Fermer le détail", open: "Ouvrir",
    openRecord: (n) => `Ouvrir l'enregistrement ${n}`, loading: "Chargement…",
    found: (n, more) => `${n} enregistrement(s) affiché(s)${more ? "; d'autres pages suivent." : "."}`,
    scoped: " Vous ne voyez que vos propres enregistrements.", none: "Aucune donnée.",
    tokenSet: "Jeton enregistré pour cette session.",
    exportDone: (f) => `Exportation ${f} téléchargée (consignée au journal).`, error: (s, d) => `Erreur ${s} : ${d}`,
    justification: "Justification", justificationGone: "Texte retiré (conservation).", matches: "Conforme à la chaîne",
    altered: "MODIFIÉ depuis l'enregistrement", data: "Données", hash: "Empreinte", prevHash: "Empreinte précédente",
    check: "Vérification", subject: "Sujet", day: "Jour", count: "Nombre",
    chartSummary: (n) => `${n} point(s) de données.`,
    filedHeading: "Document classé au dossier",
    filedHelp: "Choisissez un fichier classé (rendu PDF, ressource FHIR ou pièce jointe) : son empreinte SHA-256 est calculée dans ce navigateur et comparée au journal d'audit. Le fichier n'est pas envoyé.",
    filedFile: "Fichier classé", filedVerify: "Vérifier le document", filedChoose: "Choisissez d'abord un fichier.",
    filedHashing: "Calcul de l'empreinte…",
    filedMatch: (id, part, seq) => `Conforme : ce fichier est le ${FILED_PARTS.fr[part] || part} du classement ${id}, consigné à l'enregistrement d'audit n° ${seq}.`,
    filedNoMatch: "Aucune correspondance : ce fichier n'est pas celui que le journal d'audit a consigné (modifié, ou jamais classé).",
    filedSha: (h) => `SHA-256 : ${h}`,
  },
  en: {
    skip: "Skip to results", filters: "Filters", from: "From", to: "To (exclusive)",
    physician: "Physician (oid or tid/oid)", patient: "Patient (id)", decision: "Decision", any: "Any",
    allow: "Allowed", warn: "Warning", block: "Blocked", reason: "Reason code", category: "Sensitive category",
    override: "Override", yes: "Yes", no: "No", event: "Event code", search: "Search", reset: "Clear",
    exportCsv: "Export CSV", exportJsonl: "Export JSON Lines", verify: "Verify integrity",
    verifyHeading: "Log integrity", charts: "Charts", chartDecisions: "Decisions per day", chartReasons: "Top reasons",
    chartOverrides: "Overrides by physician", chartCategories: "Sensitive categories over time", results: "Results",
    resultsCaption: "Audit records, newest first", colSeq: "No.", colAt: "Time (UTC)", colEvent: "Event",
    colPhysician: "Physician", colDecision: "Decision", colReasons: "Reasons", colDetail: "Detail",
    more: "Next page", detail: "Record detail", close: "Close detail", open: "Open",
    openRecord: (n) => `Open record ${n}`, loading: "Loading…",
    found: (n, more) => `${n} record(s) shown${more ? "; more pages follow." : "."}`,
    scoped: " You see only your own records.", none: "No data.",
    tokenSet: "Token saved for this session.",
    exportDone: (f) => `${f} export downloaded (recorded in the log).`, error: (s, d) => `Error ${s}: ${d}`,
    justification: "Justification", justificationGone: "Text removed (retention).", matches: "Matches the chain",
    altered: "ALTERED since it was recorded", data: "Data", hash: "Hash", prevHash: "Previous hash",
    check: "Check", subject: "Subject", day: "Day", count: "Count",
    chartSummary: (n) => `${n} data point(s).`,
    filedHeading: "Document filed to the record",
    filedHelp: "Choose a filed file (PDF rendition, FHIR resource or attachment): its SHA-256 is computed in this browser and compared with the audit log. The file is not sent.",
    filedFile: "Filed file", filedVerify: "Verify the document", filedChoose: "Choose a file first.",
    filedHashing: "Computing the hash…",
    filedMatch: (id, part, seq) => `Matches: this file is the ${FILED_PARTS.en[part] || part} of filing ${id}, recorded in audit record no. ${seq}.`,
    filedNoMatch: "No match: this file is not the one the audit log recorded (altered, or never filed).",
    filedSha: (h) => `SHA-256: ${h}`,
  },
};

const FILED_PARTS = {
  fr: { rendition: "rendu PDF", resource: "ressource FHIR", attachment: "pièce jointe" },
  en: { rendition: "PDF rendition", resource: "FHIR resource", attachment: "attachment" },
};
const COLORS = { allow: "#2e7d32", warn: "#b26a00", block: "#c62828" };
const SERIES = ["#0b5cad", "#8e24aa", "#00897b", "#e65100", "#5d4037", "#c2185b", "#455a64", "#7cb342"];
const state = { lang: "fr", next: null, lastStats: null };
const $ = (id) => document.getElementById(id);
const t = (key, ...args) => { const v = TEXT[state.lang][key]; return typeof v === "function" ? v(...args) : v; };

// The shared header (../shared/page-session.js) calls this after it has switched the page's language.
function setLanguage(lang) {
  state.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("#results tbody button").forEach((b) => { b.textContent = t("open"); b.setAttribute("aria-label", t("openRecord", b.dataset.seq)); });
  // Rows, status and charts hold translated words: draw them again in the new language.
  if (ClinicMailPage.token() && $("results").querySelector("tbody tr")) search(false);
}

function query(extra = {}) {
  const form = new FormData($("filters"));
  const params = new URLSearchParams();
  for (const [k, v] of form.entries()) if (String(v).trim() !== "") params.set(k, String(v).trim());
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) params.set(k, v);
  return params;
}

// The shared fetch helper: the bearer token (MSAL's in production), the page's language, refusals in words.
const api = (path, options = {}) => ClinicMailPage.request(path, options);

function status(text) { $("status").textContent = text; }

async function search(append) {
  status(t("loading"));
  try {
    const params = query({ limit: "50", cursor: append ? state.next : null });
    const page = await (await api(`/api/v1/audit/records?${params}`)).json();
    const body = $("results").querySelector("tbody");
    if (!append) body.replaceChildren();
    for (const item of page.items) body.appendChild(row(item));
    state.next = page.next || null;
    $("more").hidden = !state.next;
    status(t("found", body.children.length, Boolean(state.next)) + (page.scopedToCaller ? t("scoped") : ""));
    if (!append) await stats();
  } catch (e) { status(e.message); }
}

function cell(text, className) { const td = document.createElement("td"); td.textContent = text ?? ""; if (className) td.className = className; return td; }

function row(item) {
  const tr = document.createElement("tr");
  const reasons = (item.data.reasonCodes || item.data.overriddenCodes || item.data.refusedCodes || []).join(", ");
  tr.append(cell(String(item.seq)), cell(item.at.slice(0, 23).replace("T", " ")), cell(`${item.event} ${item.eventName}`),
    cell(item.actorObjectId, "mono"), cell(item.decision ? t(item.decision) : "", item.decision ? `decision-${item.decision}` : ""), cell(reasons, "mono"));
  const td = document.createElement("td");
  const button = document.createElement("button");
  button.type = "button"; button.dataset.seq = String(item.seq); button.textContent = t("open");
  button.setAttribute("aria-label", t("openRecord", item.seq));
  button.addEventListener("click", () => detail(item.seq, button));
  td.appendChild(button); tr.appendChild(td);
  return tr;
}

let detailOpener = null;
async function detail(seq, opener) {
  try {
    const d = await (await api(`/api/v1/audit/records/${seq}`)).json();
    const list = $("detail-list");
    list.replaceChildren();
    const add = (term, value, mono) => {
      const dt = document.createElement("dt"); dt.textContent = term;
      const dd = document.createElement("dd"); if (mono) dd.className = "mono";
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value ?? "—";
      list.append(dt, dd);
    };
    const r = d.record;
    add(t("colSeq"), String(r.seq)); add(t("colAt"), r.at); add(t("colEvent"), `${r.event} ${r.eventName}`);
    add(t("colPhysician"), [r.actorTenantId, r.actorObjectId].filter(Boolean).join(" / "), true);
    add(t("check"), r.checkId, true); add(t("subject"), r.subjectId, true);
    add(t("colDecision"), r.decision ? t(r.decision) : null);
    const pre = document.createElement("pre"); pre.textContent = JSON.stringify(r.data, null, 2); add(t("data"), pre);
    if (d.justification) {
      const j = d.justification;
      add(t("justification"), j.retained ? `${j.code} — ${j.text} (${j.matchesChain ? t("matches") : t("altered")})` : `${j.code} — ${t("justificationGone")}`);
    }
    add(t("prevHash"), r.previousHash, true); add(t("hash"), r.hash, true);
    detailOpener = opener;
    $("detail").hidden = false;
    $("detail-heading").focus();
  } catch (e) { status(e.message); }
}

async function stats() {
  try {
    state.lastStats = await (await api(`/api/v1/audit/stats?${query()}`)).json();
    drawCharts(state.lastStats);
  } catch (e) { status(e.message); }
}

const SVGNS = "http://www.w3.org/2000/svg";
function svg(width, height, labelledBy, summary) {
  const s = document.createElementNS(SVGNS, "svg");
  s.setAttribute("viewBox", `0 0 ${width} ${height}`); s.setAttribute("role", "img"); s.setAttribute("aria-labelledby", labelledBy);
  const desc = document.createElementNS(SVGNS, "desc"); desc.textContent = summary; s.appendChild(desc);
  return s;
}
function el(name, attrs, text) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}
function empty(container) { const p = document.createElement("p"); p.className = "empty"; p.textContent = t("none"); container.replaceChildren(p); }
function legend(container, entries) {
  const div = document.createElement("div"); div.className = "legend";
  for (const [label, color] of entries) { const span = document.createElement("span"); span.style.setProperty("--swatch", color); span.textContent = label; div.appendChild(span); }
  container.appendChild(div);
}

/** Stacked bars: one column per day, allow/warn/block stacked. */
function drawDecisions(container, days) {
  if (!days.length) return empty(container);
  const W = 480, H = 220, P = 30, max = Math.max(...days.map((d) => d.allow + d.warn + d.block), 1);
  const bw = Math.min(40, Math.max(4, (W - P * 2) / days.length - 4));
  const s = svg(W, H, "c1", days.map((d) => `${d.day}: ${t("allow")} ${d.allow}, ${t("warn")} ${d.warn}, ${t("block")} ${d.block}`).join("; "));
  s.appendChild(el("line", { x1: P, y1: H - P, x2: W - P / 2, y2: H - P, stroke: "#999" }));
  s.appendChild(el("text", { x: 2, y: P - 8, "font-size": 10, fill: "#555" }, String(max)));
  days.forEach((d, i) => {
    let y = H - P; const x = P + i * (bw + 4);
    for (const key of ["allow", "warn", "block"]) {
      const h = (d[key] / max) * (H - P * 2);
      if (h > 0) { const r = el("rect", { x, y: y - h, width: bw, height: h, fill: COLORS[key] }); r.appendChild(el("title", {}, `${d.day} ${t(key)}: ${d[key]}`)); s.appendChild(r); }
      y -= h;
    }
    if (days.length <= 14 || i % Math.ceil(days.length / 7) === 0) s.appendChild(el("text", { x, y: H - P + 14, "font-size": 9, fill: "#555" }, d.day.slice(5)));
  });
  container.replaceChildren(s);
  legend(container, ["allow", "warn", "block"].map((k) => [t(k), COLORS[k]]));
}

/** Horizontal bars for ranked counts. */
function drawRanked(container, rows, labelledBy) {
  if (!rows.length) return empty(container);
  const W = 480, rowH = 22, H = rows.length * rowH + 10, labelW = 200, max = Math.max(...rows.map((r) => r.count), 1);
  const s = svg(W, H, labelledBy, rows.map((r) => `${r.code}: ${r.count}`).join("; "));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH, w = ((W - labelW - 40) * r.count) / max;
    const label = r.code.length > 30 ? `…${r.code.slice(-29)}` : r.code;
    s.appendChild(el("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", "font-size": 11, fill: "#1b1b1b" }, label));
    const bar = el("rect", { x: labelW, y: y + 3, width: Math.max(w, 1), height: rowH - 8, fill: SERIES[0] });
    bar.appendChild(el("title", {}, `${r.code}: ${r.count}`)); s.appendChild(bar);
    s.appendChild(el("text", { x: labelW + w + 4, y: y + 14, "font-size": 11, fill: "#555" }, String(r.count)));
  });
  container.replaceChildren(s);
}

/** One line per category over the days. */
function drawCategories(container, points) {
  if (!points.length) return empty(container);
  const days = [...new Set(points.map((p) => p.day))].sort();
  const cats = [...new Set(points.map((p) => p.category))].sort();
  const W = 480, H = 220, P = 30, max = Math.max(...points.map((p) => p.count), 1);
  const x = (i) => P + (days.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (days.length - 1));
  const y = (v) => H - P - (v / max) * (H - 2 * P);
  const s = svg(W, H, "c4", points.map((p) => `${p.day} ${p.category}: ${p.count}`).join("; "));
  s.appendChild(el("line", { x1: P, y1: H - P, x2: W - P / 2, y2: H - P, stroke: "#999" }));
  s.appendChild(el("text", { x: 2, y: P - 8, "font-size": 10, fill: "#555" }, String(max)));
  cats.forEach((c, ci) => {
    const color = SERIES[ci % SERIES.length];
    const values = days.map((d) => points.find((p) => p.day === d && p.category === c)?.count ?? 0);
    s.appendChild(el("polyline", { points: values.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    values.forEach((v, i) => { const dot = el("circle", { cx: x(i), cy: y(v), r: 3, fill: color }); dot.appendChild(el("title", {}, `${days[i]} ${c}: ${v}`)); s.appendChild(dot); });
  });
  days.forEach((d, i) => { if (days.length <= 10 || i % Math.ceil(days.length / 6) === 0) s.appendChild(el("text", { x: x(i) - 12, y: H - P + 14, "font-size": 9, fill: "#555" }, d.slice(5))); });
  container.replaceChildren(s);
  legend(container, cats.map((c, ci) => [c, SERIES[ci % SERIES.length]]));
}

function drawCharts(s) {
  drawDecisions($("chart-decisions"), s.decisionsPerDay);
  drawRanked($("chart-reasons"), s.topReasons, "c2");
  drawRanked($("chart-overrides"), s.overridesByPhysician, "c3");
  drawCategories($("chart-categories"), s.categoriesPerDay);
}

async function exportAs(format) {
  status(t("loading"));
  try {
    const params = query({ format });
    const response = await api(`/api/v1/audit/export?${params}`);
    const blob = await response.blob();
    const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "")?.[1] || `clinicmail-audit.${format}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob); link.download = name; link.dataset.testid = "export-link";
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    status(t("exportDone", format.toUpperCase()));
  } catch (e) { status(e.message); }
}

async function verify() {
  status(t("loading"));
  try {
    const v = await (await api("/api/v1/audit/verify")).json();
    const box = $("verify-result");
    box.hidden = false; box.className = v.ok ? "ok" : "broken"; box.dataset.ok = String(v.ok);
    $("verify-text").textContent = v.message;
    status("");
  } catch (e) { status(e.message); }
}

document.addEventListener("DOMContentLoaded", async () => {
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); search(false); });
  $("more").addEventListener("click", () => search(true));
  $("export-csv").addEventListener("click", () => exportAs("csv"));
  $("export-jsonl").addEventListener("click", () => exportAs("jsonl"));
  $("verify").addEventListener("click", verify);
  $("detail-close").addEventListener("click", () => { $("detail").hidden = true; detailOpener?.focus(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("detail").hidden) $("detail-close").click(); });
  // The header and the sign-in (MSAL in production, the development issuer locally) are shared with /clinic/.
  await ClinicMailPage.mount({
    title: { fr: "Revue de conformité", en: "Compliance review" },
    storageKey: "clinicmail.review.token",
    devRoles: [{ value: "ComplianceReviewer", fr: "Réviseur de conformité", en: "Compliance reviewer" }],
    onLanguage: setLanguage,
    onSignedIn: () => { ClinicMailPage.status(t("tokenSet")); search(false); },
  });
  document.body.dataset.ready = "true";
});

// A filed document against the audit record (issue 19): only the SHA-256 leaves the browser; the
// server looks it up among the RecordFiled records (POST /api/v1/record-filing/verify, ComplianceReviewer).
async function verifyFiled(event) {
  event.preventDefault();
  const file = $("filed-file").files[0];
  const text = $("filed-text");
  $("filed-result").classList.remove("match", "nomatch");
  $("filed-hash").textContent = "";
  if (!file) { text.textContent = t("filedChoose"); return; }
  text.textContent = t("filedHashing");
  try {
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    const result = await (await api("/api/v1/record-filing/verify", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sha256 }),
    })).json();
    text.textContent = result.matched ? t("filedMatch", result.filingId, result.part, result.auditSequence) : t("filedNoMatch");
    $("filed-result").classList.add(result.matched ? "match" : "nomatch");
    $("filed-hash").textContent = t("filedSha", sha256);
  } catch (e) { text.textContent = e.message; }
}

document.addEventListener("DOMContentLoaded", () => { $("filed-form").addEventListener("submit", verifyFiled); });

