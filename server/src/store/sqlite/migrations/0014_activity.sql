-- The operator's adoption dashboard (issue 14): who used the system on which day, and the
-- indexes its aggregate queries read through.

-- One row per account per JST calendar day on which it made an authenticated request (logging
-- in included). `day` is (unix_ms + 9 h) / 24 h: the JST day since 1970-01-01. Written in the
-- batches of session touches, at most once per account and day per process (an in-memory set)
-- and idempotently (ON CONFLICT DO NOTHING) across processes. No foreign key, like audit_log:
-- a failed activity row must never fail the batch of audit rows it travels with.
CREATE TABLE activity_days (
    user_id TEXT    NOT NULL,
    day     INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

-- Weekly active users: a range of days, distinct accounts, read from the index alone.
CREATE INDEX activity_days_by_day ON activity_days (day, user_id);

-- Activity before this migration: the days each account wrote a post or logged in (the access
-- log), so facilities that used the system before it counted are not listed as never active.
INSERT OR IGNORE INTO activity_days (user_id, day)
    SELECT DISTINCT author_id, (created_at_ms + 32400000) / 86400000 FROM posts
    WHERE system IS NULL;
INSERT OR IGNORE INTO activity_days (user_id, day)
    SELECT DISTINCT user_id, (at_ms + 32400000) / 86400000 FROM audit_log
    WHERE action = 'session.create' AND user_id IS NOT NULL;

-- A facility's staff (also the staff list).
CREATE INDEX users_by_facility ON users (facility_id) WHERE facility_id IS NOT NULL;

-- Posts of a period by author (posts per week and per facility kind): person-written only.
CREATE INDEX posts_by_time ON posts (created_at_ms, author_id) WHERE system IS NULL;

-- Patient groups created per month.
CREATE INDEX groups_patient_by_time ON groups (created_at_ms) WHERE kind = 'patient';

-- Facilities never active, longest waiting first.
CREATE INDEX facilities_by_time ON facilities (created_at_ms, id);
