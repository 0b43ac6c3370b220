//! Rows as both backends read them, and the one place each becomes its wire type. Ids decode
//! through [`Id`], so the same struct reads SQLite's text ids and PostgreSQL's uuids.

mod post;
mod receipt;
mod user;

pub use post::{PostInGroupRow, PostRow, RevisionRow, StoredResponse, SELECT_REVISIONS};
pub use receipt::PersonRow;
pub use user::{AuthorRow, SessionRow, UserRow, SELECT_USER};
