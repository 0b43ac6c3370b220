-- Groups and people: patient profiles, the physician rule, direct messages, two timelines per
-- patient group, system entries, read markers, invitations and family accounts.

-- Operator (medical association secretariat) and facility representative flags; family
-- accounts have profession 'family', no facility, and their relationship to the patient.
ALTER TABLE users ADD COLUMN is_operator INTEGER NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1));
ALTER TABLE users ADD COLUMN is_facility_admin INTEGER NOT NULL DEFAULT 0
    CHECK (is_facility_admin IN (0, 1));
ALTER TABLE users ADD COLUMN relationship TEXT;

-- Patient profile (patient groups only).
ALTER TABLE groups ADD COLUMN patient_name TEXT;
ALTER TABLE groups ADD COLUMN patient_name_kana TEXT;
ALTER TABLE groups ADD COLUMN patient_birth_date TEXT;
ALTER TABLE groups ADD COLUMN attending_physician_id TEXT REFERENCES users (id);
ALTER TABLE groups ADD COLUMN care_manager_id TEXT REFERENCES users (id);
ALTER TABLE groups ADD COLUMN patient_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN physician_rule TEXT
    CHECK (physician_rule IN ('approval_required', 'inform_only'));
-- Direct messages: '<smaller user id>|<larger user id>', unique, so a pair has one DM.
ALTER TABLE groups ADD COLUMN direct_key TEXT;
CREATE UNIQUE INDEX groups_direct_key ON groups (direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX groups_by_physician ON groups (attending_physician_id)
    WHERE attending_physician_id IS NOT NULL;

-- Which timeline a post is in, and for system entries (membership changes) their content as
-- JSON: {"kind", "actor_id", "subject_id", "detail"}; their body is empty.
ALTER TABLE posts ADD COLUMN timeline TEXT NOT NULL DEFAULT 'care'
    CHECK (timeline IN ('care', 'family'));
ALTER TABLE posts ADD COLUMN system TEXT CHECK (system IS NULL OR json_valid(system));

-- The keyset of one timeline of a group.
CREATE INDEX posts_by_timeline ON posts (group_id, timeline, created_at_ms, id);

-- Everything up to (up_to_ms, up_to_id) in this timeline has been read by the user.
CREATE TABLE read_markers (
    group_id  TEXT    NOT NULL REFERENCES groups (id),
    user_id   TEXT    NOT NULL REFERENCES users (id),
    timeline  TEXT    NOT NULL CHECK (timeline IN ('care', 'family')),
    up_to_ms  INTEGER NOT NULL,
    up_to_id  TEXT    NOT NULL,
    PRIMARY KEY (group_id, user_id, timeline)
) STRICT;

-- Member invitations waiting for the attending physician, and one-time links (family,
-- registration). 'expired' is not stored: an open link past expires_at_ms is expired.
CREATE TABLE invitations (
    id              TEXT    NOT NULL PRIMARY KEY,
    group_id        TEXT    NOT NULL REFERENCES groups (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('member', 'family', 'registration')),
    status          TEXT    NOT NULL
        CHECK (status IN ('pending_physician', 'open', 'accepted', 'declined', 'revoked')),
    invitee_id      TEXT    REFERENCES users (id),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'member', 'family')),
    invited_by      TEXT    NOT NULL REFERENCES users (id),
    -- Links only: SHA-256 (hex) of the secret token; the token itself is never stored.
    token_hash      TEXT    UNIQUE,
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER,
    decided_by      TEXT    REFERENCES users (id),
    decided_at_ms   INTEGER,
    decline_reason  TEXT
) STRICT;

CREATE INDEX invitations_by_group ON invitations (group_id, created_at_ms);
