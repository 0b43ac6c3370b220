-- Two-factor login (server/src/two_factor.rs). The secret is set at enrolment and used once
-- enabled; `totp_last_step` is the last time step a code was accepted for: only a later one is
-- accepted, so no code works twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1));
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Single-use codes for a lost phone: only their hashes.
CREATE TABLE recovery_codes (
    user_id    TEXT    NOT NULL REFERENCES users (id),
    code_hash  TEXT    NOT NULL,
    used_at_ms INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;
