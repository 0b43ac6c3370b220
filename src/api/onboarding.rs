//! Client calls of onboarding: the pledge, a facility's application, activation links, and a
//! facility's staff (list, add, new link, offboard, suspend, CSV import and export).

use gloo_net::http::Method;
use tsunagu_api::{
    Activate, Activated, ActivationInfo, ApplicationForm, ApplicationReceipt, NewStaff, Pledge,
    StaffActivation, StaffImport, StaffList, TwoFactorEnrolment,
};
use uuid::Uuid;

use super::{parse, to_json, ApiError, Client};

impl Client {
    /// `GET /pledge`: the confidentiality pledge in force.
    pub async fn pledge(&self) -> Result<Pledge, ApiError> {
        self.get_json("/pledge").await
    }

    /// `POST /applications`: a facility applies (no login).
    pub async fn submit_application(
        &self,
        form: &ApplicationForm,
    ) -> Result<ApplicationReceipt, ApiError> {
        self.send_json(Method::POST, "/applications", Some(to_json(form)?))
            .await
    }

    /// `GET /activation/{token}`: whose account a link activates.
    pub async fn activation_info(&self, token: &str) -> Result<ActivationInfo, ApiError> {
        self.get_json(&format!("/activation/{}", super::encode_query_value(token)))
            .await
    }

    /// `POST /activation/{token}/two-factor`: starts enrolling an authenticator app.
    pub async fn start_activation_two_factor(
        &self,
        token: &str,
    ) -> Result<TwoFactorEnrolment, ApiError> {
        let path = format!(
            "/activation/{}/two-factor",
            super::encode_query_value(token)
        );
        self.send_json(Method::POST, &path, None).await
    }

    /// `POST /activation/{token}`: activates the account and logs in.
    pub async fn activate(&self, token: &str, body: &Activate) -> Result<Activated, ApiError> {
        let path = format!("/activation/{}", super::encode_query_value(token));
        self.send_json(Method::POST, &path, Some(to_json(body)?))
            .await
    }

    /// `GET /facilities/{id}/staff`.
    pub async fn staff(&self, facility: Uuid) -> Result<StaffList, ApiError> {
        self.get_json(&format!("/facilities/{facility}/staff"))
            .await
    }

    /// `POST /facilities/{id}/staff`: a new account and its activation link.
    pub async fn add_staff(
        &self,
        facility: Uuid,
        staff: &NewStaff,
    ) -> Result<StaffActivation, ApiError> {
        let path = format!("/facilities/{facility}/staff");
        self.send_json(Method::POST, &path, Some(to_json(staff)?))
            .await
    }

    /// `POST /users/{id}/activation`: a new link (the account is reset until it is used).
    pub async fn reissue_activation(&self, user: Uuid) -> Result<StaffActivation, ApiError> {
        self.send_json(Method::POST, &format!("/users/{user}/activation"), None)
            .await
    }

    /// `POST /groups/{group}/members/{user}/activation`: a new link for a family member of the
    /// group who forgot their password.
    pub async fn reissue_family_activation(
        &self,
        group: Uuid,
        user: Uuid,
    ) -> Result<StaffActivation, ApiError> {
        let path = format!("/groups/{group}/members/{user}/activation");
        self.send_json(Method::POST, &path, None).await
    }

    /// `POST` (suspend) or `DELETE` (reactivate) `/facilities/{id}/suspension`.
    pub async fn set_facility_suspended(
        &self,
        facility: Uuid,
        suspended: bool,
    ) -> Result<(), ApiError> {
        let method = if suspended {
            Method::POST
        } else {
            Method::DELETE
        };
        self.send_empty(method, &format!("/facilities/{facility}/suspension"), None)
            .await
    }

    /// `POST /users/{id}/offboarding`.
    pub async fn offboard(&self, user: Uuid) -> Result<(), ApiError> {
        self.send_empty(Method::POST, &format!("/users/{user}/offboarding"), None)
            .await
    }

    /// `POST` (suspend) or `DELETE` (reactivate) `/users/{id}/suspension`.
    pub async fn set_suspended(&self, user: Uuid, suspended: bool) -> Result<(), ApiError> {
        let method = if suspended {
            Method::POST
        } else {
            Method::DELETE
        };
        self.send_empty(method, &format!("/users/{user}/suspension"), None)
            .await
    }

    /// `POST /facilities/{id}/staff/import`: the file read and checked (`dry_run`), or
    /// imported whole.
    pub async fn import_staff(
        &self,
        facility: Uuid,
        file: &web_sys::Blob,
        dry_run: bool,
    ) -> Result<StaffImport, ApiError> {
        let path = format!("/facilities/{facility}/staff/import?dry_run={dry_run}");
        parse(self.upload(&path, "text/csv", file).await?)
    }
}

impl Client {
    /// `GET /access-log?…`: a page of the access log (`query` is the encoded filters).
    pub async fn access_log(&self, query: &str) -> Result<tsunagu_api::AccessLogPage, ApiError> {
        self.get_json(&format!("/access-log{query}")).await
    }
}
