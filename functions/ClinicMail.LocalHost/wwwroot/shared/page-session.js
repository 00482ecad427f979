// The web pages' shared header, sign-in and fetch helper (issue 25), used by /clinic/ and /review/:
// - the header: the page's title and the Français/English buttons;
// - the access panel: as GET /api/sign-in-config says, either MSAL (Entra, redirect flow; the
//   bundle /page-signin.js is loaded only then) or the local development issuer (a role and
//   "Development token"); pasting a token works in both;
// - request(): attaches the bearer token and turns a ProblemDetails into words in the page's
//   language (the code's words when the page knows them, else the server's detail and each field).
// No framework, no third-party code in this file. The token stays in this tab's sessionStorage.
"use strict";

window.ClinicMailPage = (() => {
  const TEXT = {
    fr: {
      languageGroup: "Langue / Language", access: "Accès", token: "Jeton d'accès (Bearer)", useToken: "Utiliser ce jeton",
      devRole: "Rôle de développement", devToken: "Jeton de développement", msalSignIn: "Se connecter avec Microsoft",
      msalSignOut: "Se déconnecter", msalRedirecting: "Redirection vers la connexion Microsoft…",
      devUnavailable: "Jeton de développement indisponible (l'application n'est pas en mode développement).",
      configUnavailable: "La configuration de connexion n'a pas pu être lue : rechargez la page.",
      msalUnavailable: "La connexion Microsoft n'a pas pu démarrer : ",
      tokenMissing: "Connectez-vous d'abord.", network: "Le serveur ne répond pas : vérifiez la connexion et réessayez.",
      error: (status, detail) => `Erreur ${status} : ${detail}`,
      status: {
        400: "La demande contient une erreur.", 401: "Votre session a expiré : connectez-vous de nouveau.",
        403: "Votre rôle ne permet pas cette action.", 404: "Introuvable.", 409: "Conflit avec l'état actuel.",
        413: "Trop volumineux.", 422: "Le contenu n'a pas pu être traité.", 429: "Trop de demandes : patientez un moment.",
        500: "Erreur du serveur : réessayez plus tard.", 503: "Service indisponible : réessayez plus tard.",
      },
    },
    en: {
      languageGroup: "Langue / Language", access: "Access", token: "Access token (Bearer)", useToken: "Use this token",
      devRole: "Development role", devToken: "Development token", msalSignIn: "Sign in with Microsoft",
      msalSignOut: "Sign out", msalRedirecting: "Redirecting to the Microsoft sign-in…",
      devUnavailable: "Development token unavailable (the app is not in development mode).",
      configUnavailable: "The sign-in configuration could not be read: reload the page.",
      msalUnavailable: "The Microsoft sign-in could not start: ",
      tokenMissing: "Sign in first.", network: "The server does not answer: check the connection and try again.",
      error: (status, detail) => `Error ${status}: ${detail}`,
      status: {
        400: "The request has an error.", 401: "Your session expired: sign in again.",
        403: "Your role does not allow this.", 404: "Not found.", 409: "Conflict with the current state.",
        413: "Too large.", 422: "The content could not be processed.", 429: "Too many requests: wait a moment.",
        500: "Server error: try again later.", 503: "Service unavailable: try again later.",
      },
    },
  };

  const session = { lang: "fr", storageKey: "", token: "", mode: null, msal: null, options: null };
  const text = (key, ...args) => { const v = TEXT[session.lang][key]; return typeof v === "function" ? v(...args) : v; };
  const byId = (id) => document.getElementById(id);

  /** A failed call, with its message already in the page's words. */
  class PageError extends Error {
    constructor(status, message, problem) { super(message); this.status = status; this.problem = problem; }
  }

  /**
   * Words for a ProblemDetails (RFC 9457) in `lang`: the page's own words for a known `code`
   * (`known[code]`), else the server's detail (the API answers in the Accept-Language it is sent),
   * then each field's message; a bare status gets a sentence of its own.
   */
  function problemWords(lang, status, problem, known = {}) {
    const t = TEXT[lang === "en" ? "en" : "fr"];
    const own = problem && problem.code && known[problem.code];
    const fields = problem && problem.errors && !Array.isArray(problem.errors)
      ? Object.entries(problem.errors).map(([f, m]) => `${f}${lang === "en" ? ":" : " :"} ${[].concat(m).join(" ")}`).join(" ; ")
      : "";
    const detail = own || [problem && (problem.detail || problem.title), fields].filter(Boolean).join(" — ") || t.status[status] || "";
    return t.error(status, detail);
  }

  /** The token to send: MSAL's (silently renewed) in Entra mode, else the one this tab holds. */
  async function currentToken() {
    if (session.msal) {
      const fresh = await session.msal.token();
      if (fresh) remember(fresh);
    }
    return session.token;
  }

  /**
   * fetch() with the bearer token and the page's language. Options: method, json (sent as JSON),
   * body, headers, known (code → words). Resolves to the Response when ok, throws a PageError in
   * words otherwise (and when the server cannot be reached).
   */
  async function request(path, options = {}) {
    const token = await currentToken();
    if (!token) throw new PageError(0, text("tokenMissing"), null);
    const headers = { Authorization: `Bearer ${token}`, "Accept-Language": session.lang, ...(options.headers || {}) };
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method: options.method || "GET", headers, body: options.json !== undefined ? JSON.stringify(options.json) : options.body });
    } catch {
      throw new PageError(0, text("network"), null);
    }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { /* not JSON */ }
      throw new PageError(response.status, problemWords(session.lang, response.status, problem, options.known || {}), problem);
    }
    return response;
  }

  /** request() and the JSON body (null for 204). */
  async function json(path, options = {}) {
    const response = await request(path, options);
    return response.status === 204 ? null : response.json();
  }

  function remember(token) {
    session.token = token;
    if (token) sessionStorage.setItem(session.storageKey, token); else sessionStorage.removeItem(session.storageKey);
  }

  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "text") e.textContent = v;
      else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "for") e.setAttribute(k, v);
      else e[k] = v;
    }
    e.append(...children);
    return e;
  }

  /** The header and the access panel, drawn once; setLanguage() rewrites their words. */
  function draw(options) {
    const header = byId("page-header");
    const langs = el("div", { className: "lang", role: "group", "aria-label": TEXT.fr.languageGroup },
      ...["fr", "en"].map((l) => el("button", { type: "button", "data-lang": l, text: l === "fr" ? "Français" : "English", "aria-pressed": "false" })));
    header.replaceChildren(el("h1", { id: "page-title" }), langs);
    langs.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => setLanguage(b.dataset.lang)));

    const roles = options.devRoles || [];
    const devRole = roles.length > 1
      ? [el("label", { for: "dev-role", className: "inline", "data-page-i18n": "devRole" }),
        el("select", { id: "dev-role" }, ...roles.map((r) => el("option", { value: r.value, "data-role": r.value })))]
      : [];
    const form = el("form", { id: "token-form" },
      el("label", { for: "token", "data-page-i18n": "token" }),
      el("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: false }),
      el("button", { type: "submit", "data-page-i18n": "useToken" }),
      ...devRole.map((e) => { e.classList.add("dev-only"); return e; }),
      el("button", { type: "button", id: "dev-token", className: "dev-only", "data-page-i18n": "devToken" }));
    const msal = el("div", { id: "msal-signin", className: "actions", hidden: true },
      el("button", { type: "button", id: "msal-sign-in", "data-page-i18n": "msalSignIn" }),
      el("button", { type: "button", id: "msal-sign-out", "data-page-i18n": "msalSignOut", hidden: true }));
    byId("access").replaceChildren(el("h2", { id: "access-heading", "data-page-i18n": "access" }), msal, form,
      el("p", { id: "access-status", role: "status", "aria-live": "polite" }));

    form.addEventListener("submit", (e) => { e.preventDefault(); signedIn(byId("token").value.trim()); });
    byId("dev-token").addEventListener("click", devToken);
    byId("msal-sign-in").addEventListener("click", () => { status(text("msalRedirecting")); session.msal.signIn().catch((e) => status(text("msalUnavailable") + e.message, true)); });
    byId("msal-sign-out").addEventListener("click", () => { remember(""); session.msal.signOut(); });
  }

  function status(message, problem = false) {
    const p = byId("access-status");
    p.className = problem ? "problem" : "";
    p.textContent = message;
  }

  function signedIn(token) {
    remember(token);
    if (token) session.options.onSignedIn(token);
  }

  async function devToken() {
    const role = byId("dev-role") ? byId("dev-role").value : session.options.devRoles[0].value;
    try {
      const r = await fetch("/api/dev/token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ role }) });
      if (!r.ok) throw new Error();
      signedIn((await r.json()).accessToken);
    } catch { status(text("devUnavailable"), true); }
  }

  function setLanguage(lang) {
    session.lang = lang === "en" ? "en" : "fr";
    document.documentElement.lang = session.lang;
    const title = session.options.title[session.lang];
    document.title = `ClinicMail — ${title}`;
    byId("page-title").textContent = title;
    document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === session.lang)));
    document.querySelectorAll("[data-page-i18n]").forEach((e) => { e.textContent = text(e.dataset.pageI18n); });
    document.querySelectorAll("#dev-role option").forEach((o) => { o.textContent = session.options.devRoles.find((r) => r.value === o.value)[session.lang]; });
    session.options.onLanguage(session.lang);
  }

  /**
   * Where the token comes from: this tab's sessionStorage under `storageKey`, and, in Entra mode,
   * the MSAL session (its token() renews silently). mount() calls it; tests call it without a DOM.
   */
  function attach(storageKey, msal) {
    session.storageKey = storageKey;
    session.token = sessionStorage.getItem(storageKey) || "";
    session.msal = msal;
  }

  /** Loads the MSAL bundle (built from addin/src/pages/pageSignIn.ts) on demand: production only. */
  function loadMsal() {
    if (window.ClinicMailPageSignIn) return Promise.resolve(window.ClinicMailPageSignIn);
    return new Promise((resolve, reject) => {
      const s = el("script", { src: "/page-signin.js" });
      s.onload = () => resolve(window.ClinicMailPageSignIn);
      s.onerror = () => reject(new Error("/page-signin.js"));
      document.head.appendChild(s);
    });
  }

  /**
   * Draws the header and the access panel and signs in when it can. Options: title {fr, en},
   * storageKey, devRoles [{value, fr, en}], onLanguage(lang), onSignedIn(token). Resolves when the
   * page is ready to be used (after an MSAL redirect has been handled).
   */
  async function mount(options) {
    session.options = options;
    attach(options.storageKey, null);
    draw(options);
    const preferred = (navigator.language || "fr").toLowerCase().startsWith("en") ? "en" : "fr";
    setLanguage(new URLSearchParams(location.search).get("lang") || preferred);

    let config = null;
    try {
      const r = await fetch("/api/sign-in-config");
      if (r.ok) config = await r.json();
    } catch { /* said below */ }
    if (!config) { status(text("configUnavailable"), true); return; }
    session.mode = config.mode;
    document.querySelectorAll(".dev-only").forEach((e) => { e.hidden = config.mode !== "development"; });

    if (config.mode === "entra") {
      byId("msal-signin").hidden = false;
      try {
        const bundle = await loadMsal();
        // The page itself, without its query, is the redirect URI registered in Entra (infra/entra).
        attach(options.storageKey, await bundle.start(config, `${location.origin}${location.pathname}`));
        byId("msal-sign-out").hidden = !session.msal.account();
        const token = session.msal.account() ? await session.msal.token() : null;
        if (token) { signedIn(token); return; }
      } catch (e) { status(text("msalUnavailable") + e.message, true); return; }
    }
    if (session.token) signedIn(session.token);
  }

  return {
    mount, attach, request, json, problemWords, status, PageError, freshToken: currentToken,
    lang: () => session.lang,
    mode: () => session.mode,
    token: () => session.token,
    signOut: () => remember(""),
  };
})();
