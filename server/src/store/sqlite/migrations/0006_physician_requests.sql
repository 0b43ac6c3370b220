-- Requests that wait for the attending physician now include changing the physician
-- ('physician_change': invitee is the proposed successor, NULL for none) and removing them
-- ('physician_removal'). SQLite cannot alter a CHECK constraint, so the table is rebuilt;
-- nothing references it.
CREATE TABLE invitations_new (
    id              TEXT    NOT NULL PRIMARY KEY,
    group_id        TEXT    NOT NULL REFERENCES groups (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('member', 'family', 'registration',
                                                     'physician_change', 'physician_removal')),
    status          TEXT    NOT NULL
        CHECK (status IN ('pending_physician', 'open', 'accepted', 'declined', 'revoked')),
    invitee_id      TEXT    REFERENCES users (id),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'member', 'family')),
    invited_by      TEXT    NOT NULL REFERENCES users (id),
    -- Links only: SHA-256 (hex) of the secret token; the token itself is never stored.
    token_hash      TEXT    UNIQUE,
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER,
    decided_by      TEXT    REFERENCES users (id),
    decided_at_ms   INTEGER,
    decline_reason  TEXT
) STRICT;

INSERT INTO invitations_new SELECT id, group_id, kind, status, invitee_id, role, invited_by,
    token_hash, created_at_ms, expires_at_ms, decided_by, decided_at_ms, decline_reason
FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
CREATE INDEX invitations_by_group ON invitations (group_id, created_at_ms);
