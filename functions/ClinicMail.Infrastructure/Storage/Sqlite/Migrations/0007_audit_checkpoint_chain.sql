-- 0007: checkpoints form a chain of signed heads. Each new checkpoint signs, beside the head, the link
-- to the checkpoint before it (AuditCheckpoints.Link), so deleting one breaks the next. NULL marks a
-- version-1 checkpoint, signed before this migration with the key-encryption key.
ALTER TABLE audit_checkpoints ADD COLUMN previous TEXT;
