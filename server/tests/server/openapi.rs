//! `api/openapi.yaml` must be exactly what the server generates from its routes.

use std::path::Path;

#[test]
fn committed_openapi_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/openapi.yaml");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = tsunagu_server::openapi::yaml().unwrap();
    assert!(
        committed == generated,
        "{} is out of date with the code; regenerate it with\n\n    \
         cargo run -p tsunagu-server -- openapi > api/openapi.yaml\n",
        path.display()
    );
}

#[test]
fn every_operation_documents_its_problems_and_security() {
    let doc = tsunagu_server::openapi::document();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["openapi"], "3.1.0");
    assert_eq!(json["info"]["title"], "Tsunagu API");
    assert_eq!(json["info"]["version"], "1");
    assert_eq!(
        json["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let paths = json["paths"].as_object().unwrap();
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            let public = path == "/api/v1/meta"
                || path == "/api/v1/health"
                || path == "/api/v1/join/{token}"
                || path.starts_with("/api/v1/activation/")
                || (path == "/api/v1/pledge" && method == "get")
                || (path == "/api/v1/applications" && method == "post")
                || (path == "/api/v1/sessions" && method == "post")
                // tus clients and CORS preflights ask before they authenticate.
                || (path == "/api/v1/uploads" && method == "options");
            if !public {
                // Files also take the media cookie (an <img> sends no header).
                let security = if path.starts_with("/api/v1/media/") {
                    serde_json::json!([{ "bearer": [] }, { "media_cookie": [] }])
                } else {
                    serde_json::json!([{ "bearer": [] }])
                };
                assert_eq!(op["security"], security, "{method} {path}");
                assert!(op["responses"]["401"].is_object(), "{method} {path}");
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                // 416 answers a byte range with `Content-Range`, as RFC 9110 has it; HEAD has no body.
                if (status.starts_with('4') || status.starts_with('5'))
                    && status != "416"
                    && method != "head"
                {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let create = &json["paths"]["/api/v1/groups/{group_id}/posts"]["post"];
    assert!(create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
}
