//! Rows as both backends read them, and the one place each becomes its wire type. Ids decode
//! through [`Id`], so the same struct reads SQLite's text ids and PostgreSQL's uuids.

mod audit;
mod directory;
mod email;
mod event;
mod group;
mod invitation;
mod link;
mod member;
mod notify;
mod onboarding;
mod post;
mod receipt;
mod user;

pub use audit::{access_log_sql, AccessLogFilters, AccessLogRow, AuditRow, SELECT_AUDIT_CHAIN};
pub use directory::{DirectoryPersonRow, FacilityRow};
pub use email::{CodeRow, DigestGroupRow, DueRow, MailGroupRow, OutboxRow, SettingsRow, WindowRow};
pub use event::StoredEvent;
pub use group::{
    author, digest_groups_sql, select_my_groups, Editable, GroupRow, MembershipRow,
    EDITABLE_COLUMNS, SELECT_MEMBERSHIP,
};
pub use invitation::{InvitationRow, SELECT_INVITATIONS};
pub use link::{LinkRow, RequestRow, SELECT_OPEN_LINK, SELECT_REQUEST};
pub use member::{MemberRow, SELECT_MEMBERS};
pub use notify::{not_muted_unless, post_readers, USER_CAN_LOG_IN};
pub use onboarding::{
    ActivationRow, ApplicationRow, PledgeRow, StaffRow, SELECT_ACTIVATION, SELECT_APPLICATIONS,
    SELECT_CURRENT_PLEDGE, SELECT_STAFF,
};
pub use post::{PostInGroupRow, PostRow, RevisionRow, StoredResponse, SELECT_REVISIONS};
pub use receipt::ReceiptRow;
pub use user::{
    AccountRolesRow, AuthorRow, SessionRow, UserRow, SELECT_ACCOUNT_ROLES, SELECT_USER,
};
