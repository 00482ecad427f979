// Informed consent on the clinic's page (issue 20; docs/consent.md): the invitation, the verbal
// consent with the guide's checklist, the follow-up list and the look-alike addresses. Kept apart
// from clinic.js; it uses that script's api() (the shared fetch helper: refusals in words), $(),
// state and openCard().
"use strict";

const CONSENT_TEXT = {
  fr: {
    load: "Afficher la liste", addressA: "Adresse", addressB: "Adresse semblable", patient: "Patient", reason: "Raison",
    informed: "Consentement éclairé", inviteAddress: "Adresse à inscrire", birthDate: "Date de naissance",
    invite: "Envoyer une invitation au consentement", checklist: "Points expliqués au patient (tous requis)", uses: "Utilisations acceptées",
    recordVerbal: "Enregistrer le consentement verbal (note au dossier)", recorded: "Consentement verbal enregistré.",
    invited: (r) => `Invitation envoyée. Le lien expire le ${new Date(r.expiresAt).toLocaleDateString("fr-CA")}.`,
    known: {
      birth_date_required: "Indiquez la date de naissance du patient (il la confirmera en signant), puis envoyez de nouveau.",
      address_conflict: "Cette adresse est déjà celle d'un autre patient : l'invitation n'est pas envoyée. Vérifiez l'adresse.",
      patient_not_found: "Ce patient n'existe plus dans le registre.",
    },
    empty: "Aucun.", loading: "Chargement…", missing: "manquant", expired: "expiré", not_documented: "consentement éclairé non documenté",
    items: {
      intended_uses: "Les utilisations souhaitées du courriel", texting: "Si les textos sont autorisés, et leurs règles",
      risks: "Les risques selon la messagerie utilisée", procedure: "La procédure : aspects techniques, qui fait quoi, délais de réponse",
      who_has_access: "Qui aura accès aux messages", kept_in_record: "La conservation au dossier de tous les échanges",
      expected_content: "Les contenus attendus par courriel",
    },
  },
  en: {
    load: "Show the list", addressA: "Address", addressB: "Look-alike address", patient: "Patient", reason: "Reason",
    informed: "Informed consent", inviteAddress: "Address to register", birthDate: "Date of birth",
    invite: "Send a consent invitation", checklist: "Points explained to the patient (all required)", uses: "Uses accepted",
    recordVerbal: "Record the verbal consent (note in the record)", recorded: "Verbal consent recorded.",
    invited: (r) => `Invitation sent. The link expires on ${new Date(r.expiresAt).toLocaleDateString("en-CA")}.`,
    known: {
      birth_date_required: "Give the patient's date of birth (they confirm it when signing), then send again.",
      address_conflict: "This address already belongs to another patient: the invitation is not sent. Check the address.",
      patient_not_found: "This patient is no longer in the registry.",
    },
    empty: "None.", loading: "Loading…", missing: "missing", expired: "expired", not_documented: "informed consent not documented",
    items: {
      intended_uses: "The intended uses of e-mail", texting: "Whether texting is allowed, and its rules",
      risks: "The risks of the messaging used", procedure: "The procedure: technical aspects, who does what, response delays",
      who_has_access: "Who will have access to the messages", kept_in_record: "That every exchange is kept in the medical record",
      expected_content: "The content expected by e-mail",
    },
  },
};
const CHECKLIST = ["intended_uses", "texting", "risks", "procedure", "who_has_access", "kept_in_record", "expected_content"];
const ct = (key) => CONSENT_TEXT[state.lang][key];

function consentStatus(id, text, problem) {
  $(id).className = problem ? "problem" : "";
  $(id).textContent = text;
}

/** Marks the field a refusal is about (or none), tied to the status that says why, and focuses it. */
function markInvalid(field) {
  for (const id of ["i-address", "i-birth"]) {
    const input = $(id);
    const bad = id === field;
    input.toggleAttribute("aria-invalid", bad);
    if (bad) input.setAttribute("aria-describedby", "informed-status"); else input.removeAttribute("aria-describedby");
  }
  if (field) $(field).focus();
}

function drawConsentTexts() {
  checks($("v-uses"), "v-use", USES);
  document.querySelectorAll("[data-consent-i18n]").forEach((el) => { el.textContent = ct(el.dataset.consentI18n); });
  const list = $("v-checklist");
  const ticked = [...list.querySelectorAll("input:checked")].map((i) => i.value);
  list.replaceChildren(...CHECKLIST.map((item) => {
    const div = document.createElement("div");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: `v-item-${item}`, value: item, checked: ticked.includes(item) });
    const label = Object.assign(document.createElement("label"), { htmlFor: box.id, textContent: ct("items")[item] });
    div.append(box, label);
    return div;
  }));
}

async function loadAttention() {
  consentStatus("attention-status", ct("loading"));
  try {
    const { patients } = await api("/api/v1/registry/consent-attention?limit=200");
    const body = $("attention-table").tBodies[0];
    body.replaceChildren(...patients.map((p) => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const open = Object.assign(document.createElement("button"), { type: "button", className: "link", textContent: `${p.familyName}, ${p.givenName} (${p.clinicPatientId})` });
      open.addEventListener("click", () => openCard(p.patientId));
      name.append(open);
      tr.append(name, Object.assign(document.createElement("td"), { textContent: ct(p.reason) }));
      return tr;
    }));
    $("attention-table").hidden = patients.length === 0;
    consentStatus("attention-status", patients.length === 0 ? ct("empty") : "");
  } catch (e) { consentStatus("attention-status", e.message, true); }
}

async function loadLookAlikes() {
  consentStatus("lookalikes-status", ct("loading"));
  try {
    const { pairs } = await api("/api/v1/registry/look-alikes?limit=200");
    const body = $("lookalikes-table").tBodies[0];
    body.replaceChildren(...pairs.map((p) => {
      const tr = document.createElement("tr");
      for (const [address, id] of [[p.addressA, p.patientIdA], [p.addressB, p.patientIdB]]) {
        const td = document.createElement("td");
        const open = Object.assign(document.createElement("button"), { type: "button", className: "link", textContent: address });
        open.addEventListener("click", () => openCard(id));
        td.append(open);
        tr.append(td);
      }
      return tr;
    }));
    $("lookalikes-table").hidden = pairs.length === 0;
    consentStatus("lookalikes-status", pairs.length === 0 ? ct("empty") : "");
  } catch (e) { consentStatus("lookalikes-status", e.message, true); }
}

async function sendInvitation(e) {
  e.preventDefault();
  consentStatus("informed-status", ct("loading"));
  try {
    const sent = await api(`/api/v1/registry/patients/${encodeURIComponent(state.patient.id)}/consent-invitations`, {
      method: "POST", json: { address: $("i-address").value.trim(), birthDate: $("i-birth").value || null, language: state.patient.language },
      known: ct("known"),
    });
    markInvalid(null);
    consentStatus("informed-status", ct("invited")(sent));
  } catch (err) {
    const code = err.problem?.code;
    consentStatus("informed-status", err.message, true);
    markInvalid(code === "birth_date_required" ? "i-birth" : code === "address_conflict" || err.status === 400 ? "i-address" : null);
  }
}

async function recordVerbal(e) {
  e.preventDefault();
  consentStatus("informed-status", ct("loading"));
  try {
    const policy = await api("/api/v1/consent/policy");
    const checklist = [...$("v-checklist").querySelectorAll("input:checked")].map((i) => i.value);
    const uses = [...$("v-uses").querySelectorAll("input:checked")].map((i) => i.value);
    await api(`/api/v1/registry/patients/${encodeURIComponent(state.patient.id)}/consent/verbal`, {
      method: "POST", json: { status: "granted", policyVersion: policy.version, checklist, uses },
    });
    await openCard(state.patient.id, ct("recorded"));
  } catch (err) { consentStatus("informed-status", err.message, true); }
}

document.addEventListener("DOMContentLoaded", () => {
  checks($("v-uses"), "v-use", USES);
  drawConsentTexts();
  // The shared header sets <html lang>: follow it.
  new MutationObserver(drawConsentTexts).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  $("attention-load").addEventListener("click", loadAttention);
  $("lookalikes-load").addEventListener("click", loadLookAlikes);
  $("invite-form").addEventListener("submit", sendInvitation);
  $("verbal-form").addEventListener("submit", recordVerbal);
});
