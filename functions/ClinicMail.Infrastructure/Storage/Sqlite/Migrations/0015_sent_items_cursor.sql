-- 0015: where each mailbox's Sent Items sweep resumes (issue 19, docs/record-filing.md). The link is
-- Graph's next or delta link (an opaque URL with a state token; it names the mailbox, never a message
-- or a person's words). Times are Unix milliseconds, as in 0011, so one store reads both providers.
CREATE TABLE filing_sent_items_cursor (
    mailbox    TEXT    PRIMARY KEY,
    link       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
