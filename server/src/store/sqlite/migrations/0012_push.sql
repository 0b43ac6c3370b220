-- Web Push (issue 13): the server's VAPID key pair, one subscription per device, per-group
-- mutes and the re-notification of urgent posts until acknowledged.

-- One row: the first instance to start inserts it, every instance then reads the same pair, so
-- subscriptions made through any instance are signed for by all.
CREATE TABLE push_vapid_key (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    -- The P-256 private scalar, base64url (32 bytes): the public key is derived from it.
    private_key   TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

-- A device's subscription belongs to its user; the endpoint (the browser's push address) names
-- the device, so a device is subscribed once, to whoever registered it last. It outlives the
-- idle expiry of the session that registered it: the link becomes NULL and pushes go on. It
-- ends when that session logs out, when all the account's sessions end (password reset, a new
-- activation link, suspension, offboarding), on unsubscribing, or when the push service says
-- it is gone. A session has at most one: registering another endpoint replaces it.
CREATE TABLE push_subscriptions (
    endpoint           TEXT    NOT NULL PRIMARY KEY,
    user_id            TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_token_hash TEXT    UNIQUE REFERENCES sessions (token_hash) ON DELETE SET NULL,
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
