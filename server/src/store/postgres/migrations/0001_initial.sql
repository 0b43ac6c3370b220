-- The PostgreSQL schema of the Tsunagu reference backend: the state SQLite reaches after its
-- migrations 0001-0007 (src/store/sqlite/migrations/), in one step, since no PostgreSQL database
-- predates it. Each later change gets a numbered migration here as well as there.
--
-- Types (see README.md beside this directory for the reasons):
--   * ids are `uuid` (16 bytes, validated); the store binds and decodes `uuid::Uuid`. uuid
--     orders bytewise, which is the order of SQLite's lowercase hyphenated text, so every keyset
--     cursor `(created_at_ms, id)` pages the same way on both backends.
--   * times and every other integer are BIGINT (Unix milliseconds, UTC), so the store decodes
--     i64 on both backends; flags are boolean.
--   * JSON kept as given (events.data, the SSE payload byte for byte; posts.system) is TEXT with
--     a CHECK that it parses, like SQLite's json_valid: `json` would make every bind say ::json.
--   * the login ID is unique ignoring ASCII case, exactly SQLite's COLLATE NOCASE, through
--     login_key() below.

-- Japanese substring search (posts.search_text) and its GIN index need pg_trgm, and pg_trgm
-- takes kana and kanji as word characters only under a UTF-8 ctype: under LC_CTYPE=C a Japanese
-- query would extract no trigram and always scan. Refuse such a database at once rather than
-- search slowly forever; create it with ENCODING 'UTF8' and e.g. LOCALE 'C.UTF-8'.
-- pg_trgm is a trusted extension: the database owner creates it, no superuser needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
BEGIN
    IF pg_encoding_to_char((SELECT encoding FROM pg_database
                            WHERE datname = current_database())) <> 'UTF8' THEN
        RAISE EXCEPTION 'Tsunagu needs a UTF8 database (this one is %)',
            pg_encoding_to_char((SELECT encoding FROM pg_database
                                 WHERE datname = current_database()));
    END IF;
    IF show_trgm('かろなーる') = '{}' THEN
        RAISE EXCEPTION 'pg_trgm finds no trigram in Japanese text under LC_CTYPE %: create the '
            'database with a UTF-8 locale (e.g. LOCALE ''C.UTF-8'')',
            (SELECT datctype FROM pg_database WHERE datname = current_database());
    END IF;
END
$$;

CREATE TABLE facilities (
    id            uuid   NOT NULL PRIMARY KEY,
    name          text   NOT NULL,
    name_kana     text   NOT NULL,
    kind          text   NOT NULL,
    created_at_ms bigint NOT NULL
);

-- What makes two login IDs the same: SQLite's NOCASE folds ASCII A-Z only, and so does lower()
-- under the "C" collation, whatever the database's locale (under C.UTF-8 lower() would also fold
-- "Ａ" to "ａ" and so refuse accounts that SQLite accepts). A login looks the user up with
-- `WHERE login_key(login_id) = login_key($1)`, which the unique index below serves (the planner
-- inlines this function on both sides). Not citext: `citext_column = $1` with a text parameter
-- silently compares case-sensitively. Not a nondeterministic ICU collation: it also ignores
-- width and forbids LIKE.
CREATE FUNCTION login_key(login_id text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(login_id COLLATE "C");

CREATE TABLE users (
    id                uuid    NOT NULL PRIMARY KEY,
    login_id          text    NOT NULL,
    password_hash     text    NOT NULL,
    display_name      text    NOT NULL,
    display_name_kana text    NOT NULL,
    profession        text    NOT NULL,
    facility_id       uuid    REFERENCES facilities (id),
    created_at_ms     bigint  NOT NULL,
    disabled          boolean NOT NULL DEFAULT false,
    -- Operator (medical association secretariat) and facility representative; family accounts
    -- have profession 'family', no facility, and their relationship to the patient.
    is_operator       boolean NOT NULL DEFAULT false,
    is_facility_admin boolean NOT NULL DEFAULT false,
    relationship      text
);

-- Phone keyboards capitalise the first letter; "Dr.sato" must still log in, and cannot be
-- registered next to "dr.sato". The unique index makes a concurrent second registration fail
-- (the store maps unique_violation to login_id_taken) instead of relying on a check first.
CREATE UNIQUE INDEX users_login_key ON users (login_key(login_id));

CREATE TABLE groups (
    id                     uuid    NOT NULL PRIMARY KEY,
    kind                   text    NOT NULL CHECK (kind IN ('patient', 'workplace', 'direct')),
    name                   text    NOT NULL,
    name_kana              text,
    created_by             uuid    NOT NULL REFERENCES users (id),
    created_at_ms          bigint  NOT NULL,
    -- Denormalised newest post time, kept by the post insert, so the group list sorts by
    -- activity without scanning posts.
    last_post_at_ms        bigint,
    archived               boolean NOT NULL DEFAULT false,
    -- Patient profile (patient groups only).
    patient_name           text,
    patient_name_kana      text,
    patient_birth_date     text,
    attending_physician_id uuid    REFERENCES users (id),
    care_manager_id        uuid    REFERENCES users (id),
    patient_notes          text    NOT NULL DEFAULT '',
    physician_rule         text
        CHECK (physician_rule IN ('approval_required', 'inform_only')),
    -- Direct messages: '<smaller user id>|<larger user id>', unique, so a pair has one DM (a
    -- concurrent second "open DM" hits the unique index and reads the first).
    direct_key             text
);

CREATE UNIQUE INDEX groups_direct_key ON groups (direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX groups_by_physician ON groups (attending_physician_id)
    WHERE attending_physician_id IS NOT NULL;

CREATE TABLE group_members (
    group_id     uuid   NOT NULL REFERENCES groups (id),
    user_id      uuid   NOT NULL REFERENCES users (id),
    role         text   NOT NULL CHECK (role IN ('admin', 'member', 'family')),
    joined_at_ms bigint NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- "Which groups am I in" is the hot lookup; the primary key serves the other direction.
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE posts (
    id            uuid   NOT NULL PRIMARY KEY,
    group_id      uuid   NOT NULL REFERENCES groups (id),
    author_id     uuid   NOT NULL REFERENCES users (id),
    body          text   NOT NULL,
    created_at_ms bigint NOT NULL,
    -- Which timeline a post is in, and for system entries (membership changes) their content
    -- as JSON: {"kind", "actor_id", "subject_id", "detail"}; their body is empty.
    timeline      text   NOT NULL DEFAULT 'care' CHECK (timeline IN ('care', 'family')),
    system        text   CHECK (system IS NULL OR system::json IS NOT NULL),
    importance    text   NOT NULL DEFAULT 'normal'
        CHECK (importance IN ('normal', 'important', 'urgent')),
    reply_to_id   uuid   REFERENCES posts (id),
    edited_at_ms  bigint,
    deleted_at_ms bigint,
    -- 1 on creation, +1 per edit or deletion; the post's ETag.
    version       bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The body folded by the server (tsunagu_api::kana::fold: full-/half-width, katakana and
    -- hiragana, case, spaces and control characters), which search matches. SQLite falls back to
    -- the body for rows older than its fold; here every person-written post has its fold from
    -- the start, so search says `p.search_text LIKE ...` and the trigram index serves it.
    search_text   text   CHECK (system IS NOT NULL OR search_text IS NOT NULL)
);

-- The timeline's keyset: every page is a range scan of this index in either direction.
CREATE INDEX posts_timeline ON posts (group_id, created_at_ms, id);
-- The keyset of one timeline of a group.
CREATE INDEX posts_by_timeline ON posts (group_id, timeline, created_at_ms, id);
-- "Only important (or urgent) posts" of one timeline, newest first, without scanning the normal
-- ones. Queries say `importance <> 'normal'` literally so the planner can use it.
CREATE INDEX posts_important ON posts (group_id, timeline, created_at_ms, id)
    WHERE importance <> 'normal';
-- The urgent banner: live urgent posts of a group, oldest first.
CREATE INDEX posts_urgent ON posts (group_id, created_at_ms, id)
    WHERE importance = 'urgent' AND deleted_at_ms IS NULL;

-- Search: SQLite's FTS5 trigram table, its key table and triggers become one GIN trigram index
-- on the folded text of live, person-written posts. pg_trgm answers `search_text LIKE '%q%'`
-- for q of 3+ characters from the index (then rechecks each row); for 1-2 characters it
-- extracts no trigram, and the planner scans the caller's groups' posts instead, as SQLite does
-- for every query. The search must still say `p.system IS NULL AND p.deleted_at_ms IS NULL`
-- (so this partial index applies) and join group_members on the caller: the index finds
-- matches in every group, and only the join keeps them to the caller's.
-- fastupdate off: with it, new entries wait in a pending list that every search reads whole
-- until (auto)vacuum merges it, and the planner, counting that, falls back to a sequential scan.
-- Posts are written rarely and are short, so each insert updates the index at once.
CREATE INDEX posts_search_trgm ON posts USING gin (search_text gin_trgm_ops)
    WITH (fastupdate = off)
    WHERE system IS NULL AND deleted_at_ms IS NULL;

-- Everything up to (up_to_ms, up_to_id) in this timeline has been read by the user.
CREATE TABLE read_markers (
    group_id uuid   NOT NULL REFERENCES groups (id),
    user_id  uuid   NOT NULL REFERENCES users (id),
    timeline text   NOT NULL CHECK (timeline IN ('care', 'family')),
    up_to_ms bigint NOT NULL,
    up_to_id uuid   NOT NULL,
    PRIMARY KEY (group_id, user_id, timeline)
);

-- Member invitations and requests waiting for the attending physician ('physician_change':
-- invitee is the proposed successor, NULL for none; 'physician_removal'), and one-time links
-- (family, registration). 'expired' is not stored: an open link past expires_at_ms is expired.
CREATE TABLE invitations (
    id             uuid   NOT NULL PRIMARY KEY,
    group_id       uuid   NOT NULL REFERENCES groups (id),
    kind           text   NOT NULL CHECK (kind IN ('member', 'family', 'registration',
                                                   'physician_change', 'physician_removal')),
    status         text   NOT NULL
        CHECK (status IN ('pending_physician', 'open', 'accepted', 'declined', 'revoked')),
    invitee_id     uuid   REFERENCES users (id),
    role           text   NOT NULL CHECK (role IN ('admin', 'member', 'family')),
    invited_by     uuid   NOT NULL REFERENCES users (id),
    -- Links only: SHA-256 (hex) of the secret token; the token itself is never stored.
    token_hash     text   UNIQUE,
    created_at_ms  bigint NOT NULL,
    expires_at_ms  bigint,
    decided_by     uuid   REFERENCES users (id),
    decided_at_ms  bigint,
    decline_reason text
);

CREATE INDEX invitations_by_group ON invitations (group_id, created_at_ms);

CREATE TABLE sessions (
    -- SHA-256 (hex) of the bearer token: a stolen database does not yield usable tokens.
    token_hash    text   NOT NULL PRIMARY KEY,
    user_id       uuid   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms bigint NOT NULL,
    last_seen_ms  bigint NOT NULL,
    expires_at_ms bigint NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);

CREATE TABLE idempotency_keys (
    user_id       uuid   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key           text   NOT NULL,
    -- SHA-256 (hex) of method, path and canonical body of the first request.
    fingerprint   text   NOT NULL,
    status        bigint NOT NULL,
    response_body text   NOT NULL,
    created_at_ms bigint NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at_ms);

-- Access log required by the MHLW guideline: who touched which patient's data, when.
-- No foreign keys: a log row must never block or cascade with changes elsewhere.
-- client_ip stays text (as SQLite): inet would need a feature of sqlx that only this uses.
CREATE TABLE audit_log (
    id        bigint NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms     bigint NOT NULL,
    user_id   uuid,
    action    text   NOT NULL,
    group_id  uuid,
    target_id uuid,
    client_ip text
);

CREATE INDEX audit_log_by_group ON audit_log (group_id, at_ms);
CREATE INDEX audit_log_by_user ON audit_log (user_id, at_ms);

-- Append-only: the application (or anyone using its connection) cannot rewrite history. Row
-- triggers refuse UPDATE and DELETE, a statement trigger TRUNCATE (which fires no row trigger).
-- The table's owner could drop the triggers; a deployment that wants more runs the server as a
-- role that owns nothing and has only SELECT, INSERT on it.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Every state a person-written post has been in, version 1 (created) included. Written by the
-- triggers below, so no code path can change a post without leaving its revision; append-only
-- like the audit log. In v1 only the author revises a post, so `by_user_id` is the author.
CREATE TABLE post_revisions (
    post_id    uuid   NOT NULL REFERENCES posts (id),
    version    bigint NOT NULL,
    kind       text   NOT NULL CHECK (kind IN ('created', 'edited', 'deleted')),
    by_user_id uuid   NOT NULL REFERENCES users (id),
    at_ms      bigint NOT NULL,
    body       text   NOT NULL,
    importance text   NOT NULL CHECK (importance IN ('normal', 'important', 'urgent')),
    PRIMARY KEY (post_id, version)
);

CREATE TRIGGER post_revisions_no_update BEFORE UPDATE ON post_revisions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER post_revisions_no_delete BEFORE DELETE ON post_revisions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER post_revisions_no_truncate BEFORE TRUNCATE ON post_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- System entries (membership changes) have no history: nobody wrote them.
CREATE FUNCTION posts_revision_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_revisions (post_id, version, kind, by_user_id, at_ms, body, importance)
    VALUES (NEW.id, NEW.version, 'created', NEW.author_id, NEW.created_at_ms, NEW.body,
            NEW.importance);
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_revision_created AFTER INSERT ON posts
    FOR EACH ROW WHEN (NEW.system IS NULL) EXECUTE FUNCTION posts_revision_created();

CREATE FUNCTION posts_revision_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO post_revisions (post_id, version, kind, by_user_id, at_ms, body, importance)
    VALUES (NEW.id, NEW.version,
            CASE WHEN NEW.deleted_at_ms IS NOT NULL THEN 'deleted' ELSE 'edited' END,
            NEW.author_id, COALESCE(NEW.deleted_at_ms, NEW.edited_at_ms, NEW.created_at_ms),
            NEW.body, NEW.importance);
    RETURN NULL;
END
$$;

CREATE TRIGGER posts_revision_changed AFTER UPDATE OF version ON posts
    FOR EACH ROW WHEN (NEW.system IS NULL AND NEW.version > OLD.version)
    EXECUTE FUNCTION posts_revision_changed();

-- Members mentioned in a post (at most 50, checked by the server).
CREATE TABLE post_mentions (
    post_id uuid NOT NULL REFERENCES posts (id),
    user_id uuid NOT NULL REFERENCES users (id),
    PRIMARY KEY (post_id, user_id)
);

-- "Unread posts that mention me", per group, from the mentioned user's side.
CREATE INDEX post_mentions_by_user ON post_mentions (user_id, post_id);

-- Who read which post when (既読): written when a read marker moves over the post; never for
-- the author's own posts or system entries.
CREATE TABLE post_reads (
    post_id    uuid   NOT NULL REFERENCES posts (id),
    user_id    uuid   NOT NULL REFERENCES users (id),
    read_at_ms bigint NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- Acknowledgements (見ました).
CREATE TABLE post_acks (
    post_id     uuid   NOT NULL REFERENCES posts (id),
    user_id     uuid   NOT NULL REFERENCES users (id),
    acked_at_ms bigint NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- Events for `GET /api/v1/events`, kept 7 days. `timeline` NULL: the event concerns the whole
-- group (e.g. member.changed), visible to every member; otherwise only to members who may read
-- that timeline. `user_id` set: addressed to that user alone (the member who was removed or
-- left), not to the group's members. `data` is the SSE `data:` JSON. The id is the SSE `id:`:
-- never reused, even after pruning, so a `Last-Event-ID` can always be compared.
--
-- Ids in commit order. A stream reads `WHERE id > $last ORDER BY id` and moves $last on. With
-- several writers a plain sequence is not enough: transaction A takes id 6, B takes 7 and
-- commits first, a reader sees 7 and moves past 6, A commits 6, and that reader never sees it.
-- SQLite cannot do this (one writer at a time); PostgreSQL with several server instances can.
--
-- Chosen: an INSERT into events first takes a transaction-scoped advisory lock keyed by this
-- table, in a BEFORE ... FOR EACH STATEMENT trigger. Statement triggers fire before the
-- statement computes its rows, so the identity's nextval() runs under the lock; the lock is
-- released only after the commit has become visible. Hence ids are assigned and become visible
-- in the same order: whenever id n is visible, every lower id is visible or will never be
-- (rolled back), and `id > $last` skips nothing. The trigger makes it hold for every code path
-- and every instance sharing the database.
-- Cost: transactions that write events commit one at a time from their first event insert on.
-- So a transaction inserts its events last, right before COMMIT, and takes no other lock after
-- them (which could deadlock with a writer waiting here); the lock is then held for one
-- INSERT and one commit, about a WAL flush (~1-5 ms on an SSD with synchronous_commit on: a
-- few hundred event-writing transactions a second, plenty for a care team's posts).
-- Rejected: readers that read only below the oldest in-flight writer (pg_snapshot_xmin and a
-- xid8 column) keep commits parallel but need a two-part cursor, where the SSE id is one
-- integer; a table LOCK in the inserting transaction deadlocks against other inserters that
-- already hold ROW EXCLUSIVE.
CREATE TABLE events (
    id       bigint NOT NULL GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms    bigint NOT NULL,
    group_id uuid   NOT NULL REFERENCES groups (id),
    timeline text   CHECK (timeline IS NULL OR timeline IN ('care', 'family')),
    name     text   NOT NULL,
    data     text   NOT NULL CHECK (data::json IS NOT NULL),
    user_id  uuid   REFERENCES users (id)
);

CREATE INDEX events_by_age ON events (at_ms);

CREATE FUNCTION events_ids_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Keyed by the table's oid: no other advisory lock of this database uses it.
    PERFORM pg_advisory_xact_lock(TG_RELID::bigint);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_ids_in_commit_order BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_ids_in_commit_order();
