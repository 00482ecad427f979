-- 0012: informed consent (issue 20) — the clinic's e-mail policy versions, consent invitations
-- (link, one-time code, session), the evidence that documents a consent as informed, and patients'
-- dates of birth (the online signature is matched against them). The tables of this migration use
-- only types both providers share (text, integer, blob; instants as Unix milliseconds), so one
-- provider-neutral store reads them (Storage/InformedConsent).
--
-- consents.method gains 'electronic_signature'. SQLite cannot alter a CHECK, so the table is
-- rebuilt: the current-consent pointers are set aside (a DROP of a referenced row would break the
-- foreign key), the rows copied with their ids, the pointers restored.

CREATE TABLE consents_0012 (
    id                 INTEGER NOT NULL PRIMARY KEY,
    patient_id         TEXT    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status             TEXT    NOT NULL CHECK (status IN ('granted', 'refused', 'revoked')),
    method             TEXT    CHECK (method IN ('signed_form', 'verbal_noted', 'electronic_signature')),
    recorded_on        TEXT,
    -- An actor id, never a name.
    recorded_by        TEXT,
    document_reference TEXT,
    email              INTEGER NOT NULL DEFAULT 1 CHECK (email IN (0, 1)),
    sms                INTEGER NOT NULL DEFAULT 0 CHECK (sms IN (0, 1)),
    uses               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(uses)),
    categories         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(categories)),
    expires_on         TEXT,
    created_at         TEXT    NOT NULL
) STRICT;

INSERT INTO consents_0012 (id, patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, categories, expires_on, created_at)
SELECT id, patient_id, status, method, recorded_on, recorded_by, document_reference, email, sms, uses, categories, expires_on, created_at FROM consents;

CREATE TEMP TABLE consent_pointers_0012 AS SELECT id, current_consent_id FROM patients WHERE current_consent_id IS NOT NULL;
UPDATE patients SET current_consent_id = NULL WHERE current_consent_id IS NOT NULL;
DROP TABLE consents;
ALTER TABLE consents_0012 RENAME TO consents;
CREATE INDEX ix_consents_patient ON consents (patient_id, id);
UPDATE patients SET current_consent_id = (SELECT p.current_consent_id FROM temp.consent_pointers_0012 p WHERE p.id = patients.id)
WHERE id IN (SELECT id FROM temp.consent_pointers_0012);
DROP TABLE temp.consent_pointers_0012;

-- Evidence rows are found from consents.document_reference.
CREATE INDEX ix_consents_document_reference ON consents (document_reference);

CREATE TABLE consent_policies (
    version      INTEGER NOT NULL PRIMARY KEY,
    settings     TEXT    NOT NULL,            -- ClinicEmailPolicy as JSON (the contract's names)
    hash         TEXT    NOT NULL,            -- SHA-256 of the canonical rendering
    published_at INTEGER NOT NULL,
    published_by TEXT    NOT NULL             -- an actor id, never a name
) STRICT;

CREATE TABLE patient_birth_dates (
    patient_id TEXT NOT NULL PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
    birth_date TEXT NOT NULL                  -- yyyy-MM-dd
) STRICT;

CREATE TABLE consent_evidence (
    id                TEXT    NOT NULL PRIMARY KEY,
    patient_id        TEXT    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    method            TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    policy_version    INTEGER NOT NULL,
    policy_hash       TEXT    NOT NULL,
    checklist         TEXT    NOT NULL,       -- JSON array of item names
    uses              TEXT    NOT NULL,
    categories        TEXT    NOT NULL,
    invitation_id     TEXT,
    address_confirmed INTEGER NOT NULL,
    recorded_at       INTEGER NOT NULL,
    recorded_by       TEXT    NOT NULL
) STRICT;
CREATE INDEX ix_consent_evidence_patient ON consent_evidence (patient_id);

CREATE TABLE consent_invitations (
    id              TEXT    NOT NULL PRIMARY KEY,
    token_hash      BLOB    NOT NULL UNIQUE,  -- SHA-256 of the link token
    patient_id      TEXT    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    address         TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    code_hash       BLOB,
    code_salt       BLOB,
    code_expires_at INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    codes_sent      INTEGER NOT NULL DEFAULT 0,
    locked_at       INTEGER,
    answered_at     INTEGER,
    withdrawn_at    INTEGER,
    evidence_id     TEXT
) STRICT;
CREATE INDEX ix_consent_invitations_patient ON consent_invitations (patient_id);

CREATE TABLE consent_sessions (
    id_hash       BLOB    NOT NULL PRIMARY KEY, -- SHA-256 of the session cookie value
    invitation_id TEXT    NOT NULL REFERENCES consent_invitations (id) ON DELETE CASCADE,
    expires_at    INTEGER NOT NULL
) STRICT;
