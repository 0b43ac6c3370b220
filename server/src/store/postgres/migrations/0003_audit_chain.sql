-- The access log becomes a hash chain (MHLW guideline 6.0 §17): each entry stores the hash of
-- the one before it and its own (server/src/domain/audit_chain.rs). Entries from before this
-- migration keep NULL hashes; `audit verify` counts them as written before the chain, and only
-- accepts them before the first chained entry. Appends take a transaction-scoped advisory lock
-- so that two transactions never chain onto the same predecessor.
ALTER TABLE audit_log ADD COLUMN prev_hash text;
ALTER TABLE audit_log ADD COLUMN hash text;
