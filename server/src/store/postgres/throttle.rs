//! The login and family-link throttles shared by every server instance on one database; the
//! policy itself is pure and lives in [`crate::rate_limit`].
//!
//! Each check-and-reserve and each resolve is one short transaction over the rows of the
//! entries it touches (table `throttles`, migration 0002):
//!
//! 1. one `INSERT … ON CONFLICT DO UPDATE` inserts the missing rows and locks the existing
//!    ones, in key order (so two instances locking overlapping sets never deadlock), and
//!    returns their state with the database's clock: the one clock every instance shares;
//! 2. the policy decides (or resolves) over those entries;
//! 3. the entries are written back, and rows counting nothing deleted.
//!
//! The row locks serialise attempts on the same login ID, account, address or link across
//! instances, so a decision always sees every earlier reservation and failure (READ COMMITTED
//! reads the latest committed row once its lock is granted). A reservation stays in the row
//! until resolved; one whose instance died is given up after [`ABANDONED_AFTER`].

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use crate::config::{JoinLimit, LoginLimit};
use crate::rate_limit::{
    LoginEntries, LoginPolicy, LoginSubject, LoginTicket, Millis, Net, Outcome, Refused, Window,
    WindowPolicy, WindowSubject, WindowTicket, ABANDONED_AFTER,
};

/// Inserts the missing rows and locks all, in one order for every instance (`COLLATE "C"`:
/// byte order, whatever the database's locale). `clock_timestamp()` is read after the locks
/// are granted, so a decision never predates the state it reads.
const LOCK_ROWS: &str = r#"
    INSERT INTO throttles (key)
    SELECT k FROM unnest($1::text[]) AS k ORDER BY k COLLATE "C"
    ON CONFLICT (key) DO UPDATE SET state = throttles.state
    RETURNING key, state, (extract(epoch FROM clock_timestamp()) * 1000)::bigint"#;

/// Writes back the locked rows: deletes `$1`, updates the others.
const WRITE_ROWS: &str = "
    WITH gone AS (DELETE FROM throttles WHERE key = ANY($1::text[]))
    UPDATE throttles AS t SET state = v.state, expires_at_ms = v.expires_at_ms
    FROM unnest($2::text[], $3::text[], $4::bigint[]) AS v(key, state, expires_at_ms)
    WHERE t.key = v.key";

/// The throttles of every instance on one database; cheap to clone.
#[derive(Debug, Clone)]
pub struct PgThrottles {
    pool: PgPool,
    login: LoginPolicy,
    join: WindowPolicy,
}

/// Rows locked by [`lock`], with their states in the order of the keys asked for.
struct Locked<const N: usize> {
    tx: Transaction<'static, Postgres>,
    states: [Option<String>; N],
    now: Millis,
}

impl PgThrottles {
    pub fn new(pool: PgPool, login: LoginLimit, join: JoinLimit) -> Self {
        Self {
            pool,
            login: LoginPolicy { limit: login },
            join: WindowPolicy { limit: join },
        }
    }

    /// Decides a login attempt and, if allowed, reserves it; returns when it was reserved (the
    /// reservation's identity, for [`Self::resolve_login`]).
    pub async fn check_login(
        &self,
        subject: &LoginSubject,
    ) -> Result<Result<Millis, Refused>, sqlx::Error> {
        let keys = login_keys(subject);
        let Locked { tx, states, now } = lock(&self.pool, &keys).await?;
        let mut e = login_entries(&keys, states, now);
        let decision = self.login.decide(&mut e, now);
        self.write_login(tx, &keys, e, now).await?;
        Ok(decision.map(|()| now))
    }

    /// Resolves a reservation of [`Self::check_login`].
    pub async fn resolve_login(
        &self,
        ticket: &LoginTicket<Millis>,
        outcome: Outcome,
    ) -> Result<(), sqlx::Error> {
        let keys = login_keys(&ticket.subject);
        let Locked { tx, states, now } = lock(&self.pool, &keys).await?;
        let mut e = login_entries(&keys, states, now);
        self.login.resolve(&mut e, ticket.reserved_at, outcome, now);
        self.write_login(tx, &keys, e, now).await
    }

    /// Decides a family-link attempt and, if allowed, reserves it; returns when it was reserved.
    pub async fn check_join(
        &self,
        subject: &WindowSubject,
    ) -> Result<Result<Millis, Refused>, sqlx::Error> {
        let keys = join_keys(subject);
        let Locked { tx, states, now } = lock(&self.pool, &keys).await?;
        let mut windows = join_windows(&keys, states, now);
        let decision = self.join.decide(&mut windows, now);
        self.write_join(tx, &keys, windows, now).await?;
        Ok(decision.map(|()| now))
    }

    /// Resolves a reservation of [`Self::check_join`].
    pub async fn resolve_join(
        &self,
        ticket: &WindowTicket<Millis>,
        failed: bool,
    ) -> Result<(), sqlx::Error> {
        let keys = join_keys(&ticket.subject);
        let Locked { tx, states, now } = lock(&self.pool, &keys).await?;
        let mut windows = join_windows(&keys, states, now);
        self.join
            .resolve(&mut windows, ticket.reserved_at, failed, now);
        self.write_join(tx, &keys, windows, now).await
    }

    /// Deletes the entries that no longer restrict anyone; returns how many. A row locked by
    /// a check in progress is waited for and judged by what that check wrote.
    pub async fn prune(&self) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(
            "DELETE FROM throttles
             WHERE expires_at_ms < (extract(epoch FROM statement_timestamp()) * 1000)::bigint",
        )
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn write_login(
        &self,
        tx: Transaction<'static, Postgres>,
        keys: &[String; 3],
        mut e: LoginEntries<Millis>,
        now: Millis,
    ) -> Result<(), sqlx::Error> {
        e.tidy();
        let states = [
            encode(e.pair.as_ref(), |p| self.login.pair_expiry(p, now))?,
            encode(e.account.as_ref(), |a| self.login.account_expiry(a))?,
            encode(e.address.as_ref(), |a| self.login.address_expiry(a))?,
        ];
        write(tx, keys, states).await
    }

    async fn write_join(
        &self,
        tx: Transaction<'static, Postgres>,
        keys: &[String; 2],
        windows: [Option<Window<Millis>>; 2],
        now: Millis,
    ) -> Result<(), sqlx::Error> {
        let mut states = [None, None];
        for (state, w) in states.iter_mut().zip(&windows) {
            let w = w.as_ref().filter(|w| !w.is_idle());
            *state = encode(w, |w| self.join.expiry(w, now))?;
        }
        write(tx, keys, states).await
    }
}

/// The rows of a login attempt: its login ID and address, its account, its address. The login
/// ID by hash, as the audit log keeps none: people type passwords into the login ID field, and
/// this table outlives the request (and reaches backups).
fn login_keys(subject: &LoginSubject) -> [String; 3] {
    let net = Net::key(subject.address);
    let account = crate::token::hash(&subject.account);
    [
        format!("pair:{net} {account}"),
        format!("account:{account}"),
        format!("address:{net}"),
    ]
}

/// The rows of a family-link attempt: its link, by hash (the link is a secret the database
/// otherwise keeps only hashed), and its address.
fn join_keys(subject: &WindowSubject) -> [String; 2] {
    [
        format!("join:link:{}", crate::token::hash(&subject.subject)),
        format!("join:address:{}", Net::key(subject.address)),
    ]
}

/// Reservations older than this were abandoned by an instance that died.
fn abandoned_before(now: Millis) -> Millis {
    Millis(now.0 - ABANDONED_AFTER.as_millis() as i64)
}

fn login_entries(
    keys: &[String; 3],
    [pair, account, address]: [Option<String>; 3],
    now: Millis,
) -> LoginEntries<Millis> {
    let mut e = LoginEntries {
        pair: pair.and_then(|s| decode(&keys[0], &s)),
        account: account.and_then(|s| decode(&keys[1], &s)),
        address: address.and_then(|s| decode(&keys[2], &s)),
    };
    e.forget_reservations_before(abandoned_before(now));
    e
}

fn join_windows(
    keys: &[String; 2],
    [link, address]: [Option<String>; 2],
    now: Millis,
) -> [Option<Window<Millis>>; 2] {
    let mut windows = [
        link.and_then(|s| decode::<Window<Millis>>(&keys[0], &s)),
        address.and_then(|s| decode::<Window<Millis>>(&keys[1], &s)),
    ];
    for w in windows.iter_mut().flatten() {
        w.forget_reservations_before(abandoned_before(now));
    }
    windows
}

/// An entry from its row; an unreadable one (never written by this version) counts as none
/// rather than refusing every attempt on it.
fn decode<E: DeserializeOwned>(key: &str, state: &str) -> Option<E> {
    serde_json::from_str(state)
        .map_err(|e| tracing::warn!(key, error = %e, "unreadable throttle entry ignored"))
        .ok()
}

/// An entry's row: its state and when it expires; `None` to delete the row.
fn encode<E: Serialize>(
    entry: Option<&E>,
    expiry: impl FnOnce(&E) -> Millis,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    entry
        .map(|e| {
            let state = serde_json::to_string(e).map_err(|e| sqlx::Error::Encode(e.into()))?;
            Ok((state, expiry(e).0))
        })
        .transpose()
}

/// Locks the rows of `keys` (inserting the missing ones) in a new transaction.
async fn lock<const N: usize>(pool: &PgPool, keys: &[String; N]) -> Result<Locked<N>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(LOCK_ROWS)
        .bind(&keys[..])
        .fetch_all(&mut *tx)
        .await?;
    let now = Millis(
        rows.iter()
            .map(|(_, _, now)| *now)
            .max()
            .unwrap_or_else(crate::time::now_ms),
    );
    let states = keys.each_ref().map(|key| {
        rows.iter()
            .find(|(k, _, _)| k == key)
            .and_then(|(_, state, _)| state.clone())
    });
    Ok(Locked { tx, states, now })
}

/// Writes back the rows locked by [`lock`] and commits: `None` deletes the row.
async fn write<const N: usize>(
    mut tx: Transaction<'static, Postgres>,
    keys: &[String; N],
    states: [Option<(String, i64)>; N],
) -> Result<(), sqlx::Error> {
    let mut gone = Vec::new();
    let (mut kept, mut kept_states, mut expiries) = (Vec::new(), Vec::new(), Vec::new());
    for (key, state) in keys.iter().zip(states) {
        match state {
            None => gone.push(key.clone()),
            Some((state, expires_at_ms)) => {
                kept.push(key.clone());
                kept_states.push(state);
                expiries.push(expires_at_ms);
            }
        }
    }
    sqlx::query(WRITE_ROWS)
        .bind(gone)
        .bind(kept)
        .bind(kept_states)
        .bind(expiries)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_one_entry_each() {
        let ip = Some("2001:db8:1:2::5".parse().unwrap());
        let keys = login_keys(&LoginSubject::new("Dr.Sato", ip));
        let account = crate::token::hash("dr.sato");
        assert_eq!(
            keys,
            [
                format!("pair:2001:db8:1:2::/64 {account}"),
                format!("account:{account}"),
                "address:2001:db8:1:2::/64".to_owned(),
            ]
        );
        // A–Z folded only, as accounts are told apart.
        let keys = login_keys(&LoginSubject::new("ＤＲ.Sato", None));
        let account = crate::token::hash("ＤＲ.sato");
        assert_eq!(keys[0], format!("pair:unknown {account}"));
        let link = WindowSubject::new("secret", Some("192.0.2.1".parse().unwrap()));
        let keys = join_keys(&link);
        assert_eq!(
            keys[0],
            format!("join:link:{}", crate::token::hash("secret"))
        );
        assert_eq!(keys[1], "join:address:192.0.2.1");
    }
}
