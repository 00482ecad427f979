-- 0014: Graph change-notification subscriptions of the watched mailboxes (issue 18) and the delta link
-- of each watched folder. Ids, keyed hashes, times and Graph's delta links only: the clientState secret
-- itself is never stored. Instants are fixed-width UTC text (SqliteDialect.Instant); the PostgreSQL
-- script has the same tables with timestamptz. Store: Storage/MailSubscriptionStore.cs.
CREATE TABLE mail_subscriptions (
    subscription_id   TEXT PRIMARY KEY,
    mailbox           TEXT NOT NULL,
    folder            TEXT NOT NULL CHECK (folder IN ('inbox', 'sentitems')),
    client_state_hash BLOB NOT NULL,
    expires_at        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (mailbox, folder)
) STRICT;
CREATE TABLE mail_delta_links (
    mailbox    TEXT NOT NULL,
    folder     TEXT NOT NULL,
    delta_link TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (mailbox, folder)
) STRICT;
