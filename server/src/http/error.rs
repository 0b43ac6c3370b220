//! The one error type of the API, rendered as `application/problem+json` (RFC 9457).

use axum::extract::rejection::QueryRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tsunagu_api::{ErrorCode, FieldError, Problem, PROBLEM_JSON};

/// Everything a handler can fail with. Each variant maps to one status and one stable `code`;
/// variants that wrap internals log them and answer a bare 500.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("authentication required")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("invalid login ID or password")]
    InvalidCredentials,
    /// The password was right; a one-time code is needed too.
    #[error("a one-time code is required")]
    TwoFactorRequired,
    /// A wrong, expired or reused one-time or recovery code.
    #[error("the code is wrong, expired or used")]
    InvalidTwoFactorCode,
    #[error("two-factor login is on already")]
    TwoFactorEnabled,
    /// Also for resources that exist but the caller may not see: existence must not leak.
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("malformed request: {0}")]
    MalformedRequest(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    /// A JSON body that is valid JSON but not an object (an array would otherwise fill a
    /// struct field by field).
    #[error("the request body must be a JSON object")]
    BodyNotObject,
    /// A field of a JSON body of the wrong type, out of range, or missing; `field` is its path
    /// (`tags[1].name`). The field's code is also the problem's code.
    #[error("invalid field {field}")]
    BodyField { field: String, code: ErrorCode },
    /// One invalid field; the field's code is also the problem's code.
    #[error("invalid field {field}")]
    Validation {
        field: &'static str,
        code: ErrorCode,
    },
    #[error("Idempotency-Key must be a UUID")]
    IdempotencyKeyInvalid,
    #[error("Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    /// The caller can see the resource but may not do this.
    #[error("not allowed for your role")]
    Forbidden,
    #[error("the last admin cannot leave or step down")]
    LastAdmin,
    #[error("already a member")]
    AlreadyMember,
    #[error("the group is archived")]
    GroupArchived,
    /// Unknown, used, revoked or expired link: one answer for all.
    #[error("invalid invitation link")]
    InvitationInvalid,
    /// A valid link that this request cannot complete (e.g. a registration link posted as a
    /// family join).
    #[error("this link cannot be used here")]
    InvitationWrongKind,
    #[error("the invitation was already decided")]
    InvitationDecided,
    #[error("login ID taken")]
    LoginIdTaken,
    /// The account must use two-factor login and has not set it up.
    #[error("two-factor login is required for this account; ask your facility's administrator for a new activation link")]
    TwoFactorSetupRequired,
    #[error("the pledge changed; read and accept the current version")]
    PledgeOutdated,
    #[error("the application was decided already")]
    ApplicationDecided,
    /// Unknown, used, replaced or expired activation link: one answer for all.
    #[error("invalid activation link")]
    ActivationInvalid,
    /// A staff list file that cannot be read at all (encoding, size, columns).
    #[error("the file cannot be imported: {0}")]
    ImportInvalid(String),
    /// `If-Match` names another version than the current one.
    #[error("the post was changed since you loaded it")]
    PreconditionFailed,
    /// An edit without `If-Match`.
    #[error("If-Match is required")]
    PreconditionRequired,
    #[error("the post is deleted")]
    PostDeleted,
    /// A file, or a post's files together, over the configured size.
    #[error("the file is too large")]
    FileTooLarge,
    /// A file that is none of the types taken, or an image that cannot be decoded within the
    /// limits (a decompression bomb).
    #[error("this kind of file is not accepted")]
    MediaUnsupported,
    /// A tus `PATCH` at another offset than the upload's (or while another is writing).
    #[error("the upload is at another offset")]
    UploadOffsetConflict,
    /// Web Push is off on this server (no VAPID subject configured).
    #[error("push notifications are not configured on this server")]
    PushNotConfigured,
    /// The server sends no mail (no SMTP configured).
    #[error("e-mail notifications are not configured on this server")]
    EmailNotConfigured,
    /// Notification mail needs a confirmed address.
    #[error("confirm the address with the mailed code first")]
    EmailNotConfirmed,
    #[error("too many failed attempts")]
    RateLimited { retry_after_secs: u64 },
    /// Too many password checks at once; the same problem code as `RateLimited`.
    #[error("the server is busy; try again in a moment")]
    Busy { retry_after_secs: u64 },
    /// The request body did not arrive within the request timeout.
    #[error("the request body did not arrive in time")]
    RequestBodyTimeout,
    /// The handler did not answer within the request timeout; it runs on, so a write may still
    /// take effect (retry with the same `Idempotency-Key`).
    #[error("the server did not answer in time; the request may still take effect")]
    Timeout,
    /// This instance cannot take the request (shutting down, no database); another can.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// The database failed (the store's error, logged with its cause; never shown).
    #[error("database error")]
    Database(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A `before`/`after` cursor that is not one this server handed out.
    pub fn invalid_cursor() -> Self {
        Self::MalformedRequest("invalid cursor".to_owned())
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated
            | Self::SessionExpired
            | Self::InvalidCredentials
            | Self::TwoFactorRequired
            | Self::InvalidTwoFactorCode => StatusCode::UNAUTHORIZED,
            Self::NotFound | Self::InvitationInvalid => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::TwoFactorSetupRequired => StatusCode::FORBIDDEN,
            Self::ActivationInvalid | Self::PushNotConfigured | Self::EmailNotConfigured => {
                StatusCode::NOT_FOUND
            }
            Self::EmailNotConfirmed => StatusCode::CONFLICT,
            Self::PledgeOutdated | Self::ApplicationDecided => StatusCode::CONFLICT,
            Self::ImportInvalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::LastAdmin
            | Self::AlreadyMember
            | Self::GroupArchived
            | Self::InvitationDecided
            | Self::LoginIdTaken
            | Self::TwoFactorEnabled
            | Self::PostDeleted
            | Self::UploadOffsetConflict => StatusCode::CONFLICT,
            Self::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MediaUnsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::MalformedRequest(_) | Self::IdempotencyKeyInvalid => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation { .. }
            | Self::BodyNotObject
            | Self::BodyField { .. }
            | Self::IdempotencyKeyReused
            | Self::InvitationWrongKind => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } | Self::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::RequestBodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Timeout | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::TwoFactorRequired => ErrorCode::TwoFactorRequired,
            Self::InvalidTwoFactorCode => ErrorCode::InvalidTwoFactorCode,
            Self::TwoFactorEnabled => ErrorCode::TwoFactorEnabled,
            Self::NotFound => ErrorCode::NotFound,
            // No dedicated code in v1; a conforming client never sends a wrong method.
            Self::MethodNotAllowed => ErrorCode::MalformedRequest,
            Self::MalformedRequest(_) => ErrorCode::MalformedRequest,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            // `file_too_large` would tell the user a file was too big; a JSON body over the
            // limit comes only from a non-conforming client, so it is a malformed request.
            Self::PayloadTooLarge => ErrorCode::MalformedRequest,
            Self::Validation { code, .. } | Self::BodyField { code, .. } => *code,
            // No dedicated code in v1 (clients match codes exhaustively); only a non-conforming
            // client sends a non-object.
            Self::BodyNotObject => ErrorCode::MalformedRequest,
            Self::IdempotencyKeyInvalid => ErrorCode::IdempotencyKeyInvalid,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::RateLimited { .. } | Self::Busy { .. } => ErrorCode::RateLimited,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::LastAdmin => ErrorCode::LastAdmin,
            Self::AlreadyMember => ErrorCode::AlreadyMember,
            Self::GroupArchived => ErrorCode::GroupArchived,
            Self::InvitationInvalid | Self::InvitationWrongKind => ErrorCode::InvitationInvalid,
            Self::InvitationDecided => ErrorCode::InvitationDecided,
            Self::LoginIdTaken => ErrorCode::LoginIdTaken,
            Self::TwoFactorSetupRequired => ErrorCode::TwoFactorSetupRequired,
            Self::PledgeOutdated => ErrorCode::PledgeOutdated,
            Self::ApplicationDecided => ErrorCode::ApplicationDecided,
            Self::ActivationInvalid => ErrorCode::ActivationInvalid,
            Self::ImportInvalid(_) => ErrorCode::ImportInvalid,
            Self::PreconditionFailed => ErrorCode::PreconditionFailed,
            Self::PreconditionRequired => ErrorCode::PreconditionRequired,
            Self::PostDeleted => ErrorCode::PostDeleted,
            Self::FileTooLarge => ErrorCode::FileTooLarge,
            Self::PushNotConfigured => ErrorCode::PushNotConfigured,
            Self::EmailNotConfigured => ErrorCode::EmailNotConfigured,
            Self::EmailNotConfirmed => ErrorCode::EmailNotConfirmed,
            Self::MediaUnsupported => ErrorCode::UnsupportedMediaType,
            // No dedicated code in v1: only a confused client sends a stale offset; it asks
            // HEAD where to continue.
            Self::UploadOffsetConflict => ErrorCode::PreconditionFailed,
            // No dedicated codes in v1: a body that never arrives comes from a broken or
            // hostile client; a handler that is too slow is the server's failure.
            Self::RequestBodyTimeout => ErrorCode::MalformedRequest,
            Self::Timeout | Self::Unavailable(_) | Self::Database(_) | Self::Internal(_) => {
                ErrorCode::InternalError
            }
        }
    }

    /// Text safe to show to the client: never the text of an internal error.
    fn detail(&self) -> Option<String> {
        match self {
            Self::Database(_) | Self::Internal(_) => None,
            Self::NotFound | Self::InvalidCredentials => None,
            other => Some(other.to_string()),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let errors = match self {
            Self::Validation { field, code } => vec![FieldError {
                field: (*field).to_owned(),
                code: *code,
            }],
            Self::BodyField { field, code } => vec![FieldError {
                field: field.clone(),
                code: *code,
            }],
            _ => Vec::new(),
        };
        Problem {
            // `about:blank` with the status phrase as title is RFC 9457's choice when the
            // problem types have no documentation URLs; `code` is what clients act on.
            type_: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code(),
            errors,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Self::Database(e) => tracing::error!(error = %e, "database error"),
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            _ => {}
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self {
            // RFC 9110: every 401 names the scheme; RFC 6750 says why a token was refused.
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::TwoFactorRequired
            | Self::InvalidTwoFactorCode => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"tsunagu\""),
                );
            }
            Self::SessionExpired => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"tsunagu\", error=\"invalid_token\""),
                );
            }
            Self::RateLimited { retry_after_secs } | Self::Busy { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        if matches!(self, Self::PushNotConfigured | Self::EmailNotConfigured) {
            // A 404 about the server, not about something the caller may not see.
            response.extensions_mut().insert(NotARefusal);
        }
        response
    }
}

/// Response extension of a 404 that refuses nothing (push not configured): the access log's
/// `access.refused` is for callers probing what they may not see.
#[derive(Debug, Clone, Copy)]
pub struct NotARefusal;

impl From<QueryRejection> for Error {
    /// The deserializer's text stays in the (debug) log: internals never reach the client.
    fn from(rejection: QueryRejection) -> Self {
        tracing::debug!(error = %rejection.body_text(), "query string rejected");
        Self::MalformedRequest("invalid query parameters".to_owned())
    }
}

impl From<crate::domain::membership::Denied> for Error {
    fn from(denied: crate::domain::membership::Denied) -> Self {
        use crate::domain::membership::Denied;
        match denied {
            Denied::NotFound => Self::NotFound,
            Denied::Forbidden => Self::Forbidden,
            Denied::Archived => Self::GroupArchived,
        }
    }
}

impl From<crate::store::StoreError> for Error {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::Refusal;
        match e {
            crate::store::StoreError::Refused(Refusal::Denied(denied)) => denied.into(),
            crate::store::StoreError::Refused(Refusal::PostDeleted) => Self::PostDeleted,
            crate::store::StoreError::Refused(Refusal::Field(field, code)) => {
                Self::Validation { field, code }
            }
            crate::store::StoreError::Refused(Refusal::FileTooLarge) => Self::FileTooLarge,
            crate::store::StoreError::Refused(Refusal::PreconditionRequired) => {
                Self::PreconditionRequired
            }
            crate::store::StoreError::Refused(Refusal::PreconditionFailed) => {
                Self::PreconditionFailed
            }
            crate::store::StoreError::Refused(Refusal::IdempotencyKeyReused) => {
                Self::IdempotencyKeyReused
            }
            crate::store::StoreError::Refused(Refusal::AlreadyMember) => Self::AlreadyMember,
            crate::store::StoreError::Refused(Refusal::LastAdmin) => Self::LastAdmin,
            crate::store::StoreError::Refused(Refusal::InvitationDecided) => {
                Self::InvitationDecided
            }
            crate::store::StoreError::Refused(Refusal::InvitationInvalid) => {
                Self::InvitationInvalid
            }
            crate::store::StoreError::Refused(Refusal::LoginIdTaken) => Self::LoginIdTaken,
            crate::store::StoreError::Refused(Refusal::PledgeOutdated) => Self::PledgeOutdated,
            crate::store::StoreError::Refused(Refusal::ApplicationDecided) => {
                Self::ApplicationDecided
            }
            crate::store::StoreError::Refused(Refusal::ActivationInvalid) => {
                Self::ActivationInvalid
            }
            crate::store::StoreError::Database(e) => Self::Database(e.to_string()),
            crate::store::StoreError::Other(e) => Self::Internal(e),
        }
    }
}

impl From<crate::password::HashError> for Error {
    fn from(e: crate::password::HashError) -> Self {
        match e {
            crate::password::HashError::Busy => Self::Busy {
                retry_after_secs: 1,
            },
            crate::password::HashError::Failed(e) => Self::Internal(e),
        }
    }
}
