//! The OpenAPI document, generated from the routes and wire types; `api/openapi.yaml` is its
//! committed copy (a test fails when the two differ).

use utoipa::Modify;

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
