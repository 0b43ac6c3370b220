//! Client calls of e-mail notifications: the caller's address, its confirmation and the mode.

use gloo_net::http::Method;
use tsunagu_api::{
    ConfirmEmailAddress, EmailMode, EmailNotifications, SetEmailAddress, SetEmailMode,
};

use super::{to_json, ApiError, Client};

impl Client {
    /// `GET /me/email-notifications`: whether the server sends mail, my address and mode.
    pub async fn email_notifications(&self) -> Result<EmailNotifications, ApiError> {
        self.get_json("/me/email-notifications").await
    }

    /// `PUT /me/email-notifications/address`: a new address; the server mails a code to it.
    pub async fn set_email_address(&self, address: String) -> Result<EmailNotifications, ApiError> {
        let body = to_json(&SetEmailAddress { address })?;
        self.send_json(Method::PUT, "/me/email-notifications/address", Some(body))
            .await
    }

    /// `POST /me/email-notifications/confirm`: the code from the mail.
    pub async fn confirm_email(&self, code: String) -> Result<EmailNotifications, ApiError> {
        let body = to_json(&ConfirmEmailAddress { code })?;
        self.send_json(Method::POST, "/me/email-notifications/confirm", Some(body))
            .await
    }

    /// `PUT /me/email-notifications/mode`: at once, in a digest, or off.
    pub async fn set_email_mode(&self, mode: EmailMode) -> Result<EmailNotifications, ApiError> {
        let body = to_json(&SetEmailMode { mode })?;
        self.send_json(Method::PUT, "/me/email-notifications/mode", Some(body))
            .await
    }

    /// `DELETE /me/email-notifications`: forget the address; no more mail.
    pub async fn delete_email(&self) -> Result<(), ApiError> {
        self.send_empty(Method::DELETE, "/me/email-notifications", None)
            .await
    }
}
