//! The OpenAPI document, generated from the routes and wire types; `api/openapi.yaml` is its
//! committed copy (a test fails when the two differ).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
    }
}

/// The rejections of the `Json` extractor, which every operation with a JSON body can answer
/// whatever its handler documents: added where the handler's own list lacks them. Applied in
/// [`document`], after the routes are in (an `#[openapi(modifiers)]` runs before).
struct JsonBodyErrors;

impl Modify for JsonBodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        const REJECTIONS: [(&str, &str); 4] = [
            ("400", "The body is not valid JSON (`malformed_request`)"),
            (
                "413",
                "The body is larger than 256 KiB (`malformed_request`)",
            ),
            (
                "415",
                "The body is not `application/json` (`unsupported_media_type`)",
            ),
            (
                "422",
                "The body is not a JSON object (`malformed_request`), or a field has the wrong \
                 type or is missing (`field_invalid`, `field_required`, with `errors`)",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                if operation.request_body.is_none() {
                    continue;
                }
                for (status, description) in REJECTIONS {
                    if operation.responses.responses.contains_key(status) {
                        continue;
                    }
                    let response = ResponseBuilder::new()
                        .description(description)
                        .content(
                            tsunagu_api::PROBLEM_JSON,
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("Problem")))
                                .build(),
                        )
                        .build();
                    operation
                        .responses
                        .responses
                        .insert(status.to_owned(), response.into());
                }
            }
        }
    }
}

/// The document of every route the server registers.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = crate::http::api_router().into_openapi();
    JsonBodyErrors.modify(&mut document);
    document
}

/// The document as YAML, as committed in `api/openapi.yaml`.
pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}
