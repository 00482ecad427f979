-- 0004: the compliance reviewer's side of the audit chain: search terms, signed checkpoints, the
-- retention anchor. Nothing here is hashed: the chain (0002) stays the only source of truth, and
-- verification never trusts these tables except through a signature.

-- Search terms pulled out of each record's JSON data, so a filter on a patient, reason code or
-- category is an index seek instead of a json_each scan of every record. Filled by triggers, so
-- every writer (the app, the CLI, a future tool) keeps them in step without knowing they exist.
CREATE TABLE audit_terms (
    kind  TEXT    NOT NULL,                  -- patient | reason | category
    value TEXT    NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (kind, value, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX ix_audit_terms_seq ON audit_terms (seq);

CREATE TRIGGER trg_audit_terms_insert AFTER INSERT ON audit_records
BEGIN
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'patient', j.value, NEW.seq FROM json_each(NEW.data, '$.patientIds') AS j WHERE j.type = 'text';
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'patient', NEW.subject_id, NEW.seq WHERE NEW.event BETWEEN 1200 AND 1299 AND NEW.subject_id IS NOT NULL;
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'reason', j.value, NEW.seq FROM json_each(NEW.data, '$.reasonCodes') AS j WHERE j.type = 'text';
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'reason', j.value, NEW.seq FROM json_each(NEW.data, '$.overriddenCodes') AS j WHERE j.type = 'text';
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'reason', j.value, NEW.seq FROM json_each(NEW.data, '$.refusedCodes') AS j WHERE j.type = 'text';
    INSERT OR IGNORE INTO audit_terms (kind, value, seq)
        SELECT 'category', j.value, NEW.seq FROM json_each(NEW.data, '$.categories') AS j WHERE j.type = 'text';
END;

CREATE TRIGGER trg_audit_terms_delete AFTER DELETE ON audit_records
BEGIN
    DELETE FROM audit_terms WHERE seq = OLD.seq;
END;

-- Records written before this migration.
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'patient', j.value, r.seq FROM audit_records r, json_each(r.data, '$.patientIds') AS j WHERE j.type = 'text';
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'patient', r.subject_id, r.seq FROM audit_records r WHERE r.event BETWEEN 1200 AND 1299 AND r.subject_id IS NOT NULL;
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'reason', j.value, r.seq FROM audit_records r, json_each(r.data, '$.reasonCodes') AS j WHERE j.type = 'text';
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'reason', j.value, r.seq FROM audit_records r, json_each(r.data, '$.overriddenCodes') AS j WHERE j.type = 'text';
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'reason', j.value, r.seq FROM audit_records r, json_each(r.data, '$.refusedCodes') AS j WHERE j.type = 'text';
INSERT OR IGNORE INTO audit_terms (kind, value, seq)
    SELECT 'category', j.value, r.seq FROM audit_records r, json_each(r.data, '$.categories') AS j WHERE j.type = 'text';

-- A physician's own records, newest first (the physician view and the "by physician" filter).
CREATE INDEX ix_audit_records_actor ON audit_records (actor_oid, seq);
CREATE INDEX ix_audit_records_event ON audit_records (event, seq);

-- Signed checkpoints: the head (seq, hash) signed with the key-encryption key (AuditCheckpoints).
CREATE TABLE audit_checkpoints (
    seq       INTEGER PRIMARY KEY,
    hash      TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    key_id    TEXT    NOT NULL,
    algorithm TEXT    NOT NULL,
    signature BLOB    NOT NULL
) STRICT;

-- After a retention purge: the signed checkpoint verification starts from (one row, or none).
CREATE TABLE audit_anchor (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
) STRICT;

CREATE INDEX ix_override_justifications_at ON override_justifications (at);
