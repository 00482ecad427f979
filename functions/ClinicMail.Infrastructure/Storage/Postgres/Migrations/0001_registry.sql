-- 0001 (PostgreSQL): the patient registry, the same model as Sqlite/Migrations/0001_registry.sql.
-- Applied once by PostgresDatabase.MigrateAsync inside a transaction; never edit after release:
-- add a new NNNN_name.sql instead (the checksum is verified). Numbers follow the SQLite ones so a
-- schema change has the same number on both stores.
--
-- Conventions: dates as date, instants as timestamptz (UTC), enums as their snake_case contract
-- names, lists as jsonb arrays of text, booleans as boolean.

CREATE TABLE patients (
    id                  text        NOT NULL PRIMARY KEY,
    clinic_patient_id   text        NOT NULL,
    family_name         text        NOT NULL,
    given_name          text        NOT NULL,
    language            text        NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    restricted          boolean     NOT NULL DEFAULT false,
    restriction_reason  text,
    restricted_on       date,
    declared_terms      jsonb       NOT NULL DEFAULT '[]',
    declared_categories jsonb       NOT NULL DEFAULT '[]',
    -- The consent in force; older rows of `consents` stay as history. NULL: none recorded (or cleared).
    current_consent_id  bigint,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT patients_clinic_patient_id_key UNIQUE (clinic_patient_id),
    CHECK (NOT restricted OR (restriction_reason IS NOT NULL AND restricted_on IS NOT NULL))
);

CREATE TABLE patient_addresses (
    id                    bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id            text    NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    position              integer NOT NULL,
    -- AddressNormalizer.Normalize form: lower-case, punycode domain.
    address               text    NOT NULL,
    address_domain        text    NOT NULL,
    kind                  text    NOT NULL CHECK (kind IN ('personal', 'employer', 'school', 'family_shared', 'other_third_party')),
    third_party_consented boolean NOT NULL DEFAULT false,
    verified_on           date,
    verification_method   text,
    -- Near-miss keys (AddressKeys): `domain` is the folded key domain, not address_domain.
    skeleton              text    NOT NULL,
    domain                text    NOT NULL,
    local_prefix          text    NOT NULL,
    local_suffix          text    NOT NULL,
    local_outer           text    NOT NULL,
    local_length          integer NOT NULL,
    keys_version          integer NOT NULL,
    UNIQUE (patient_id, address)
);

-- A family-shared address belongs to several patients: the address alone is not unique.
CREATE INDEX ix_patient_addresses_address ON patient_addresses (address) INCLUDE (patient_id, kind);
CREATE INDEX ix_patient_addresses_skeleton ON patient_addresses (skeleton);
-- Equality on all three key columns; INCLUDE lets the candidate filter read index entries only.
CREATE INDEX ix_patient_addresses_near_prefix ON patient_addresses (domain, local_length, local_prefix) INCLUDE (skeleton);
CREATE INDEX ix_patient_addresses_near_suffix ON patient_addresses (domain, local_length, local_suffix) INCLUDE (skeleton);
CREATE INDEX ix_patient_addresses_near_outer ON patient_addresses (domain, local_length, local_outer) INCLUDE (skeleton);
-- Lets RegisteredDomainsAsync skip from one distinct domain to the next.
CREATE INDEX ix_patient_addresses_address_domain ON patient_addresses (address_domain);

CREATE TABLE consents (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id         text        NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    status             text        NOT NULL CHECK (status IN ('granted', 'refused', 'revoked')),
    method             text        CHECK (method IN ('signed_form', 'verbal_noted')),
    recorded_on        date,
    -- An actor id, never a name.
    recorded_by        text,
    document_reference text,
    email              boolean     NOT NULL DEFAULT true,
    sms                boolean     NOT NULL DEFAULT false,
    uses               jsonb       NOT NULL DEFAULT '[]',
    categories         jsonb       NOT NULL DEFAULT '[]',
    expires_on         date,
    created_at         timestamptz NOT NULL
);

CREATE INDEX ix_consents_patient ON consents (patient_id, id);
ALTER TABLE patients ADD CONSTRAINT fk_patients_current_consent FOREIGN KEY (current_consent_id) REFERENCES consents (id);

-- Who changed what in the registry, by field name only: values never enter this table.
CREATE TABLE registry_changes (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor_id  text        NOT NULL,
    entity    text        NOT NULL CHECK (entity IN ('patient', 'address', 'consent')),
    entity_id text        NOT NULL,
    operation text        NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    fields    jsonb       NOT NULL
);

CREATE INDEX ix_registry_changes_entity ON registry_changes (entity_id, id);
