-- Media (issue 12): resumable uploads in progress, and the files they became. See the SQLite
-- migration 0011 for what each column means.

CREATE TABLE uploads (
    id            uuid   NOT NULL PRIMARY KEY,
    owner_id      uuid   NOT NULL REFERENCES users (id),
    group_id      uuid   NOT NULL REFERENCES groups (id),
    timeline      text   NOT NULL CHECK (timeline IN ('care', 'family')),
    filename      text   NOT NULL,
    length        bigint NOT NULL CHECK (length >= 0),
    "offset"      bigint NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
    created_at_ms bigint NOT NULL
);
CREATE INDEX uploads_by_age ON uploads (created_at_ms);

CREATE TABLE media (
    id            uuid   NOT NULL PRIMARY KEY,
    owner_id      uuid   NOT NULL REFERENCES users (id),
    group_id      uuid   NOT NULL REFERENCES groups (id),
    timeline      text   NOT NULL CHECK (timeline IN ('care', 'family')),
    post_id       uuid   REFERENCES posts (id),
    position      bigint NOT NULL DEFAULT 0,
    kind          text   NOT NULL,
    content_type  text   NOT NULL,
    name          text   NOT NULL,
    size          bigint NOT NULL CHECK (size >= 0),
    width         bigint,
    height        bigint,
    object_key    text   NOT NULL,
    thumbnail_key text,
    poster_for    uuid   REFERENCES media (id),
    created_at_ms bigint NOT NULL
);
CREATE INDEX media_by_post ON media (post_id, position) WHERE post_id IS NOT NULL;
CREATE INDEX media_by_group ON media (group_id, created_at_ms DESC, id DESC)
    WHERE post_id IS NOT NULL AND poster_for IS NULL;
CREATE INDEX media_unattached ON media (created_at_ms) WHERE post_id IS NULL;
