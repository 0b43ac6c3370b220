-- E-mail notifications (issue 13). See the SQLite migration 0013 for what each column means.

CREATE TABLE email_addresses (
    user_id               uuid     NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    address               text,
    confirmed             boolean  NOT NULL DEFAULT false,
    mode                  text     NOT NULL DEFAULT 'off'
                                   CHECK (mode IN ('immediate', 'digest', 'off')),
    code_hash             text,
    code_expires_at_ms    bigint,
    code_tries_left       bigint   NOT NULL DEFAULT 0,
    codes_window_start_ms bigint   NOT NULL DEFAULT 0,
    codes_in_window       bigint   NOT NULL DEFAULT 0,
    digest_since_ms       bigint,
    digest_next_at_ms     bigint,
    updated_at_ms         bigint   NOT NULL
);

CREATE INDEX email_addresses_digest_due ON email_addresses (digest_next_at_ms)
    WHERE mode = 'digest';

CREATE TABLE email_outbox (
    id            bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       uuid     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_address    text     NOT NULL,
    subject       text     NOT NULL,
    body          text     NOT NULL,
    created_at_ms bigint   NOT NULL,
    next_at_ms    bigint   NOT NULL,
    attempts      bigint   NOT NULL DEFAULT 0,
    claimed_at_ms bigint
);

CREATE INDEX email_outbox_due ON email_outbox (next_at_ms);
CREATE INDEX email_outbox_by_user ON email_outbox (user_id);
