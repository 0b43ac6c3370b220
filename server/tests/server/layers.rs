//! The layering rule of issue 9: SQL lives in `server/src/store/`, never in the HTTP layer: no
//! file under `server/src/http/` names sqlx.

use std::path::Path;

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
    assert!(
        with_sql.is_empty(),
        "SQL belongs in server/src/store/, not in http/{with_sql:?}"
    );
}
