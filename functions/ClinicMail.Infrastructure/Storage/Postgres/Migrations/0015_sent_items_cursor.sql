-- 0015 (PostgreSQL): where each mailbox's Sent Items sweep resumes (issue 19). Same model as
-- Sqlite/Migrations/0015_sent_items_cursor.sql; times are Unix milliseconds (bigint) on both providers.
CREATE TABLE filing_sent_items_cursor (
    mailbox    text   PRIMARY KEY,
    link       text   NOT NULL,
    updated_at bigint NOT NULL
);
