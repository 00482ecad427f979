-- 0002 (PostgreSQL): the audit chain (Rule 10): append-only, hash-chained. Ids, codes, counts and
-- keyed hashes only. Same model as Sqlite/Migrations/0002_audit.sql.
CREATE TABLE audit_records (
    seq        bigint      PRIMARY KEY,      -- no gaps; the key makes a fork impossible to store
    at         timestamptz NOT NULL,         -- millisecond precision (AuditChain.Link truncates)
    event      integer     NOT NULL,         -- AuditEventType code
    actor_tid  text,
    actor_oid  text,
    check_id   text,
    subject_id text,
    decision   text,
    data       text        NOT NULL,         -- canonical JSON, exactly as hashed (text, not jsonb: jsonb reorders keys)
    prev_hash  text        NOT NULL,
    hash       text        NOT NULL
);
CREATE INDEX ix_audit_records_check ON audit_records (check_id) WHERE check_id IS NOT NULL;
CREATE INDEX ix_audit_records_at ON audit_records (at);

-- One row: the head the next append links to. It exists from the start so every append can lock
-- it with SELECT … FOR UPDATE: concurrent writers (several Function App instances) queue there.
CREATE TABLE audit_chain_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint  NOT NULL,
    hash text    NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Free-text override justifications live outside the chain (they may name people); the chain
-- holds their keyed hash.
CREATE TABLE override_justifications (
    override_id        text        PRIMARY KEY,
    check_id           text        NOT NULL,
    justification_code text        NOT NULL,
    text               text        NOT NULL,
    at                 timestamptz NOT NULL
);
