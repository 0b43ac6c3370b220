-- Web Push (issue 13): the server's VAPID key pair, one subscription per session, per-group
-- mutes and the re-notification of urgent posts until acknowledged.

-- One row: the first instance to start inserts it, every instance then reads the same pair, so
-- subscriptions made through any instance are signed for by all.
CREATE TABLE push_vapid_key (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    -- The P-256 private scalar, base64url (32 bytes): the public key is derived from it.
    private_key   TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

-- A device's subscription belongs to its session: logout, expiry, a password reset or
-- offboarding delete the session and, with it, the subscription.
CREATE TABLE push_subscriptions (
    session_token_hash TEXT    NOT NULL PRIMARY KEY
        REFERENCES sessions (token_hash) ON DELETE CASCADE,
    user_id            TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint           TEXT    NOT NULL,
    p256dh             TEXT    NOT NULL,
    auth               TEXT    NOT NULL,
    created_at_ms      INTEGER NOT NULL
) STRICT;

CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

-- A member's mute of a group; leaving the group forgets it.
CREATE TABLE group_mutes (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (group_id, user_id) REFERENCES group_members (group_id, user_id) ON DELETE CASCADE
) STRICT;

-- An urgent post's re-notification: due at `next_at_ms`, `rounds_left` more times. An instance
-- claims a round by moving `next_at_ms` on in one UPDATE, so of several instances only one
-- sends it.
CREATE TABLE push_reminders (
    post_id     TEXT    NOT NULL PRIMARY KEY REFERENCES posts (id),
    next_at_ms  INTEGER NOT NULL,
    rounds_left INTEGER NOT NULL CHECK (rounds_left >= 0)
) STRICT;

CREATE INDEX push_reminders_due ON push_reminders (next_at_ms);
