//! The problem responses many operations share, written once for the OpenAPI document: each
//! operation lists the ones that apply beside its own (`responses((status = 200, …),
//! SessionErrors)`). Documentation only; the errors themselves come from [`super::Error`].

#![allow(dead_code)] // The variants describe responses; nothing constructs them.

use tsunagu_api::Problem;

/// What every operation behind a session may answer besides its own responses.
#[derive(utoipa::IntoResponses)]
pub enum SessionErrors {
    #[response(
        status = 401,
        description = "No valid session (`unauthenticated`, `session_expired`)",
        content_type = "application/problem+json",
        headers(("WWW-Authenticate" = String, description = "`Bearer` challenge (RFC 6750)"))
    )]
    Unauthenticated(Problem),
    #[response(
        status = 500,
        description = "Internal error (`internal_error`)",
        content_type = "application/problem+json"
    )]
    Internal(Problem),
}

/// What an operation without a session may answer besides its own responses.
#[derive(utoipa::IntoResponses)]
pub enum ServerErrors {
    #[response(
        status = 500,
        description = "Internal error (`internal_error`)",
        content_type = "application/problem+json"
    )]
    Internal(Problem),
}

/// What an operation with a JSON body may answer before reading it.
#[derive(utoipa::IntoResponses)]
pub enum JsonBodyErrors {
    #[response(
        status = 400,
        description = "Malformed JSON (`malformed_request`)",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 415,
        description = "Body is not `application/json` (`unsupported_media_type`)",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
}
