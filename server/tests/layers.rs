//! The layering rule of issue 9: SQL lives in `server/src/store/`, never in the HTTP layer.
//! Handlers move over resource by resource; `STILL_WITH_SQL` lists those not moved yet and may
//! only shrink: a new file with SQL, or a listed one that no longer has any (so it must leave
//! the list), fails.

use std::path::Path;

/// HTTP modules that still use sqlx directly, until they move to the store.
const STILL_WITH_SQL: &[&str] = &[
    // `Error::Sqlx`, while handlers above still return sqlx errors.
    "error.rs",
];

#[test]
fn sql_stays_below_the_http_layer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut with_sql = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        if source.contains("sqlx") {
            with_sql.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    with_sql.sort();
    let unexpected: Vec<&String> = with_sql
        .iter()
        .filter(|f| !STILL_WITH_SQL.contains(&f.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "SQL belongs in server/src/store/, not in http/{unexpected:?}"
    );
    let moved: Vec<&&str> = STILL_WITH_SQL
        .iter()
        .filter(|f| !with_sql.iter().any(|w| w == *f))
        .collect();
    assert!(
        moved.is_empty(),
        "{moved:?} no longer use sqlx: take them off STILL_WITH_SQL"
    );
}
