-- 0003 (PostgreSQL): secure messages (Rule 6). Same model as Sqlite/Migrations/0003_secure_messages.sql:
-- content is only ever stored encrypted; the wrapped data keys live in their own table so deleting
-- a key row shreds the content (crypto-shredding). Link tokens, one-time codes and session ids are
-- stored as hashes only.
CREATE TABLE secure_messages (
    id          text        PRIMARY KEY,
    owner_tid   text        NOT NULL,
    owner_oid   text        NOT NULL,
    check_id    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    status      text        NOT NULL CHECK (status IN ('active', 'revoked', 'expired')),
    closed_at   timestamptz,
    shredded_at timestamptz,
    recipients  text        NOT NULL,          -- JSON array: the envelope binding's recipients
    notify_to   text                           -- the physician's mailbox for reply notifications
);
CREATE INDEX ix_secure_messages_due ON secure_messages (expires_at) WHERE status = 'active';
CREATE INDEX ix_secure_messages_owner ON secure_messages (owner_tid, owner_oid);

-- Ciphertexts of messages and of patients' replies (each its own envelope and data key).
CREATE TABLE secure_envelopes (
    id         text    COLLATE "C" PRIMARY KEY, -- the message id, or the reply id (byte order: rewrap pages by it)
    message_id text    NOT NULL REFERENCES secure_messages (id),
    kind       text    NOT NULL CHECK (kind IN ('message', 'reply')),
    ciphertext bytea,                          -- NULL once shredded
    bytes      integer NOT NULL
);
CREATE INDEX ix_secure_envelopes_message ON secure_envelopes (message_id);

-- The key half: one wrapped data key per envelope (WrappedDataKey.ToJson). Deleting the row makes
-- the envelope unreadable; rewrap replaces it without touching the ciphertext. Text, not jsonb:
-- the record is read back exactly as written.
CREATE TABLE secure_keys (
    envelope_id text COLLATE "C" PRIMARY KEY REFERENCES secure_envelopes (id),
    kek_id      text NOT NULL,                 -- the key-encryption key version that wrapped it
    record      text NOT NULL
);
CREATE INDEX ix_secure_keys_kek ON secure_keys (kek_id, envelope_id);

CREATE TABLE secure_access (
    id              text    PRIMARY KEY,
    message_id      text    NOT NULL REFERENCES secure_messages (id),
    token_hash      bytea   NOT NULL UNIQUE,   -- SHA-256 of the link token
    address         text    NOT NULL,          -- the registered address codes go to
    patient_ids     text    NOT NULL,          -- JSON array of registry ids
    language        text    NOT NULL,
    opened_at       timestamptz,
    open_count      integer NOT NULL DEFAULT 0,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_at       timestamptz,
    code_hash       bytea,
    code_salt       bytea,
    code_expires_at timestamptz,
    codes_sent      integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_secure_access_message ON secure_access (message_id);

CREATE TABLE secure_sessions (
    id_hash    bytea       PRIMARY KEY,        -- SHA-256 of the session cookie value
    access_id  text        NOT NULL REFERENCES secure_access (id),
    expires_at timestamptz NOT NULL
);
-- The purge of expired sessions (on each new session) and the shredding of a message's sessions.
CREATE INDEX ix_secure_sessions_expires ON secure_sessions (expires_at);
CREATE INDEX ix_secure_sessions_access ON secure_sessions (access_id);

CREATE TABLE secure_replies (
    id         text        COLLATE "C" PRIMARY KEY REFERENCES secure_envelopes (id),
    message_id text        NOT NULL REFERENCES secure_messages (id),
    access_id  text        NOT NULL REFERENCES secure_access (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_secure_replies_message ON secure_replies (message_id);
