-- 0011: the record-filing outbox (issue 19, docs/record-filing.md). One row per exchange to file in
-- a patient's record; its id is the idempotency key every destination uses. Times are Unix
-- milliseconds (INTEGER) on both providers, so the one store class needs no per-dialect time code.
CREATE TABLE filing_outbox (
    id               TEXT    PRIMARY KEY,
    source_kind      TEXT    NOT NULL,
    source_id        TEXT    NOT NULL,
    direction        TEXT    NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'to_confirm', 'dismissed', 'expired')),
    patient_id       TEXT,                     -- registry id, once matched or confirmed
    candidates       TEXT,                     -- JSON array of registry ids (to_confirm)
    confirm_reason   TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,                  -- a worker holds the row until then
    delivered_at     INTEGER,
    last_error       TEXT,                     -- a stable code, never content
    destination      TEXT,
    rendition_sha256 TEXT,
    resource_sha256  TEXT,
    payload          BLOB,                     -- sealed exchange (observed mail); NULL once delivered
    payload_key      TEXT,                     -- its wrapped data key; deleting it shreds the payload
    UNIQUE (source_kind, source_id)
) STRICT;
CREATE INDEX ix_filing_outbox_due ON filing_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_filing_outbox_state ON filing_outbox (state, created_at);
-- Exchanges with nobody of the registry: counted, never stored.
CREATE TABLE filing_counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
-- Secure messages and replies are ours: the outbox row is written by the INSERT of their envelope,
-- inside the store's own transaction, so a message exists if and only if its filing is recorded.
CREATE TRIGGER trg_secure_envelopes_filing AFTER INSERT ON secure_envelopes
BEGIN
    INSERT INTO filing_outbox (id, source_kind, source_id, direction, state, created_at, next_attempt_at)
    VALUES ('fil-' || NEW.id,
            CASE NEW.kind WHEN 'message' THEN 'secure-message' ELSE 'secure-reply' END,
            CASE NEW.kind WHEN 'message' THEN NEW.id ELSE NEW.message_id || '/' || NEW.id END,
            CASE NEW.kind WHEN 'message' THEN 'outgoing' ELSE 'incoming' END,
            'pending',
            CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
            0)                                  -- due at once, whatever the clock of the worker
    ON CONFLICT DO NOTHING;
END;
