//! The suite's view of the backend: the shared typed client ([`tsunagu_testkit::Api`], whole
//! responses so every scenario can check the exact wire format) and the accounts it logs in as.

use crate::Options;
use tsunagu_api::Session;
use tsunagu_testkit::Api;
pub use tsunagu_testkit::{Check, EventStream, Reply, SseFrame as SseEvent};

/// Shared state of a suite run.
pub struct Ctx {
    pub api: Api,
    pub options: Options,
}

impl std::ops::Deref for Ctx {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Ctx {
    pub fn new(base_url: &str, options: &Options) -> Check<Self> {
        Ok(Self {
            api: Api::new(base_url)?,
            options: options.clone(),
        })
    }

    pub async fn login_member(&self) -> Check<Session> {
        self.login(&self.options.member_login, &self.options.member_password)
            .await
    }

    pub async fn login_physician(&self) -> Check<Session> {
        self.login(
            &self.options.physician_login,
            &self.options.physician_password,
        )
        .await
    }

    pub async fn login_operator(&self) -> Check<Session> {
        self.login(
            &self.options.operator_login,
            &self.options.operator_password,
        )
        .await
    }

    pub async fn login_outsider(&self) -> Check<Session> {
        self.login(
            &self.options.outsider_login,
            &self.options.outsider_password,
        )
        .await
    }
}
