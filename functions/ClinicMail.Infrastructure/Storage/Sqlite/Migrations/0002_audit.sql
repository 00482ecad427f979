-- 0002: the audit chain (Rule 10): append-only, hash-chained. Ids, codes, counts and keyed hashes only.
CREATE TABLE audit_records (
    seq        INTEGER PRIMARY KEY,          -- no gaps: verification reports a missing number
    at         TEXT    NOT NULL,             -- UTC, millisecond precision, ISO 8601
    event      INTEGER NOT NULL,             -- AuditEventType code
    actor_tid  TEXT,
    actor_oid  TEXT,
    check_id   TEXT,
    subject_id TEXT,
    decision   TEXT,
    data       TEXT    NOT NULL,             -- canonical JSON, exactly as hashed
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
) STRICT;
CREATE INDEX ix_audit_records_check ON audit_records (check_id) WHERE check_id IS NOT NULL;
CREATE INDEX ix_audit_records_at ON audit_records (at);
-- One row: the head the next append links to (read under the write lock).
CREATE TABLE audit_chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
) STRICT;
-- Free-text override justifications live outside the chain (they may name people); the chain
-- holds their keyed hash, so an edit is detected and a retention purge can remove the text.
CREATE TABLE override_justifications (
    override_id        TEXT PRIMARY KEY,
    check_id           TEXT NOT NULL,
    justification_code TEXT NOT NULL,
    text               TEXT NOT NULL,
    at                 TEXT NOT NULL
) STRICT;
