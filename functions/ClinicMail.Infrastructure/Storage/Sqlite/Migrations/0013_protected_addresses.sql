-- 0013: patients' addresses out of the clear (issue 22 item 10). The secure-message and consent-invitation
-- rows keep a keyed hash for look-up (HMAC under a key derived from the one-time code secret, held outside
-- the database) and the address sealed (AES-256-GCM under an address data key wrapped by the key-encryption
-- key: table address_keys). New rows write '' / '[]' in the old columns; rows written before this migration
-- are sealed by the app's startup step (Storage/LegacyAddressProtection.cs), which then blanks the old column
-- and, on SQLite, rewrites the file so the clear text is not left in free pages.
ALTER TABLE secure_access ADD COLUMN address_hash BLOB;
ALTER TABLE secure_access ADD COLUMN address_sealed BLOB;
CREATE INDEX ix_secure_access_address_hash ON secure_access (address_hash);
ALTER TABLE secure_messages ADD COLUMN recipients_sealed BLOB;
ALTER TABLE consent_invitations ADD COLUMN address_hash BLOB;
ALTER TABLE consent_invitations ADD COLUMN address_sealed BLOB;
CREATE INDEX ix_consent_invitations_address_hash ON consent_invitations (address_hash);
-- Address data keys, each wrapped by the key-encryption key (useless without it).
CREATE TABLE address_keys (
    id         TEXT PRIMARY KEY,
    kek_id     TEXT NOT NULL,
    algorithm  TEXT NOT NULL,
    wrapped    BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
