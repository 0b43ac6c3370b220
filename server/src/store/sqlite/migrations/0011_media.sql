-- Media (issue 12): resumable uploads in progress, and the files they became.

-- An upload receiving bytes (tus). Its bytes are in the instance's spool directory; `offset`
-- is how many of them are durably written (fsynced), which HEAD reports so a client that lost
-- its connection resumes there. Unfinished uploads are removed after 24 hours.
CREATE TABLE uploads (
    id            TEXT    NOT NULL PRIMARY KEY,
    owner_id      TEXT    NOT NULL REFERENCES users (id),
    group_id      TEXT    NOT NULL REFERENCES groups (id),
    timeline      TEXT    NOT NULL CHECK (timeline IN ('care', 'family')),
    filename      TEXT    NOT NULL,
    length        INTEGER NOT NULL CHECK (length >= 0),
    "offset"      INTEGER NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX uploads_by_age ON uploads (created_at_ms);

-- A checked file in the object store (id = its upload's id). Unattached (post_id NULL) only
-- its uploader sees it; once on a post, whoever reads the post's timeline. A video's poster is
-- an image row with `poster_for` set: its thumbnail serves as the video's, it is never listed.
CREATE TABLE media (
    id            TEXT    NOT NULL PRIMARY KEY,
    owner_id      TEXT    NOT NULL REFERENCES users (id),
    group_id      TEXT    NOT NULL REFERENCES groups (id),
    timeline      TEXT    NOT NULL CHECK (timeline IN ('care', 'family')),
    post_id       TEXT    REFERENCES posts (id),
    -- Order among the post's attachments.
    position      INTEGER NOT NULL DEFAULT 0,
    kind          TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    width         INTEGER,
    height        INTEGER,
    object_key    TEXT    NOT NULL,
    thumbnail_key TEXT,
    poster_for    TEXT    REFERENCES media (id),
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX media_by_post ON media (post_id, position) WHERE post_id IS NOT NULL;
CREATE INDEX media_by_group ON media (group_id, created_at_ms DESC, id DESC)
    WHERE post_id IS NOT NULL AND poster_for IS NULL;
CREATE INDEX media_unattached ON media (created_at_ms) WHERE post_id IS NULL;
