-- 0011 (PostgreSQL): the record-filing outbox (issue 19). Same model as
-- Sqlite/Migrations/0011_record_filing.sql; times are Unix milliseconds (bigint) on both providers.
CREATE TABLE filing_outbox (
    id               text    PRIMARY KEY,
    source_kind      text    NOT NULL,
    source_id        text    NOT NULL,
    direction        text    NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    state            text    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'to_confirm', 'dismissed', 'expired')),
    patient_id       text,
    candidates       text,
    confirm_reason   text,
    attempts         integer NOT NULL DEFAULT 0,
    created_at       bigint  NOT NULL,
    next_attempt_at  bigint  NOT NULL,
    lease_until      bigint,
    delivered_at     bigint,
    last_error       text,
    destination      text,
    rendition_sha256 text,
    resource_sha256  text,
    payload          bytea,
    payload_key      text,
    UNIQUE (source_kind, source_id)
);
CREATE INDEX ix_filing_outbox_due ON filing_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_filing_outbox_state ON filing_outbox (state, created_at);

CREATE TABLE filing_counters (
    name  text   PRIMARY KEY,
    value bigint NOT NULL
);

-- Secure messages and replies are ours: the outbox row is written by the INSERT of their envelope,
-- inside the store's own transaction.
CREATE FUNCTION filing_outbox_from_envelope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO filing_outbox (id, source_kind, source_id, direction, state, created_at, next_attempt_at)
    VALUES ('fil-' || NEW.id,
            CASE NEW.kind WHEN 'message' THEN 'secure-message' ELSE 'secure-reply' END,
            CASE NEW.kind WHEN 'message' THEN NEW.id ELSE NEW.message_id || '/' || NEW.id END,
            CASE NEW.kind WHEN 'message' THEN 'outgoing' ELSE 'incoming' END,
            'pending',
            (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
            0)
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;
CREATE TRIGGER trg_secure_envelopes_filing AFTER INSERT ON secure_envelopes
    FOR EACH ROW EXECUTE FUNCTION filing_outbox_from_envelope();
