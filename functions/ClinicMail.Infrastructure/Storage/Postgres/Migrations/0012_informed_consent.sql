-- 0012: informed consent (issue 20) — the clinic's e-mail policy versions, consent invitations
-- (link, one-time code, session), the evidence that documents a consent as informed, and patients'
-- dates of birth (the online signature is matched against them). The tables of this migration use
-- only types both providers share (text, integer, bytea; instants as Unix milliseconds), so one
-- provider-neutral store reads them (Storage/InformedConsent).

-- consents.method gains 'electronic_signature'.
ALTER TABLE consents DROP CONSTRAINT consents_method_check;
ALTER TABLE consents ADD CONSTRAINT consents_method_check CHECK (method IN ('signed_form', 'verbal_noted', 'electronic_signature'));

-- Evidence rows are found from consents.document_reference.
CREATE INDEX ix_consents_document_reference ON consents (document_reference);

CREATE TABLE consent_policies (
    version      bigint NOT NULL PRIMARY KEY,
    settings     text    NOT NULL,            -- ClinicEmailPolicy as JSON (the contract's names)
    hash         text    NOT NULL,            -- SHA-256 of the canonical rendering
    published_at bigint NOT NULL,
    published_by text    NOT NULL             -- an actor id, never a name
);

CREATE TABLE patient_birth_dates (
    patient_id text NOT NULL PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
    birth_date text NOT NULL                  -- yyyy-MM-dd
);

CREATE TABLE consent_evidence (
    id                text    NOT NULL PRIMARY KEY,
    patient_id        text    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    method            text    NOT NULL,
    status            text    NOT NULL,
    policy_version    bigint NOT NULL,
    policy_hash       text    NOT NULL,
    checklist         text    NOT NULL,       -- JSON array of item names
    uses              text    NOT NULL,
    categories        text    NOT NULL,
    invitation_id     text,
    address_confirmed bigint NOT NULL,
    recorded_at       bigint NOT NULL,
    recorded_by       text    NOT NULL
);
CREATE INDEX ix_consent_evidence_patient ON consent_evidence (patient_id);

CREATE TABLE consent_invitations (
    id              text    NOT NULL PRIMARY KEY,
    token_hash      bytea    NOT NULL UNIQUE,  -- SHA-256 of the link token
    patient_id      text    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    address         text    NOT NULL,
    language        text    NOT NULL,
    created_at      bigint NOT NULL,
    created_by      text    NOT NULL,
    expires_at      bigint NOT NULL,
    code_hash       bytea,
    code_salt       bytea,
    code_expires_at bigint,
    failed_attempts bigint NOT NULL DEFAULT 0,
    codes_sent      bigint NOT NULL DEFAULT 0,
    locked_at       bigint,
    answered_at     bigint,
    withdrawn_at    bigint,
    evidence_id     text
);
CREATE INDEX ix_consent_invitations_patient ON consent_invitations (patient_id);

CREATE TABLE consent_sessions (
    id_hash       bytea    NOT NULL PRIMARY KEY, -- SHA-256 of the session cookie value
    invitation_id text    NOT NULL REFERENCES consent_invitations (id) ON DELETE CASCADE,
    expires_at    bigint NOT NULL
);
