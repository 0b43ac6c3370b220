-- E-mail as a second notification channel (issue 13): a member's address, its confirmation
-- code, the chosen mode and digest schedule, and the outbox the sender works through.

-- One row per member who ever gave an address. Forgetting the address (DELETE) keeps the row
-- with `address` NULL, so the count of confirmation mails cannot be reset that way.
CREATE TABLE email_addresses (
    user_id               TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    address               TEXT,
    confirmed             INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
    mode                  TEXT    NOT NULL DEFAULT 'off'
                                  CHECK (mode IN ('immediate', 'digest', 'off')),
    -- SHA-256 (hex) of the user id and the mailed code; NULL when none is pending.
    code_hash             TEXT,
    code_expires_at_ms    INTEGER,
    code_tries_left       INTEGER NOT NULL DEFAULT 0,
    -- Confirmation mails sent in the current window (rate limit), and when it began.
    codes_window_start_ms INTEGER NOT NULL DEFAULT 0,
    codes_in_window       INTEGER NOT NULL DEFAULT 0,
    -- Digest: posts created after `digest_since_ms` go into the digest due at
    -- `digest_next_at_ms`. An instance claims a digest by moving both on in one UPDATE.
    digest_since_ms       INTEGER,
    digest_next_at_ms     INTEGER,
    updated_at_ms         INTEGER NOT NULL
) STRICT;

CREATE INDEX email_addresses_digest_due ON email_addresses (digest_next_at_ms)
    WHERE mode = 'digest';

-- Mails to send, written in the transaction that decides them (or, for a new post, right
-- after it commits). An instance claims a row by setting `claimed_at_ms`; a claim older than
-- the stale limit (a crash mid-send) is claimed again. Sent and abandoned rows are deleted.
CREATE TABLE email_outbox (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_address    TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    next_at_ms    INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_at_ms INTEGER
) STRICT;

CREATE INDEX email_outbox_due ON email_outbox (next_at_ms);
CREATE INDEX email_outbox_by_user ON email_outbox (user_id);
