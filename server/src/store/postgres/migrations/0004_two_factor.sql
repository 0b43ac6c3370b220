-- Two-factor login (server/src/two_factor.rs). The secret is set at enrolment and used once
-- enabled; `totp_last_step` is the last time step a code was accepted for: only a later one is
-- accepted, so no code works twice.
ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- Single-use codes for a lost phone: only their hashes.
CREATE TABLE recovery_codes (
    user_id    uuid   NOT NULL REFERENCES users (id),
    code_hash  text   NOT NULL,
    used_at_ms bigint,
    PRIMARY KEY (user_id, code_hash)
);
