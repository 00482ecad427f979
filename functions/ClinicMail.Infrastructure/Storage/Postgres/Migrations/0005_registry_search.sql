-- 0005 (PostgreSQL): folded name keys for accent- and case-insensitive search (NameKey.Fold,
-- computed by the application). Same number as Sqlite/Migrations/0005_registry_search.sql; 0003
-- and 0004 (secure messages, audit review) are ported from SQLite separately. The registry is
-- created empty by 0001 on PostgreSQL, and the application writes the keys, so no backfill is
-- needed beyond an empty registry.
ALTER TABLE patients ADD COLUMN family_key text NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN given_key  text NOT NULL DEFAULT '';
-- text_pattern_ops: prefix LIKE uses the index whatever the database collation.
CREATE INDEX ix_patients_family_key ON patients (family_key text_pattern_ops);
CREATE INDEX ix_patients_given_key ON patients (given_key text_pattern_ops);
CREATE INDEX ix_patients_order ON patients (family_key, given_key, id);
