-- The operator's adoption dashboard (issue 14). See the SQLite migration 0014 for what each
-- table and index means.

CREATE TABLE activity_days (
    user_id uuid   NOT NULL,
    day     bigint NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE INDEX activity_days_by_day ON activity_days (day, user_id);

INSERT INTO activity_days (user_id, day)
    SELECT DISTINCT author_id, (created_at_ms + 32400000) / 86400000 FROM posts
    WHERE system IS NULL
    ON CONFLICT DO NOTHING;
INSERT INTO activity_days (user_id, day)
    SELECT DISTINCT user_id, (at_ms + 32400000) / 86400000 FROM audit_log
    WHERE action = 'session.create' AND user_id IS NOT NULL
    ON CONFLICT DO NOTHING;

CREATE INDEX users_by_facility ON users (facility_id) WHERE facility_id IS NOT NULL;

CREATE INDEX posts_by_time ON posts (created_at_ms, author_id) WHERE system IS NULL;

CREATE INDEX groups_patient_by_time ON groups (created_at_ms) WHERE kind = 'patient';

CREATE INDEX facilities_by_time ON facilities (created_at_ms, id);
