//! Rows as both backends read them, and the one place each becomes its wire type. Ids decode
//! through [`Id`], so the same struct reads SQLite's text ids and PostgreSQL's uuids.

mod group;
mod invitation;
mod member;
mod post;
mod receipt;
mod user;

pub use group::{
    author, select_my_groups, Editable, GroupRow, MembershipRow, EDITABLE_COLUMNS,
    SELECT_MEMBERSHIP,
};
pub use invitation::{InvitationRow, SELECT_INVITATIONS};
pub use member::{MemberRow, SELECT_MEMBERS};
pub use post::{PostInGroupRow, PostRow, RevisionRow, StoredResponse, SELECT_REVISIONS};
pub use receipt::PersonRow;
pub use user::{AuthorRow, SessionRow, UserRow, SELECT_USER};
