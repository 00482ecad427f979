-- 0006 (PostgreSQL): which transaction last wrote an address row's near-miss keys, so each
-- instance's in-process near-miss index (NearMissReplica) can ask, in the same round trip as a
-- check's exact look-up, whether rows were written since the snapshot it was built from, and then
-- read only those. A transaction id, not a sequence: ids are taken in commit-unrelated order, but
-- "not visible in snapshot S" (pg_visible_in_snapshot) is exact for rows committed after S or
-- in progress at S. Existing rows get 0 (visible in every snapshot) without a table rewrite; new
-- rows get their transaction's id. Deleted rows need nothing: the directory re-reads candidates by
-- id. Same number as Sqlite/Migrations/0006_near_miss_feed.sql.
ALTER TABLE patient_addresses ADD COLUMN keyed_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE patient_addresses ALTER COLUMN keyed_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX ix_patient_addresses_keyed_xid ON patient_addresses (keyed_xid);
-- Statistics for the new column now, so no query plans it from defaults until autovacuum runs.
ANALYZE patient_addresses;
