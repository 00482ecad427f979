-- 0010 (PostgreSQL): incoming patient mail (issue 18). Same tables as
-- Sqlite/Migrations/0010_incoming_mail.sql: ids, keyed hashes and times (Unix milliseconds, UTC) only.
CREATE TABLE incoming_messages (
    message_id  text   PRIMARY KEY,
    state       text   NOT NULL CHECK (state IN ('processing', 'done')),
    claimed_at  bigint NOT NULL,
    outcome     text
);
CREATE TABLE incoming_acknowledgements (
    mailbox  text   NOT NULL,
    ack_key  text   NOT NULL,
    sent_at  bigint NOT NULL,
    until_at bigint NOT NULL,
    PRIMARY KEY (mailbox, ack_key)
);
CREATE TABLE incoming_awaiting (
    message_id      text    PRIMARY KEY,
    mailbox         text    NOT NULL,
    conversation_id text    NOT NULL,
    patient_id      text,
    sender_class    text    NOT NULL,
    urgent          integer NOT NULL,
    received_at     bigint  NOT NULL,
    due_at          bigint  NOT NULL,
    answered_at     bigint
);
CREATE INDEX ix_incoming_awaiting_open ON incoming_awaiting (due_at) WHERE answered_at IS NULL;
CREATE INDEX ix_incoming_awaiting_conversation ON incoming_awaiting (mailbox, conversation_id);
CREATE INDEX ix_incoming_awaiting_received ON incoming_awaiting (received_at);
CREATE TABLE incoming_queue (
    id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload    text    NOT NULL,
    visible_at bigint  NOT NULL,
    attempts   integer NOT NULL DEFAULT 0,
    poisoned   integer NOT NULL DEFAULT 0,
    created_at bigint  NOT NULL
);
CREATE INDEX ix_incoming_queue_visible ON incoming_queue (visible_at) WHERE poisoned = 0;
