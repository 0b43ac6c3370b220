//! Database URLs: which backend one names, and how it may appear in logs.

/// Whether a database URL names PostgreSQL (otherwise it is SQLite).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A database URL fit for logs and error messages: the password, if any, replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The URL without its password, and the password (percent-decoded), for tools such as
/// `pg_dump` that should get it through `PGPASSWORD`: an argument shows in every user's `ps`.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, password)) => (
                format!("{scheme}://{user}@{host}{tail}"),
                Some(
                    percent_encoding::percent_decode_str(password)
                        .decode_utf8_lossy()
                        .into_owned(),
                ),
            ),
            None => (url.to_owned(), None),
        },
        None => (url.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, split_password};

    #[test]
    fn the_password_goes_apart_from_the_url() {
        assert_eq!(
            split_password("postgres://tsunagu:s3cr%40t@db.example:5432/tsunagu?sslmode=require"),
            (
                "postgres://tsunagu@db.example:5432/tsunagu?sslmode=require".to_owned(),
                Some("s3cr@t".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://tsunagu@127.0.0.1/t"),
            ("postgres://tsunagu@127.0.0.1/t".to_owned(), None)
        );
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://tsunagu:s3cr%40t@db.example:5432/tsunagu?sslmode=require"),
            "postgres://tsunagu:***@db.example:5432/tsunagu?sslmode=require"
        );
        assert_eq!(
            redact("postgres://tsunagu@127.0.0.1/t"),
            "postgres://tsunagu@127.0.0.1/t"
        );
        assert_eq!(
            redact("sqlite://data/tsunagu.db"),
            "sqlite://data/tsunagu.db"
        );
        // An `@` in the path is not a password's end.
        assert_eq!(redact("sqlite://data/a@b.db"), "sqlite://data/a@b.db");
    }
}
