-- The audit trail cannot be cut: the chain head is signed with every appended batch (HMAC over
-- ("head", seq, hash, at) under the checkpoint key), so a verifier proves the trail complete up
-- to it and a dropped tail shows. A head from before this migration has no MAC and verifies as
-- unsigned until the next append signs it.
ALTER TABLE audit_head ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';
