-- 0003: secure messages (Rule 6). Content is only ever stored encrypted; the wrapped data keys live
-- in their own table so deleting a key row shreds the content (crypto-shredding). Link tokens,
-- one-time codes and session ids are stored as hashes only.
CREATE TABLE secure_messages (
    id          TEXT PRIMARY KEY,
    owner_tid   TEXT NOT NULL,
    owner_oid   TEXT NOT NULL,
    check_id    TEXT NOT NULL,
    created_at  TEXT NOT NULL,                 -- UTC ISO 8601
    expires_at  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'expired')),
    closed_at   TEXT,
    shredded_at TEXT,
    recipients  TEXT NOT NULL,                 -- JSON array: the envelope binding's recipients
    notify_to   TEXT                           -- the physician's mailbox for reply notifications
) STRICT;
CREATE INDEX ix_secure_messages_due ON secure_messages (expires_at) WHERE status = 'active';
CREATE INDEX ix_secure_messages_owner ON secure_messages (owner_tid, owner_oid);
-- Ciphertexts of messages and of patients' replies (each its own envelope and data key).
CREATE TABLE secure_envelopes (
    id         TEXT PRIMARY KEY,               -- the message id, or the reply id
    message_id TEXT NOT NULL REFERENCES secure_messages (id),
    kind       TEXT NOT NULL CHECK (kind IN ('message', 'reply')),
    ciphertext BLOB,                           -- NULL once shredded
    bytes      INTEGER NOT NULL
) STRICT;
CREATE INDEX ix_secure_envelopes_message ON secure_envelopes (message_id);
-- The key half: one wrapped data key per envelope (WrappedDataKey.ToJson). Deleting the row
-- makes the envelope unreadable; rewrap replaces it without touching the ciphertext.
CREATE TABLE secure_keys (
    envelope_id TEXT PRIMARY KEY REFERENCES secure_envelopes (id),
    kek_id      TEXT NOT NULL,                 -- the key-encryption key version that wrapped it
    record      TEXT NOT NULL
) STRICT;
CREATE INDEX ix_secure_keys_kek ON secure_keys (kek_id, envelope_id);
CREATE TABLE secure_access (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES secure_messages (id),
    token_hash      BLOB NOT NULL UNIQUE,      -- SHA-256 of the link token
    address         TEXT NOT NULL,             -- the registered address codes go to
    patient_ids     TEXT NOT NULL,             -- JSON array of registry ids
    language        TEXT NOT NULL,
    opened_at       TEXT,
    open_count      INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_at       TEXT,
    code_hash       BLOB,
    code_salt       BLOB,
    code_expires_at TEXT,
    codes_sent      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX ix_secure_access_message ON secure_access (message_id);
CREATE TABLE secure_sessions (
    id_hash    BLOB PRIMARY KEY,               -- SHA-256 of the session cookie value
    access_id  TEXT NOT NULL REFERENCES secure_access (id),
    expires_at TEXT NOT NULL
) STRICT;
CREATE TABLE secure_replies (
    id         TEXT PRIMARY KEY REFERENCES secure_envelopes (id),
    message_id TEXT NOT NULL REFERENCES secure_messages (id),
    access_id  TEXT NOT NULL REFERENCES secure_access (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX ix_secure_replies_message ON secure_replies (message_id);
