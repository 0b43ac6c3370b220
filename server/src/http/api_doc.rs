//! The OpenAPI document's frame (title, description, tags, security): the routes add their
//! operations to it in `api_router`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tsunagu API",
        version = "1",
        description = "The Tsunagu care-collaboration contract, version 1. Errors are \
            `application/problem+json` (RFC 9457) with a stable `code`; clients act on the code. \
            Any request not answered within the request timeout (30 s by default) is \
            408 `malformed_request` if its body had not arrived, otherwise 503 `internal_error` \
            (the request may still take effect: retry with the same `Idempotency-Key`)."
    ),
    modifiers(&BearerAuth),
    components(schemas(tsunagu_api::Problem, tsunagu_api::ErrorCode, tsunagu_api::FieldError)),
    tags(
        (name = "meta", description = "Backend identity and capabilities"),
        (name = "sessions", description = "Logging in and out"),
        (name = "me", description = "The logged-in user"),
        (name = "groups", description = "Patient, workplace and direct groups"),
        (name = "posts", description = "Group timelines and read markers"),
        (name = "members", description = "Group membership and the physician rule"),
        (name = "invitations", description = "The physician's approvals and one-time links"),
        (name = "join", description = "Opening a one-time link, without a login"),
        (name = "directory", description = "Professionals and facilities"),
        (name = "search", description = "Finding posts by their text"),
        (name = "events", description = "Live events (Server-Sent Events)"),
        (name = "applications", description = "Facilities applying online, the pledge, the operator's decision"),
        (name = "activation", description = "One-time activation links, without a login"),
        (name = "staff", description = "A facility's staff accounts, managed by its administrator"),
        (name = "users", description = "Suspending and reactivating accounts"),
        (name = "settings", description = "The operator's settings"),
        (name = "operator", description = "The operator's adoption dashboard: registered facilities by type, users by profession, weekly activity (Japan time), new patient groups, facilities never active; its tables as CSV"),
        (name = "access-log", description = "The access log, for the operator and facility administrators"),
        (name = "media", description = "Resumable uploads (tus 1.0) and the files attached to posts"),
        (name = "push", description = "Web Push: the VAPID key, this device's subscription, muting a group"),
        (name = "email", description = "E-mail notifications: the caller's address, its confirmation and how often mail comes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Opaque session token from `POST /api/v1/sessions`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "media_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                tsunagu_api::MEDIA_COOKIE,
                "The session, set by `PUT /api/v1/session/media-cookie`; only `/api/v1/media/...` reads it",
            ))),
        );
    }
}
