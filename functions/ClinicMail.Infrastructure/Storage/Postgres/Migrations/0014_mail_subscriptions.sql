-- 0014 (PostgreSQL): Graph change-notification subscriptions of the watched mailboxes (issue 18) and
-- the delta link of each watched folder. Same model as Sqlite/Migrations/0014_mail_subscriptions.sql:
-- ids, keyed hashes, times and Graph's delta links only; the clientState secret is never stored.
CREATE TABLE mail_subscriptions (
    subscription_id   text        PRIMARY KEY,
    mailbox           text        NOT NULL,
    folder            text        NOT NULL CHECK (folder IN ('inbox', 'sentitems')),
    client_state_hash bytea       NOT NULL,
    expires_at        timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    UNIQUE (mailbox, folder)
);
CREATE TABLE mail_delta_links (
    mailbox    text        NOT NULL,
    folder     text        NOT NULL,
    delta_link text        NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (mailbox, folder)
);
