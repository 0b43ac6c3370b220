-- Initial schema of the Tsunagu reference backend.
-- Ids are hyphenated UUID text, times are Unix milliseconds (UTC). STRICT tables make SQLite
-- reject a value of the wrong type instead of silently storing it.

CREATE TABLE facilities (
    id            TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    name_kana     TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id                TEXT    NOT NULL PRIMARY KEY,
    -- NOCASE: phone keyboards capitalise the first letter; "Dr.sato" must still log in.
    login_id          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash     TEXT    NOT NULL,
    display_name      TEXT    NOT NULL,
    display_name_kana TEXT    NOT NULL,
    profession        TEXT    NOT NULL,
    facility_id       TEXT    REFERENCES facilities (id),
    created_at_ms     INTEGER NOT NULL,
    disabled          INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

CREATE TABLE groups (
    id              TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('patient', 'workplace', 'direct')),
    name            TEXT    NOT NULL,
    name_kana       TEXT,
    created_by      TEXT    NOT NULL REFERENCES users (id),
    created_at_ms   INTEGER NOT NULL,
    -- Denormalised newest post time, kept by the post insert, so the group list sorts by
    -- activity without scanning posts.
    last_post_at_ms INTEGER,
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
) STRICT;

CREATE TABLE group_members (
    group_id     TEXT    NOT NULL REFERENCES groups (id),
    user_id      TEXT    NOT NULL REFERENCES users (id),
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'member', 'family')),
    joined_at_ms INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
) STRICT;

-- "Which groups am I in" is the hot lookup; the primary key serves the other direction.
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE posts (
    id            TEXT    NOT NULL PRIMARY KEY,
    group_id      TEXT    NOT NULL REFERENCES groups (id),
    author_id     TEXT    NOT NULL REFERENCES users (id),
    body          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

-- The timeline's keyset: every page is a range scan of this index in either direction.
CREATE INDEX posts_timeline ON posts (group_id, created_at_ms, id);

CREATE TABLE sessions (
    -- SHA-256 (hex) of the bearer token: a stolen database does not yield usable tokens.
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);

CREATE TABLE idempotency_keys (
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    -- SHA-256 (hex) of method, path and canonical body of the first request.
    fingerprint   TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    response_body TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at_ms);

-- Access log required by the MHLW guideline: who touched which patient's data, when.
-- No foreign keys: a log row must never block or cascade with changes elsewhere.
CREATE TABLE audit_log (
    id        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    user_id   TEXT,
    action    TEXT    NOT NULL,
    group_id  TEXT,
    target_id TEXT,
    client_ip TEXT
) STRICT;

CREATE INDEX audit_log_by_group ON audit_log (group_id, at_ms);
CREATE INDEX audit_log_by_user ON audit_log (user_id, at_ms);

-- Append-only: the application (or anyone using its connection) cannot rewrite history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
