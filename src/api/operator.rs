//! Client calls of the operator console (医師会事務局): applications and their decision, the
//! confidentiality pledge, and the deployment's settings.

use gloo_net::http::Method;
use tsunagu_api::{
    AdoptionDashboard, Application, ApplicationList, Approval, PendingApplications, Pledge,
    PledgeText, Rejection, Settings,
};
use uuid::Uuid;

use super::{to_json, ApiError, Client};

impl Client {
    /// `GET /applications` (operator): every application, newest first.
    pub async fn applications(&self) -> Result<ApplicationList, ApiError> {
        self.get_json("/applications").await
    }

    /// `GET /applications/pending` (operator): how many wait for a decision.
    pub async fn pending_applications(&self) -> Result<PendingApplications, ApiError> {
        self.get_json("/applications/pending").await
    }

    /// `POST /applications/{id}/approval` (operator): creates the facility and its
    /// administrator's account, and answers the one activation link for it.
    pub async fn approve_application(&self, id: Uuid) -> Result<Approval, ApiError> {
        self.send_json(Method::POST, &format!("/applications/{id}/approval"), None)
            .await
    }

    /// `POST /applications/{id}/rejection` (operator) with the reason told to the applicant.
    pub async fn reject_application(
        &self,
        id: Uuid,
        reason: &str,
    ) -> Result<Application, ApiError> {
        let body = to_json(&Rejection {
            reason: reason.to_owned(),
        })?;
        self.send_json(
            Method::POST,
            &format!("/applications/{id}/rejection"),
            Some(body),
        )
        .await
    }

    /// `GET /pledge`: the confidentiality pledge in force.
    pub async fn current_pledge(&self) -> Result<Pledge, ApiError> {
        self.get_json("/pledge").await
    }

    /// `PUT /pledge` (operator): publishes `text` as the next version.
    pub async fn publish_pledge(&self, text: &str) -> Result<Pledge, ApiError> {
        let body = to_json(&PledgeText {
            text: text.to_owned(),
        })?;
        self.send_json(Method::PUT, "/pledge", Some(body)).await
    }

    /// `GET /settings` (operator).
    pub async fn settings(&self) -> Result<Settings, ApiError> {
        self.get_json("/settings").await
    }

    /// `PUT /settings` (operator): answers the settings as saved.
    pub async fn save_settings(&self, settings: &Settings) -> Result<Settings, ApiError> {
        self.send_json(Method::PUT, "/settings", Some(to_json(settings)?))
            .await
    }

    /// `GET /operator/dashboard` (operator): adoption counted by the server.
    pub async fn dashboard(&self) -> Result<AdoptionDashboard, ApiError> {
        self.get_json("/operator/dashboard").await
    }

    /// `GET /operator/dashboard.csv?table=` (operator): one of the dashboard's tables as CSV.
    pub async fn dashboard_csv(&self, table: &str) -> Result<Vec<u8>, ApiError> {
        let path = format!("/operator/dashboard.csv?table={table}");
        let resp = self.fetch(Method::GET, &path, None, None).await?;
        resp.binary().await.map_err(|_| ApiError::Network)
    }
}
