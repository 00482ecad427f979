-- 0013: patients' addresses out of the clear (issue 22 item 10). The secure-message and consent-invitation
-- rows keep a keyed hash for look-up (HMAC under a key derived from the one-time code secret, held outside
-- the database) and the address sealed (AES-256-GCM under an address data key wrapped by the key-encryption
-- key: table address_keys). New rows write '' / '[]' in the old columns; rows written before this migration
-- are sealed by the app's startup step (Storage/LegacyAddressProtection.cs), which then blanks the old column
-- (old row versions go with VACUUM; autovacuum does it).
ALTER TABLE secure_access ADD COLUMN address_hash bytea;
ALTER TABLE secure_access ADD COLUMN address_sealed bytea;
CREATE INDEX ix_secure_access_address_hash ON secure_access (address_hash);
ALTER TABLE secure_messages ADD COLUMN recipients_sealed bytea;
ALTER TABLE consent_invitations ADD COLUMN address_hash bytea;
ALTER TABLE consent_invitations ADD COLUMN address_sealed bytea;
CREATE INDEX ix_consent_invitations_address_hash ON consent_invitations (address_hash);
-- Address data keys, each wrapped by the key-encryption key (useless without it).
CREATE TABLE address_keys (
    id         text COLLATE "C" PRIMARY KEY,
    kek_id     text        NOT NULL,
    algorithm  text        NOT NULL,
    wrapped    bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
