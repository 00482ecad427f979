-- 0001: the patient registry (« un répertoire unique des courriels de ses patients, distinct de
-- son répertoire de contacts personnels »). Applied once by SqliteDatabase.MigrateAsync inside a
-- transaction; never edit after release: add 0002_… instead (the checksum is verified).
--
-- Conventions: STRICT tables; dates as ISO 8601 text (yyyy-MM-dd), instants as ISO 8601 UTC
-- text; enums as their snake_case contract names; lists as JSON arrays of text; booleans as 0/1.

CREATE TABLE patients (
    id                  TEXT    NOT NULL PRIMARY KEY,
    clinic_patient_id   TEXT    NOT NULL UNIQUE,
    family_name         TEXT    NOT NULL,
    given_name          TEXT    NOT NULL,
    language            TEXT    NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    restricted          INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    restriction_reason  TEXT,
    restricted_on       TEXT,
    declared_terms      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(declared_terms)),
    declared_categories TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(declared_categories)),
    -- The consent in force; older rows of `consents` stay as history. NULL: none recorded (or cleared).
    current_consent_id  INTEGER REFERENCES consents (id),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    CHECK (restricted = 0 OR (restriction_reason IS NOT NULL AND restricted_on IS NOT NULL))
) STRICT;

CREATE TABLE patient_addresses (
    id                    INTEGER NOT NULL PRIMARY KEY,
    patient_id            TEXT    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    -- AddressNormalizer.Normalize form: lower-case, punycode domain.
    address               TEXT    NOT NULL,
    address_domain        TEXT    NOT NULL,
    kind                  TEXT    NOT NULL CHECK (kind IN ('personal', 'employer', 'school', 'family_shared', 'other_third_party')),
    third_party_consented INTEGER NOT NULL DEFAULT 0 CHECK (third_party_consented IN (0, 1)),
    verified_on           TEXT,
    verification_method   TEXT,
    -- Near-miss keys (AddressKeys): `domain` is the folded key domain, not address_domain.
    skeleton              TEXT    NOT NULL,
    domain                TEXT    NOT NULL,
    local_prefix          TEXT    NOT NULL,
    local_suffix          TEXT    NOT NULL,
    local_length          INTEGER NOT NULL,
    keys_version          INTEGER NOT NULL,
    UNIQUE (patient_id, address)
) STRICT;

-- A family-shared address belongs to several patients: the address alone is not unique.
CREATE INDEX ix_patient_addresses_address ON patient_addresses (address);
CREATE INDEX ix_patient_addresses_skeleton ON patient_addresses (skeleton);
-- local_length last: a range on it narrows each (domain, affix) bucket to the lengths an edit can reach.
CREATE INDEX ix_patient_addresses_domain_prefix ON patient_addresses (domain, local_prefix, local_length);
CREATE INDEX ix_patient_addresses_domain_suffix ON patient_addresses (domain, local_suffix, local_length);
-- Lets RegisteredDomainsAsync skip from one distinct domain to the next.
CREATE INDEX ix_patient_addresses_address_domain ON patient_addresses (address_domain);
CREATE INDEX ix_patient_addresses_keys_version ON patient_addresses (keys_version);

CREATE TABLE consents (
    id                 INTEGER NOT NULL PRIMARY KEY,
    patient_id         TEXT    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status             TEXT    NOT NULL CHECK (status IN ('granted', 'refused', 'revoked')),
    method             TEXT    CHECK (method IN ('signed_form', 'verbal_noted')),
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

CREATE INDEX ix_consents_patient ON consents (patient_id, id);

-- Who changed what in the registry, by field name only: values (names, addresses, reasons) never
-- enter this table, so it can be shown to a compliance reviewer as is.
CREATE TABLE registry_changes (
    id        INTEGER NOT NULL PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor_id  TEXT    NOT NULL,
    entity    TEXT    NOT NULL CHECK (entity IN ('patient', 'address', 'consent')),
    entity_id TEXT    NOT NULL,
    operation TEXT    NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    fields    TEXT    NOT NULL CHECK (json_valid(fields))
) STRICT;

CREATE INDEX ix_registry_changes_entity ON registry_changes (entity_id, id);
