//! Request extractors: the auth check, and JSON/query extractors whose rejections are problems.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use uuid::Uuid;

use super::{AppState, Error};
use crate::time::now_ms;

/// `axum::Json` whose rejections become problem responses (400 / 413 / 415).
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

/// `axum::extract::Query` whose rejections become 400 `malformed_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

/// The peer address, for the audit log and the login throttle. `None` when the server was not
/// started with connect info (e.g. behind a Unix socket).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// An authenticated caller: a live session's bearer token was presented.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: Uuid,
    /// SHA-256 of the presented token, the session's key.
    pub token_hash: String,
    /// A family account (patient or relative): no directory, no care timeline, no groups of
    /// their own.
    pub is_family: bool,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: sqlx::types::uuid::fmt::Hyphenated,
    profession: String,
    last_seen_ms: i64,
    expires_at_ms: i64,
}

/// Longest time between two writes of a session's `last_seen_ms`. Skipping writes saves I/O on
/// every request; the price is that a session may idle out up to this much early, so it is
/// also kept to a tenth of the idle timeout.
fn touch_interval_ms(idle_ms: i64) -> i64 {
    (idle_ms / 10).min(30_000)
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer_token(&parts.headers).ok_or(Error::Unauthenticated)?;
        let token_hash = crate::token::hash(token);
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.user_id, u.profession, s.last_seen_ms, s.expires_at_ms
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ? AND u.disabled = 0",
        )
        .bind(&token_hash)
        .fetch_optional(&state.db)
        .await?;
        let row = row.ok_or(Error::Unauthenticated)?;

        let now = now_ms();
        let idle_ms = state.settings.session_idle_timeout.as_millis() as i64;
        if row.last_seen_ms + idle_ms < now || row.expires_at_ms <= now {
            let mut tx = state.writer.begin().await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
                .bind(&token_hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Err(Error::SessionExpired);
        }
        if now - row.last_seen_ms >= touch_interval_ms(idle_ms) {
            state.writer.touch_session(&token_hash, now);
        }
        Ok(Self {
            user_id: row.user_id.into_uuid(),
            token_hash,
            is_family: row.profession == tsunagu_api::Profession::Family.as_str(),
        })
    }
}

/// Parses a path id. Anything that is not a UUID cannot name a resource, so it is a 404 like
/// any other unknown id rather than a 400 that would tell ids apart.
pub fn parse_id(raw: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(raw).map_err(|_| Error::NotFound)
}
