//! Rows as both backends read them, and the one place each becomes its wire type. Ids decode
//! through [`Id`], so the same struct reads SQLite's text ids and PostgreSQL's uuids.

mod directory;
mod event;
mod post;
mod user;

pub use directory::{FacilityRow, PersonRow};
pub use event::StoredEvent;
pub use post::{PostInGroupRow, PostRow};
pub use user::{AuthorRow, SessionRow, UserRow, SELECT_USER};
