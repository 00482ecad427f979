-- 0006 (SQLite): what an in-process near-miss index (NearMissReplica) needs to know it is behind.
-- SQLite has one writer at a time, so new address rows get increasing row ids: rows above the
-- highest id the index saw are the new ones. Two things break that rule, and both count here:
-- a deleted row (its id may be given again to a new row) and a re-keyed row (new skeleton, same
-- id). When the counter moved, the index is rebuilt. Triggers only on delete and re-key, never on
-- insert, so an import's inserts cost nothing more. Same number as
-- Postgres/Migrations/0006_near_miss_feed.sql.
CREATE TABLE near_miss_changes (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO near_miss_changes (id, value) VALUES (1, 0);

CREATE TRIGGER tr_patient_addresses_near_miss_deleted AFTER DELETE ON patient_addresses
BEGIN
    UPDATE near_miss_changes SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER tr_patient_addresses_near_miss_rekeyed AFTER UPDATE OF skeleton ON patient_addresses
BEGIN
    UPDATE near_miss_changes SET value = value + 1 WHERE id = 1;
END;
