-- 0005: registry management. Folded name keys for accent- and case-insensitive search (NameKey.Fold,
-- computed by the application; existing rows are filled by the clinicmail_fold() function that
-- SqliteDatabase registers on every connection), and near-miss indexes that cover the candidate
-- filter: the clinicmail_near() test runs on index entries, and only survivors touch the table.
-- Address keys of version 2 (AddressKeys.AlgorithmVersion) are recomputed at start-up by
-- RefreshAddressKeysAsync, not here (the folding rules live in C#).

ALTER TABLE patients ADD COLUMN family_key TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN given_key  TEXT NOT NULL DEFAULT '';
UPDATE patients SET family_key = clinicmail_fold(family_name), given_key = clinicmail_fold(given_name);
CREATE INDEX ix_patients_family_key ON patients (family_key, given_key);
CREATE INDEX ix_patients_given_key ON patients (given_key);

-- Near-miss keys version 2 (AddressKeys): a third, "outer" key; the re-keying fills it.
ALTER TABLE patient_addresses ADD COLUMN local_outer TEXT NOT NULL DEFAULT '';
DROP INDEX ix_patient_addresses_domain_prefix;
DROP INDEX ix_patient_addresses_domain_suffix;
CREATE INDEX ix_patient_addresses_near_prefix ON patient_addresses (domain, local_length, local_prefix, skeleton);
CREATE INDEX ix_patient_addresses_near_suffix ON patient_addresses (domain, local_length, local_suffix, skeleton);
CREATE INDEX ix_patient_addresses_near_outer ON patient_addresses (domain, local_length, local_outer, skeleton);
-- keys_version is only ever compared with <> (re-keying after an upgrade): an index cannot serve that; one fewer index to maintain on import.
DROP INDEX ix_patient_addresses_keys_version;
