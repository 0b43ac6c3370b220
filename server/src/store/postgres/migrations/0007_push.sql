-- Web Push (issue 13). See the SQLite migration 0012 for what each table means.

CREATE TABLE push_vapid_key (
    id            integer NOT NULL PRIMARY KEY CHECK (id = 1),
    private_key   text    NOT NULL,
    created_at_ms bigint  NOT NULL
);

CREATE TABLE push_subscriptions (
    endpoint           text   NOT NULL PRIMARY KEY,
    user_id            uuid   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_token_hash text   UNIQUE REFERENCES sessions (token_hash) ON DELETE SET NULL,
    p256dh             text   NOT NULL,
    auth               text   NOT NULL,
    created_at_ms      bigint NOT NULL
);

CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

CREATE TABLE group_mutes (
    group_id uuid NOT NULL,
    user_id  uuid NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (group_id, user_id) REFERENCES group_members (group_id, user_id) ON DELETE CASCADE
);

CREATE TABLE push_reminders (
    post_id     uuid   NOT NULL PRIMARY KEY REFERENCES posts (id),
    next_at_ms  bigint NOT NULL,
    rounds_left bigint NOT NULL CHECK (rounds_left >= 0)
);

CREATE INDEX push_reminders_due ON push_reminders (next_at_ms);
