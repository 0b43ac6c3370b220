//! The server's login and family-link throttles, wherever their counts live: in this
//! process's memory (SQLite, one instance) or in PostgreSQL, shared by every instance. The
//! policy itself is [`crate::rate_limit`]'s, the same for both.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use crate::config::{JoinLimit, LoginLimit};
use crate::rate_limit::{
    BusyAudit, LoginSubject, LoginThrottle, LoginTicket, Millis, Outcome, Refused, WindowSubject,
    WindowThrottle, WindowTicket,
};
use crate::store::postgres::throttle::PgThrottles;

/// The login and family-link throttles of the server, wherever their counts live; cheap to
/// clone.
#[derive(Clone)]
pub struct Throttles {
    backend: Backend,
    busy: Arc<BusyAudit>,
}

#[derive(Clone)]
enum Backend {
    /// One process (SQLite).
    Memory {
        login: Arc<LoginThrottle>,
        join: Arc<WindowThrottle>,
    },
    /// Every instance on one PostgreSQL database.
    Shared(PgThrottles),
}

impl Throttles {
    /// Counts in this process's memory. The family-link table is bounded like the login ones.
    pub fn in_memory(login: LoginLimit, join: JoinLimit) -> Self {
        Self::with(Backend::Memory {
            login: Arc::new(LoginThrottle::new(login)),
            join: Arc::new(WindowThrottle::new(join, login.max_entries)),
        })
    }

    /// Counts in the database, shared by every instance using it.
    pub fn shared(throttles: PgThrottles) -> Self {
        Self::with(Backend::Shared(throttles))
    }

    fn with(backend: Backend) -> Self {
        Self {
            backend,
            busy: Arc::default(),
        }
    }

    /// Decides whether a login attempt may have its password checked now and, if so, counts it
    /// as in flight (a failure until it is known) until the returned guard is resolved. The
    /// outer error: the shared counts could not be read.
    pub async fn check_login(
        &self,
        login_id: &str,
        ip: Option<IpAddr>,
    ) -> anyhow::Result<Result<PendingLogin, Refused>> {
        let subject = LoginSubject::new(login_id, ip);
        Ok(match &self.backend {
            Backend::Memory { login, .. } => login
                .reserve_at(subject, Instant::now())
                .map(|ticket| PendingLogin(Some(LoginHold::Memory(login.clone(), ticket)))),
            Backend::Shared(pg) => pg.check_login(&subject).await?.map(|reserved_at| {
                PendingLogin(Some(LoginHold::Shared(
                    pg.clone(),
                    LoginTicket {
                        subject,
                        reserved_at,
                    },
                )))
            }),
        })
    }

    /// Decides whether a family-link attempt may proceed and, if so, counts it in flight until
    /// the returned guard is resolved.
    pub async fn check_join(
        &self,
        token: &str,
        ip: Option<IpAddr>,
    ) -> anyhow::Result<Result<PendingJoin, Refused>> {
        let subject = WindowSubject::new(token, ip);
        Ok(match &self.backend {
            Backend::Memory { join, .. } => join
                .reserve_at(subject, Instant::now())
                .map(|ticket| PendingJoin(Some(JoinHold::Memory(join.clone(), ticket)))),
            Backend::Shared(pg) => pg.check_join(&subject).await?.map(|reserved_at| {
                PendingJoin(Some(JoinHold::Shared(
                    pg.clone(),
                    WindowTicket {
                        subject,
                        reserved_at,
                    },
                )))
            }),
        })
    }

    /// Whether to audit a refusal for lack of a hashing slot now (see [`BusyAudit`]).
    pub fn audit_busy(&self) -> bool {
        self.busy.audit_at(Instant::now())
    }

    /// Drops what no longer restricts anyone.
    pub async fn prune(&self) -> anyhow::Result<()> {
        match &self.backend {
            Backend::Memory { login, join } => {
                login.prune();
                join.prune();
            }
            Backend::Shared(pg) => {
                let dropped = pg.prune().await?;
                tracing::debug!(dropped, "pruned throttle entries");
            }
        }
        Ok(())
    }
}

enum LoginHold {
    Memory(Arc<LoginThrottle>, LoginTicket<Instant>),
    Shared(PgThrottles, LoginTicket<Millis>),
}

impl LoginHold {
    async fn resolve(self, outcome: Outcome) -> anyhow::Result<()> {
        match self {
            Self::Memory(throttle, ticket) => throttle.resolve_at(&ticket, outcome, Instant::now()),
            Self::Shared(pg, ticket) => pg.resolve_login(&ticket, outcome).await?,
        }
        Ok(())
    }
}

/// A login attempt counted in flight by [`Throttles::check_login`]. Resolve it with
/// [`Self::succeeded`], [`Self::failed`] or [`Self::release`]; dropped unresolved (the check
/// could not run), it is released in the background.
#[must_use = "an unresolved attempt counts as abandoned"]
pub struct PendingLogin(Option<LoginHold>);

impl PendingLogin {
    /// The password was right: this login ID and address start afresh.
    pub async fn succeeded(mut self) -> anyhow::Result<()> {
        self.resolve(Outcome::Succeeded).await
    }

    /// The password was wrong, or the login ID unknown.
    pub async fn failed(mut self) -> anyhow::Result<()> {
        self.resolve(Outcome::Failed).await
    }

    /// The password could not be checked: the attempt counts as neither.
    pub async fn release(mut self) -> anyhow::Result<()> {
        self.resolve(Outcome::Abandoned).await
    }

    async fn resolve(&mut self, outcome: Outcome) -> anyhow::Result<()> {
        match self.0.take() {
            Some(hold) => hold.resolve(outcome).await,
            None => Ok(()),
        }
    }
}

impl Drop for PendingLogin {
    fn drop(&mut self) {
        if let Some(hold) = self.0.take() {
            match hold {
                LoginHold::Memory(throttle, ticket) => {
                    throttle.resolve_at(&ticket, Outcome::Abandoned, Instant::now());
                }
                hold @ LoginHold::Shared(..) => {
                    resolve_in_background(hold.resolve(Outcome::Abandoned));
                }
            }
        }
    }
}

enum JoinHold {
    Memory(Arc<WindowThrottle>, WindowTicket<Instant>),
    Shared(PgThrottles, WindowTicket<Millis>),
}

impl JoinHold {
    async fn resolve(self, failed: bool) -> anyhow::Result<()> {
        match self {
            Self::Memory(throttle, ticket) => throttle.resolve_at(&ticket, failed, Instant::now()),
            Self::Shared(pg, ticket) => pg.resolve_join(&ticket, failed).await?,
        }
        Ok(())
    }
}

/// A family-link attempt counted in flight by [`Throttles::check_join`]. Resolve it with
/// [`Self::failed`] or [`Self::release`]; dropped unresolved, it is released in the background.
#[must_use = "an unresolved attempt counts as nothing"]
pub struct PendingJoin(Option<JoinHold>);

impl PendingJoin {
    /// Refused: counts within the window.
    pub async fn failed(mut self) -> anyhow::Result<()> {
        self.resolve(true).await
    }

    /// Not refused: counts as nothing.
    pub async fn release(mut self) -> anyhow::Result<()> {
        self.resolve(false).await
    }

    async fn resolve(&mut self, failed: bool) -> anyhow::Result<()> {
        match self.0.take() {
            Some(hold) => hold.resolve(failed).await,
            None => Ok(()),
        }
    }
}

impl Drop for PendingJoin {
    fn drop(&mut self) {
        if let Some(hold) = self.0.take() {
            match hold {
                JoinHold::Memory(throttle, ticket) => {
                    throttle.resolve_at(&ticket, false, Instant::now());
                }
                hold @ JoinHold::Shared(..) => resolve_in_background(hold.resolve(false)),
            }
        }
    }
}

/// Resolves a shared reservation without blocking the dropping thread. Outside a runtime (never
/// in the server) the reservation is left to expire after [`ABANDONED_AFTER`].
fn resolve_in_background(
    resolve: impl std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(async move {
                if let Err(e) = resolve.await {
                    tracing::error!(error = ?e, "releasing a throttle reservation failed");
                }
            });
        }
        Err(_) => tracing::warn!("throttle reservation left to expire: no runtime"),
    }
}
