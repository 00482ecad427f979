-- 0004 (PostgreSQL): the compliance reviewer's side of the audit chain: search terms, signed
-- checkpoints, the retention anchor. Same model as Sqlite/Migrations/0004_audit_review.sql. Nothing
-- here is hashed: the chain (0002) stays the only source of truth, and verification never trusts
-- these tables except through a signature. Numbered 0004 to match SQLite; it runs after 0005 on a
-- database that already had 0005, which is fine: the two touch different tables.

-- Search terms pulled out of each record's JSON data, so a filter on a patient, reason code or
-- category is an index seek instead of parsing every record's data. Filled by triggers, so every
-- writer (the app, the CLI, a future tool) keeps them in step without knowing they exist.
CREATE TABLE audit_terms (
    kind  text   NOT NULL,                   -- patient | reason | category
    value text   NOT NULL,
    seq   bigint NOT NULL,
    PRIMARY KEY (kind, value, seq)
);
CREATE INDEX ix_audit_terms_seq ON audit_terms (seq);

-- The text values under one key of a record's data, as SQLite's json_each(data, '$.key') with
-- type = 'text' yields them: the string elements of an array, or the value itself when it is a
-- string. data is the canonical JSON as hashed (text); it is parsed here, never rewritten.
CREATE FUNCTION audit_json_texts(data text, key text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT e #>> '{}'
    FROM (SELECT data::jsonb -> key AS v) AS j,
         LATERAL jsonb_array_elements(CASE jsonb_typeof(j.v) WHEN 'array' THEN j.v ELSE '[]'::jsonb END) AS e
    WHERE jsonb_typeof(e) = 'string'
    UNION ALL
    SELECT j.v #>> '{}' FROM (SELECT data::jsonb -> key AS v) AS j WHERE jsonb_typeof(j.v) = 'string'
$$;

-- The terms of one record: registry events (12xx) name their patient in subject_id; checks and
-- overrides list ids and codes in data.
CREATE FUNCTION audit_terms_of(event integer, subject_id text, data text)
RETURNS TABLE (kind text, value text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'patient', v FROM audit_json_texts(data, 'patientIds') AS v
    UNION ALL SELECT 'patient', subject_id WHERE event BETWEEN 1200 AND 1299 AND subject_id IS NOT NULL
    UNION ALL SELECT 'reason', v FROM audit_json_texts(data, 'reasonCodes') AS v
    UNION ALL SELECT 'reason', v FROM audit_json_texts(data, 'overriddenCodes') AS v
    UNION ALL SELECT 'reason', v FROM audit_json_texts(data, 'refusedCodes') AS v
    UNION ALL SELECT 'category', v FROM audit_json_texts(data, 'categories') AS v
$$;

-- Statement-level triggers with transition tables: a batch append (one set-based INSERT) or a
-- retention purge (one DELETE) fires once, not once per record.
CREATE FUNCTION audit_terms_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_terms (kind, value, seq)
        SELECT t.kind, t.value, r.seq FROM new_rows AS r, LATERAL audit_terms_of(r.event, r.subject_id, r.data) AS t
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE FUNCTION audit_terms_on_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM audit_terms t USING old_rows o WHERE t.seq = o.seq;
    RETURN NULL;
END;
$$;

-- Records are never updated by the application; should anyone edit one (the chain then reports it),
-- the terms still follow the row so a search finds what is stored.
CREATE FUNCTION audit_terms_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM audit_terms t USING old_rows o WHERE t.seq = o.seq;
    INSERT INTO audit_terms (kind, value, seq)
        SELECT t.kind, t.value, r.seq FROM new_rows AS r, LATERAL audit_terms_of(r.event, r.subject_id, r.data) AS t
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_audit_terms_insert AFTER INSERT ON audit_records
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_terms_on_insert();
CREATE TRIGGER trg_audit_terms_delete AFTER DELETE ON audit_records
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_terms_on_delete();
CREATE TRIGGER trg_audit_terms_update AFTER UPDATE ON audit_records
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_terms_on_update();

-- Records written before this migration.
INSERT INTO audit_terms (kind, value, seq)
    SELECT t.kind, t.value, r.seq FROM audit_records AS r, LATERAL audit_terms_of(r.event, r.subject_id, r.data) AS t
ON CONFLICT DO NOTHING;

-- A physician's own records, newest first (the physician view and the "by physician" filter).
CREATE INDEX ix_audit_records_actor ON audit_records (actor_oid, seq);
CREATE INDEX ix_audit_records_event ON audit_records (event, seq);

-- Signed checkpoints: the head (seq, hash) signed with the key-encryption key (AuditCheckpoints).
CREATE TABLE audit_checkpoints (
    seq       bigint      PRIMARY KEY,
    hash      text        NOT NULL,
    at        timestamptz NOT NULL,
    key_id    text        NOT NULL,
    algorithm text        NOT NULL,
    signature bytea       NOT NULL
);

-- After a retention purge: the signed checkpoint verification starts from (one row, or none).
CREATE TABLE audit_anchor (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint  NOT NULL,
    hash text    NOT NULL
);

CREATE INDEX ix_override_justifications_at ON override_justifications (at);
