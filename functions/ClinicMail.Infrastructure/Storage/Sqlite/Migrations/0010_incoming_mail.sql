-- 0010: incoming patient mail (issue 18). Ids, keyed hashes and times only: no address, subject or
-- text is stored. Times are Unix milliseconds (UTC) so both providers run the same SQL
-- (Storage/IncomingMailStore.cs); the PostgreSQL script has the same tables.
-- Processed messages: the idempotency record of the use case (one row per transport message id).
CREATE TABLE incoming_messages (
    message_id  TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL CHECK (state IN ('processing', 'done')),
    claimed_at  INTEGER NOT NULL,
    outcome     TEXT
) STRICT;
-- Acknowledgements sent: per conversation (correspondence) or per sender's keyed hash (not_for_patients),
-- valid until the end of the period, so at most one is sent per key and period.
CREATE TABLE incoming_acknowledgements (
    mailbox  TEXT    NOT NULL,
    ack_key  TEXT    NOT NULL,
    sent_at  INTEGER NOT NULL,
    until_at INTEGER NOT NULL,
    PRIMARY KEY (mailbox, ack_key)
) STRICT;
-- Messages awaiting an answer, with their deadline; answered_at set when a reply in the conversation is sent.
CREATE TABLE incoming_awaiting (
    message_id      TEXT    PRIMARY KEY,
    mailbox         TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    patient_id      TEXT,
    sender_class    TEXT    NOT NULL,
    urgent          INTEGER NOT NULL,
    received_at     INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    answered_at     INTEGER
) STRICT;
CREATE INDEX ix_incoming_awaiting_open ON incoming_awaiting (due_at) WHERE answered_at IS NULL;
CREATE INDEX ix_incoming_awaiting_conversation ON incoming_awaiting (mailbox, conversation_id);
CREATE INDEX ix_incoming_awaiting_received ON incoming_awaiting (received_at);
-- The embedded default's work queue (Azure Storage Queues in production): leased rows, retried,
-- poisoned after the last attempt.
CREATE TABLE incoming_queue (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    payload    TEXT    NOT NULL,
    visible_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    poisoned   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_incoming_queue_visible ON incoming_queue (visible_at) WHERE poisoned = 0;
