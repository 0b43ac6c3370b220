//! Client calls of the backend description, logging in and out, and the current user.

use gloo_net::http::Method;
use tsunagu_api::{LoginRequest, Me, Meta, Session};

use super::{decode, ApiError, Client};

impl Client {
    /// `GET /meta`.
    pub async fn meta(&self) -> Result<Meta, ApiError> {
        self.get_json("/meta").await
    }

    /// `POST /sessions`: logs in.
    pub async fn login(&self, req: &LoginRequest) -> Result<Session, ApiError> {
        let body = serde_json::to_string(req).map_err(|_| ApiError::Network)?;
        decode(
            self.fetch(Method::POST, "/sessions", Some(body), None)
                .await?,
        )
        .await
    }

    /// `DELETE /sessions/current`: logs out.
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.fetch(Method::DELETE, "/sessions/current", None, None)
            .await
            .map(|_| ())
    }

    /// `GET /me`.
    pub async fn me(&self) -> Result<Me, ApiError> {
        self.get_json("/me").await
    }
}
