-- Login and family-link throttles shared by every server instance on this database
-- (rate_limit.rs describes the policy; store/postgres/throttle.rs reads and writes these rows).
-- PostgreSQL only: a SQLite server is one process and counts in memory.
--
-- One row per counted entry, keyed by what it counts:
--   'pair:<address> <login>'      failures of one login ID from one address
--   'account:<login>'             failures of one login ID from all addresses
--   'address:<address>'           failures from one address, any login ID
--   'join:link:<link>'            refused family-link attempts on one link
--   'join:address:<address>'      refused family-link attempts from one address
-- where <address> is an IPv4 address, an IPv6 /64 ('2001:db8::/64') or 'unknown'; <login> the
-- SHA-256 (hex) of the login ID cut to 64 characters with A-Z folded (as login_key() folds),
-- since people type passwords into the login ID field; <link> the SHA-256 of the link, whose
-- secret is never stored.
CREATE TABLE throttles (
    key text PRIMARY KEY,
    -- The entry as JSON, times in Unix milliseconds of the database's clock. NULL only inside
    -- the transaction that created the row to lock it; that transaction fills or deletes it.
    state text CHECK (state IS NULL OR state::json IS NOT NULL),
    -- When the entry stops restricting anyone if nothing else happens (attempts in flight
    -- included): the maintenance task deletes rows past it.
    expires_at_ms bigint NOT NULL DEFAULT 0
);

CREATE INDEX throttles_expiry ON throttles (expires_at_ms);
