-- The live timeline: importance, replies, mentions, edit history and soft deletion, per-post
-- read receipts and acknowledgements, full-text search, and the event log behind
-- `GET /api/v1/events`. Nothing here is ever physically deleted by a user action: a deleted
-- post keeps its row (its body is emptied, every earlier text stays in post_revisions).

ALTER TABLE posts ADD COLUMN importance TEXT NOT NULL DEFAULT 'normal'
    CHECK (importance IN ('normal', 'important', 'urgent'));
ALTER TABLE posts ADD COLUMN reply_to_id TEXT REFERENCES posts (id);
ALTER TABLE posts ADD COLUMN edited_at_ms INTEGER;
ALTER TABLE posts ADD COLUMN deleted_at_ms INTEGER;
-- 1 on creation, +1 per edit or deletion; the post's ETag.
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

-- "Only important (or urgent) posts" of one timeline, newest first, without scanning the normal
-- ones. Queries say `importance <> 'normal'` literally so the planner can use it.
CREATE INDEX posts_important ON posts (group_id, timeline, created_at_ms, id)
    WHERE importance <> 'normal';
-- The urgent banner: live urgent posts of a group, oldest first.
CREATE INDEX posts_urgent ON posts (group_id, created_at_ms, id)
    WHERE importance = 'urgent' AND deleted_at_ms IS NULL;

-- Every state a person-written post has been in, version 1 (created) included. Written by the
-- triggers below, so no code path can change a post without leaving its revision; append-only
-- like the audit log. In v1 only the author revises a post, so `by_user_id` is the author.
CREATE TABLE post_revisions (
    post_id    TEXT    NOT NULL REFERENCES posts (id),
    version    INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('created', 'edited', 'deleted')),
    by_user_id TEXT    NOT NULL REFERENCES users (id),
    at_ms      INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    importance TEXT    NOT NULL CHECK (importance IN ('normal', 'important', 'urgent')),
    PRIMARY KEY (post_id, version)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER post_revisions_no_update BEFORE UPDATE ON post_revisions
BEGIN
    SELECT RAISE(ABORT, 'post_revisions is append-only');
END;

CREATE TRIGGER post_revisions_no_delete BEFORE DELETE ON post_revisions
BEGIN
    SELECT RAISE(ABORT, 'post_revisions is append-only');
END;

-- System entries (membership changes) have no history: nobody wrote them.
CREATE TRIGGER posts_revision_created AFTER INSERT ON posts
WHEN NEW.system IS NULL
BEGIN
    INSERT INTO post_revisions (post_id, version, kind, by_user_id, at_ms, body, importance)
    VALUES (NEW.id, NEW.version, 'created', NEW.author_id, NEW.created_at_ms, NEW.body,
            NEW.importance);
END;

CREATE TRIGGER posts_revision_changed AFTER UPDATE OF version ON posts
WHEN NEW.system IS NULL AND NEW.version > OLD.version
BEGIN
    INSERT INTO post_revisions (post_id, version, kind, by_user_id, at_ms, body, importance)
    VALUES (NEW.id, NEW.version,
            CASE WHEN NEW.deleted_at_ms IS NOT NULL THEN 'deleted' ELSE 'edited' END,
            NEW.author_id, COALESCE(NEW.deleted_at_ms, NEW.edited_at_ms, NEW.created_at_ms),
            NEW.body, NEW.importance);
END;

INSERT INTO post_revisions (post_id, version, kind, by_user_id, at_ms, body, importance)
SELECT id, 1, 'created', author_id, created_at_ms, body, importance
FROM posts WHERE system IS NULL;

-- Members mentioned in a post (at most 50, checked by the server).
CREATE TABLE post_mentions (
    post_id TEXT NOT NULL REFERENCES posts (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (post_id, user_id)
) STRICT, WITHOUT ROWID;

-- "Unread posts that mention me", per group, from the mentioned user's side.
CREATE INDEX post_mentions_by_user ON post_mentions (user_id, post_id);

-- Who read which post when (既読): written when a read marker moves over the post; never for
-- the author's own posts or system entries.
CREATE TABLE post_reads (
    post_id    TEXT    NOT NULL REFERENCES posts (id),
    user_id    TEXT    NOT NULL REFERENCES users (id),
    read_at_ms INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) STRICT, WITHOUT ROWID;

-- Markers set before this migration: their posts count as read, at the marker's time (the
-- real time is unknown; this is the earliest it can have been).
INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at_ms)
SELECT p.id, r.user_id, r.up_to_ms
FROM read_markers r
JOIN posts p ON p.group_id = r.group_id AND p.timeline = r.timeline
WHERE p.system IS NULL AND p.author_id <> r.user_id
  AND (p.created_at_ms < r.up_to_ms OR (p.created_at_ms = r.up_to_ms AND p.id <= r.up_to_id));

-- Acknowledgements (見ました).
CREATE TABLE post_acks (
    post_id     TEXT    NOT NULL REFERENCES posts (id),
    user_id     TEXT    NOT NULL REFERENCES users (id),
    acked_at_ms INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
) STRICT, WITHOUT ROWID;

-- Events for `GET /api/v1/events`, kept 7 days. `timeline` NULL: the event concerns the whole
-- group (e.g. member.changed), visible to every member; otherwise only to members who may read
-- that timeline. `data` is the SSE `data:` JSON. The AUTOINCREMENT id is the SSE `id:`: never
-- reused, even after pruning, so a `Last-Event-ID` can always be compared.
CREATE TABLE events (
    id       INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at_ms    INTEGER NOT NULL,
    group_id TEXT    NOT NULL REFERENCES groups (id),
    timeline TEXT    CHECK (timeline IS NULL OR timeline IN ('care', 'family')),
    name     TEXT    NOT NULL,
    data     TEXT    NOT NULL CHECK (json_valid(data))
) STRICT;

CREATE INDEX events_by_age ON events (at_ms);

-- Full-text search over the current text of live, person-written posts. The trigram tokenizer
-- finds any substring of 3+ characters, which Japanese (no spaces between words) needs.
-- posts has a TEXT primary key, so its implicit rowid may change on VACUUM; the FTS rows are
-- keyed by a stable integer from post_search_keys instead.
CREATE TABLE post_search_keys (
    fts_rowid INTEGER NOT NULL PRIMARY KEY,
    post_id   TEXT    NOT NULL UNIQUE REFERENCES posts (id)
) STRICT;

CREATE VIRTUAL TABLE posts_fts USING fts5 (body, tokenize = 'trigram');

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
WHEN NEW.system IS NULL AND NEW.deleted_at_ms IS NULL
BEGIN
    INSERT INTO post_search_keys (post_id) VALUES (NEW.id);
    INSERT INTO posts_fts (rowid, body)
    SELECT fts_rowid, NEW.body FROM post_search_keys WHERE post_id = NEW.id;
END;

-- An edit replaces the indexed text; a deletion removes it.
CREATE TRIGGER posts_fts_update AFTER UPDATE OF body, deleted_at_ms ON posts
WHEN NEW.system IS NULL
BEGIN
    DELETE FROM posts_fts
    WHERE rowid = (SELECT fts_rowid FROM post_search_keys WHERE post_id = NEW.id);
    INSERT INTO posts_fts (rowid, body)
    SELECT fts_rowid, NEW.body FROM post_search_keys
    WHERE post_id = NEW.id AND NEW.deleted_at_ms IS NULL;
END;

INSERT INTO post_search_keys (post_id)
SELECT id FROM posts WHERE system IS NULL ORDER BY created_at_ms, id;
INSERT INTO posts_fts (rowid, body)
SELECT k.fts_rowid, p.body FROM post_search_keys k JOIN posts p ON p.id = k.post_id;
