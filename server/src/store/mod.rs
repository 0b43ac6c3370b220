//! Storage: the only place the server's SQL lives (issue 9 moves it here resource by
//! resource; `tests/layers.rs` lists the HTTP modules that still hold some and fails if another
//! gains any).
//!
//! Handlers call use-case methods on [`Store`]; each method is one transaction with its
//! concurrency contract in its doc comment, and converts rows to wire types once, here. The
//! backend is chosen by the URL scheme of `--database-url`; today that is SQLite, the default,
//! and PostgreSQL joins as a second variant of [`Backend`] with the same methods.

use std::net::IpAddr;
use std::time::Duration;

use tsunagu_api::{
    Author, DirectoryPerson, ErrorCode, FacilityKind, FacilitySummary, Group, GroupKind,
    Importance, Invitation, InvitationKind, Me, Member, MemberList, MemberRole, NewPost,
    PhysicianRule, Post, PostEdit, PostReceipts, PostRevision, Profession, Relationship, SearchHit,
    Timeline, UrgentItem,
};
use uuid::Uuid;

use crate::audit::Entry;
use crate::cursor::Cursor;
use crate::domain::audit_chain::ChainRow;
use crate::domain::invitation::NotDecidable;
use crate::domain::membership::{Denied, Membership};

pub mod batch;
pub mod id;
pub mod media;
pub mod postgres;
pub mod rows;
pub mod seed;
pub mod sqlite;

pub use rows::StoredEvent;

/// How long idempotency keys are kept. The contract promises at least 24 h; the SPA's outbox
/// may hold a post offline for days and then retry an attempt that did reach us, so keys live
/// as long as the event log (7 days) and such a retry still answers with the first result.
pub const IDEMPOTENCY_KEY_RETENTION_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Idled-out sessions are kept this long after they expired, so a returning user is told
/// `session_expired` (not `unauthenticated`) before the row goes.
pub(crate) const IDLE_SESSION_GRACE_MS: i64 = 24 * 60 * 60 * 1000;

/// A LIKE pattern finding `q` anywhere (with `ESCAPE '\\'`, on both backends): `%`, `_` and
/// the escape character in user text match literally.
pub(crate) fn like_pattern(q: &str) -> String {
    let mut pattern = String::with_capacity(q.len() + 2);
    pattern.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Why an operation was refused on the rows as they are in its transaction: the rules of
/// `domain`, and conflicts only the data can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Denied(Denied),
    /// The post is deleted (cannot be acknowledged, edited or replied to).
    PostDeleted,
    /// A field is invalid: empty or too long, or it names something that is not there now (a
    /// reply to a deleted post, a mention of someone who cannot read the timeline).
    Field(&'static str, ErrorCode),
    /// A change to a versioned resource came without `If-Match`.
    PreconditionRequired,
    /// The version the change was made against is no longer current.
    PreconditionFailed,
    /// An idempotency key used before for a different request.
    IdempotencyKeyReused,
    /// The person is already a member.
    AlreadyMember,
    /// The last admin cannot leave or step down.
    LastAdmin,
    /// The request was decided already (or the link used or revoked).
    InvitationDecided,
    /// The link is unknown, used, revoked or expired, or its group archived: one answer for all.
    InvitationInvalid,
    /// Another account (or a pending application) has this login ID.
    LoginIdTaken,
    /// The pledge version accepted is not the one in force.
    PledgeOutdated,
    /// The application was approved or rejected already.
    ApplicationDecided,
    /// The activation link is unknown, used, replaced or expired.
    ActivationInvalid,
    /// A post's attachments together exceed `max_post_bytes`.
    FileTooLarge,
}

impl From<Denied> for Refusal {
    fn from(denied: Denied) -> Self {
        Self::Denied(denied)
    }
}

/// What stopped an operation below the HTTP layer: a refusal (answered as such) or a failure
/// (500).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<Denied> for StoreError {
    fn from(denied: Denied) -> Self {
        Self::Refused(Refusal::Denied(denied))
    }
}

impl From<NotDecidable> for StoreError {
    fn from(reason: NotDecidable) -> Self {
        Self::Refused(match reason {
            NotDecidable::NotFound => Refusal::Denied(Denied::NotFound),
            NotDecidable::Decided => Refusal::InvitationDecided,
            NotDecidable::Archived => Refusal::Denied(Denied::Archived),
        })
    }
}

impl From<Refusal> for StoreError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// An account as login needs it: the wire user and the stored password hash.
#[derive(Debug)]
pub struct LoginUser {
    pub me: Me,
    pub password_hash: String,
    /// The two-factor secret (base32) when two-factor login is on for the account.
    pub totp_secret: Option<String>,
}

/// Whose a presented session token is, and its times (Unix milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct SessionOwner {
    pub user_id: Uuid,
    pub is_family: bool,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
}

/// A session to store: only the token's hash is kept.
#[derive(Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: Uuid,
    pub now_ms: i64,
    pub expires_at_ms: i64,
    pub client_ip: Option<IpAddr>,
}

/// A directory search: filters (all optional) and the keyset position.
#[derive(Debug)]
pub struct DirectoryQuery<'a> {
    /// Substring of the name, its kana (katakana read as hiragana) or the facility's name.
    pub q: Option<&'a str>,
    pub facility_id: Option<Uuid>,
    pub facility_kind: Option<FacilityKind>,
    pub profession: Option<Profession>,
    /// Only people after this (kana, id), in (kana, id) order.
    pub after: Option<(String, Uuid)>,
    pub limit: i64,
}

/// A validated patient profile, as stored.
#[derive(Debug, Clone)]
pub struct PatientFields {
    pub name: String,
    pub name_kana: String,
    pub birth_date: Option<String>,
    pub attending_physician_id: Option<Uuid>,
    pub care_manager_id: Option<Uuid>,
    pub notes: String,
}

/// A validated new group. `audit` makes the entry once the group's id is known.
pub struct NewGroupRow<'a> {
    pub creator: Uuid,
    pub kind: GroupKind,
    pub name: String,
    pub name_kana: Option<String>,
    pub patient: Option<PatientFields>,
    pub rule: Option<PhysicianRule>,
    pub audit: Box<dyn FnOnce(Uuid) -> Entry + Send + 'a>,
}

/// A validated edit of a group by `caller` (see [`Store::update_group`]).
#[derive(Debug)]
pub struct GroupEdit {
    pub caller: Uuid,
    pub group_id: Uuid,
    /// A workplace group's new name.
    pub name: Option<String>,
    /// A patient group's whole new profile.
    pub patient: Option<PatientFields>,
    pub rule: Option<PhysicianRule>,
    pub client_ip: Option<IpAddr>,
}

/// What adding a member did: they are in (201), or the invitation waits for the physician
/// (202).
#[derive(Debug)]
pub enum Added {
    Member(Member),
    Pending(Box<Invitation>),
}

/// Which versions of a resource a change was made against (`If-Match`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Versions {
    /// No `If-Match`.
    Absent,
    /// `*`: whatever is current.
    Any,
    /// Only these.
    OneOf(Vec<i64>),
}

impl Versions {
    pub fn allows(&self, version: i64) -> bool {
        match self {
            Self::Absent | Self::Any => true,
            Self::OneOf(versions) => versions.contains(&version),
        }
    }
}

/// A post to create. `audit` makes the entry once the post's id is known.
pub struct CreatePost<'a> {
    pub author: Uuid,
    pub group_id: Uuid,
    pub timeline: Timeline,
    pub post: &'a NewPost,
    /// The client's key and the request's fingerprint: a repeat replays the first answer.
    pub idempotency: Option<(Uuid, &'a str)>,
    /// Largest sum of the attachments' sizes.
    pub max_post_bytes: u64,
    pub audit: Box<dyn FnOnce(Uuid) -> Entry + Send + 'a>,
}

/// An edit of a post by its author.
pub struct EditPost<'a> {
    pub me: &'a Membership,
    pub author: Uuid,
    pub group_id: Uuid,
    pub post_id: Uuid,
    pub versions: &'a Versions,
    pub edit: &'a PostEdit,
    pub audit: Entry,
}

/// The answer to a create, new or replayed: byte-identical either way.
#[derive(Debug)]
pub struct CreatedPost {
    pub status: u16,
    pub body: String,
    pub group_id: Uuid,
    pub post_id: Uuid,
    /// The answer of an earlier create with the same key: nothing new was written.
    pub replayed: bool,
}

/// Which page of a timeline: the newest, or the one before or after a cursor.
#[derive(Debug, Clone, Copy)]
pub enum PageAt {
    Newest,
    Before(Cursor),
    After(Cursor),
}

/// A page of a timeline as the response carries it, and the viewer's read marker there.
#[derive(Debug)]
pub struct TimelinePage {
    /// The page's posts, a JSON array of wire `Post`s in page order: exactly the text
    /// `serde_json` writes for them (SQLite builds it in the query; sent as it is).
    pub items_json: String,
    /// The cursor of the page's last post when more posts follow it.
    pub next: Option<Cursor>,
    pub read_up_to: Option<Uuid>,
}

/// A page read with what decides whether it may be shown, read together (see
/// [`Store::session_timeline_page`]).
#[derive(Debug)]
pub struct SessionPage {
    /// The token's session, `None` if there is no such session of an enabled user.
    pub owner: Option<SessionOwner>,
    /// The session owner's membership of the group.
    pub membership: Option<Membership>,
    /// With a membership: the timeline read (the one asked for, or by default the first the
    /// membership may read; SQLite: `family` for family members, `care` for others) and its
    /// page, whether or not the membership may read it.
    pub page: Option<(Timeline, TimelinePage)>,
}

/// A decision on a pending request by `caller` (see [`Store::decide_invitation`]).
#[derive(Debug)]
pub struct Decide {
    pub invitation: Uuid,
    pub caller: Uuid,
    /// Approve, or decline with this reason (validated).
    pub decline_reason: Option<String>,
    pub client_ip: Option<IpAddr>,
}

/// A new one-time link, the caller checked as an admin of the group.
#[derive(Debug)]
pub struct NewLink<'a> {
    pub caller: Uuid,
    pub group_id: Uuid,
    pub kind: InvitationKind,
    pub role: MemberRole,
    pub token_hash: &'a str,
    /// When it is made and when it expires (one clock reading, so the span is exact).
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub client_ip: Option<IpAddr>,
}

/// An open link as `GET /join/{token}` describes it.
#[derive(Debug)]
pub struct OpenLink {
    pub id: Uuid,
    pub kind: InvitationKind,
    pub group_id: Uuid,
    pub group_name: String,
    pub expires_at_ms: i64,
    pub invited_by: Option<Author>,
}

/// A family account to create through the link `link` (validated; the password hashed).
#[derive(Debug)]
pub struct JoinFamily<'a> {
    pub link: &'a OpenLink,
    pub login_id: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub relationship: Relationship,
    /// The new session's token hash and expiry.
    pub session_token_hash: &'a str,
    pub session_expires_at_ms: i64,
    pub client_ip: Option<IpAddr>,
}

/// An operator account created from the command line (the first start of a deployment).
#[derive(Debug, Clone, Copy)]
pub struct NewOperator<'a> {
    pub login_id: &'a str,
    pub display_name: &'a str,
    pub display_name_kana: &'a str,
    pub password_hash: &'a str,
}

/// A page of the access log as a reviewer asks for it; every filter optional.
#[derive(Debug, Clone)]
pub struct AccessLogQuery {
    pub viewer: Uuid,
    pub user: Option<Uuid>,
    pub group: Option<Uuid>,
    /// Actions starting with this (`session.` for every login event).
    pub action: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Entries older than this id (the keyset).
    pub before: Option<i64>,
    pub limit: i64,
}

/// A one-time activation link to store: the hash of its secret and when it closes.
#[derive(Debug, Clone, Copy)]
pub struct NewActivation<'a> {
    pub token_hash: &'a str,
    pub expires_at_ms: i64,
}

/// The account an open activation link activates.
#[derive(Debug, Clone)]
pub struct ActivationTarget {
    pub user_id: Uuid,
    pub login_id: String,
    pub display_name: String,
    pub profession: tsunagu_api::Profession,
    pub facility: Option<tsunagu_api::FacilityRef>,
    pub expires_at_ms: i64,
    /// The secret of a two-factor enrolment started on this link.
    pub pending_secret: Option<String>,
}

/// Completing an activation: the password, the pledge accepted, the two-factor login confirmed
/// (the time step of the first code and the recovery codes' hashes) and the first session.
#[derive(Debug)]
pub struct Activation<'a> {
    pub token_hash: &'a str,
    pub password_hash: &'a str,
    pub pledge_version: u32,
    pub two_factor: Option<(i64, &'a [String])>,
    pub session: NewSession<'a>,
}

/// An approved application: the facility created and its administrator's account.
#[derive(Debug, Clone)]
pub struct Approved {
    pub facility: tsunagu_api::FacilityRef,
    pub user_id: Uuid,
    pub login_id: String,
}

/// The stored settings document; defaults when none was saved, and for fields a newer or
/// older server did not write.
pub(crate) fn parse_settings(body: Option<String>) -> Result<tsunagu_api::Settings, StoreError> {
    match body {
        None => Ok(tsunagu_api::Settings::default()),
        Some(body) => Ok(serde_json::from_str(&body).map_err(anyhow::Error::from)?),
    }
}

/// A push subscription as the sender needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The device's push address, which identifies the subscription.
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// A post to push about: who may read it and what the push says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushPost {
    pub post_id: Uuid,
    pub group_id: Uuid,
    pub kind: GroupKind,
    pub timeline: Timeline,
    pub author: Uuid,
    pub urgent: bool,
}

/// A member's notification address as stored (defaults when they never gave one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmail {
    pub address: Option<String>,
    pub confirmed: bool,
    pub mode: tsunagu_api::EmailMode,
}

impl Default for StoredEmail {
    fn default() -> Self {
        Self {
            address: None,
            confirmed: false,
            mode: tsunagu_api::EmailMode::Off,
        }
    }
}

/// A mail to put into the outbox, already written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub user_id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A mail claimed from the outbox for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Failed attempts so far.
    pub attempts: i32,
}

/// A new address and the confirmation mail with its code (stored hashed).
#[derive(Debug, Clone)]
pub struct EmailCodeRequest {
    pub address: String,
    pub code_hash: String,
    pub expires_at_ms: i64,
    pub tries: i32,
    /// At most `max_per_window` confirmation mails per user within `window_ms`.
    pub window_ms: i64,
    pub max_per_window: i32,
    pub now_ms: i64,
    pub subject: String,
    pub body: String,
}

/// Whether a confirmation mail was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeQueued {
    Queued,
    /// Too many confirmation mails lately; the next one may go after this long.
    RateLimited {
        retry_after_ms: i64,
    },
}

/// A group as a notification mail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailGroup {
    pub id: Uuid,
    pub kind: GroupKind,
    pub name: String,
    /// A patient group's patient, when recorded.
    pub patient_name: Option<String>,
}

/// Someone to mail about a new post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecipient {
    pub user_id: Uuid,
    pub address: String,
}

/// A member whose digest is due, with the time their previous one covered up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestDue {
    pub user_id: Uuid,
    pub address: String,
    pub since_ms: i64,
}

/// A group in a digest: its unread posts created in the digest's period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestEntry {
    pub group: MailGroup,
    pub unread: u32,
}

/// Writes a member's digest mail from their groups (`None`: nothing to say).
pub type DigestRender<'a> = &'a (dyn Fn(&DigestDue, &[DigestEntry]) -> Option<NewMail> + Sync);

/// The storage backends. Cheap to clone.
#[derive(Clone)]
enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// The store handlers use. Cheap to clone.
#[derive(Clone)]
pub struct Store(Backend);

/// Calls the same method on whichever backend this is.
macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match &$self.0 {
            Backend::Sqlite($store) => $call,
            Backend::Postgres($store) => $call,
        }
    };
}

impl Store {
    pub fn sqlite(store: sqlite::SqliteStore) -> Self {
        Self(Backend::Sqlite(store))
    }

    pub fn postgres(store: postgres::PgStore) -> Self {
        Self(Backend::Postgres(store))
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.ping().await)
    }

    /// Queues an audit entry, stamped now, for the next batch (one transaction for all rows
    /// queued meanwhile). Returns once it is queued, waiting only while the queue is full: a
    /// read never waits for a commit. Used for reads and refusals; writes record theirs in
    /// their own transaction. A crash loses at most the batch in flight.
    pub async fn audit(&self, entry: Entry) -> Result<(), StoreError> {
        dispatch!(self, s => s.audit(entry).await)
    }

    /// Whether an operator account that can log in exists (a deployment without one is new).
    pub async fn has_operator(&self) -> Result<bool, StoreError> {
        dispatch!(self, s => s.has_operator().await)
    }

    /// Creates an operator account (no facility, profession `administrative`); refused with
    /// `LoginIdTaken` when the login ID is in use (ignoring ASCII case). Audited.
    pub async fn create_operator(&self, new: NewOperator<'_>) -> Result<Uuid, StoreError> {
        dispatch!(self, s => s.create_operator(new).await)
    }

    /// Suspends (`true`) or reactivates an account, as `actor` (`domain::accounts`: the
    /// operator, or the admin of the account's facility; anyone else gets `NotFound`). A
    /// suspension deletes the account's sessions in the same transaction; the caller ends its
    /// open event streams. Audited.
    pub async fn set_suspended(
        &self,
        actor: Uuid,
        target: Uuid,
        suspended: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.set_suspended(actor, target, suspended, client_ip).await)
    }

    /// Sets a new password for `login_id` and ends all that account's sessions, in one
    /// transaction; `None` when there is no such account. Audited.
    pub async fn reset_password(
        &self,
        login_id: &str,
        password_hash: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        dispatch!(self, s => s.reset_password(login_id, password_hash).await)
    }

    /// Writes a consistent copy of the whole database to `path` while the server runs
    /// (SQLite: a database file; PostgreSQL: a `pg_dump` custom-format archive of
    /// `database_url`). Audited.
    pub async fn backup_to(
        &self,
        path: &std::path::Path,
        database_url: &str,
    ) -> Result<(), StoreError> {
        match &self.0 {
            Backend::Sqlite(s) => s.backup_to(path).await,
            Backend::Postgres(s) => s.backup_to(path, database_url).await,
        }
    }

    /// Starts two-factor enrolment: stores a new secret, replacing an unconfirmed one. `false`
    /// when two-factor login is on already (turning it off or resetting it is another step).
    pub async fn begin_two_factor(&self, user: Uuid, secret: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.begin_two_factor(user, secret).await)
    }

    /// The account's two-factor secret and whether it is on; `None` before enrolment.
    pub async fn two_factor_secret(
        &self,
        user: Uuid,
    ) -> Result<Option<(String, bool)>, StoreError> {
        dispatch!(self, s => s.two_factor_secret(user).await)
    }

    /// Turns two-factor login on, with the time step of the code that confirmed it (so that
    /// code does not log in again) and the hashes of new recovery codes (old ones go), in one
    /// transaction. `false` when there is no enrolment to confirm or it is on already.
    pub async fn enable_two_factor(
        &self,
        user: Uuid,
        step: i64,
        recovery_hashes: &[String],
        audit: Entry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.enable_two_factor(user, step, recovery_hashes, audit).await)
    }

    /// Accepts a one-time code's time step for a login: `false` when that step or a later one
    /// was accepted before (a replayed code). One conditional update: of two logins racing with
    /// the same code, one wins.
    pub async fn accept_totp_step(&self, user: Uuid, step: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.accept_totp_step(user, step).await)
    }

    /// Uses up a recovery code: `false` when it is not one of the account's or was used.
    pub async fn use_recovery_code(&self, user: Uuid, hash: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.use_recovery_code(user, hash).await)
    }

    /// The confidentiality pledge in force.
    pub async fn pledge(&self) -> Result<tsunagu_api::Pledge, StoreError> {
        dispatch!(self, s => s.pledge().await)
    }

    /// Publishes a new pledge version (the operator). Audited.
    pub async fn publish_pledge(
        &self,
        actor: Uuid,
        text: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::Pledge, StoreError> {
        dispatch!(self, s => s.publish_pledge(actor, text, client_ip).await)
    }

    /// Queues a facility's application (already normalised). Refused with `PledgeOutdated`
    /// when the pledge accepted is not the one in force, `LoginIdTaken` when an account or a
    /// pending application has the login ID. Audited.
    pub async fn submit_application(
        &self,
        form: &tsunagu_api::ApplicationForm,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::ApplicationReceipt, StoreError> {
        dispatch!(self, s => s.submit_application(form, client_ip).await)
    }

    /// Every application, newest first (the operator; others `Forbidden`). Audited.
    pub async fn applications(
        &self,
        actor: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<tsunagu_api::Application>, StoreError> {
        dispatch!(self, s => s.applications(actor, client_ip).await)
    }

    /// How many applications wait for a decision (the operator; others `Forbidden`). Not
    /// audited: a count names nobody.
    pub async fn pending_applications(&self, actor: Uuid) -> Result<u32, StoreError> {
        dispatch!(self, s => s.pending_applications(actor).await)
    }

    /// Approves a pending application (the operator): creates the facility and its
    /// administrator's account waiting for activation with `link`, in one transaction.
    /// Refused with `ApplicationDecided` once decided. Audited.
    pub async fn approve_application(
        &self,
        actor: Uuid,
        id: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<Approved, StoreError> {
        dispatch!(self, s => s.approve_application(actor, id, link, client_ip).await)
    }

    /// Rejects a pending application with a reason (the operator). Audited.
    pub async fn reject_application(
        &self,
        actor: Uuid,
        id: Uuid,
        reason: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::Application, StoreError> {
        dispatch!(self, s => s.reject_application(actor, id, reason, client_ip).await)
    }

    /// The operator's settings (defaults until first saved).
    pub async fn settings(&self) -> Result<tsunagu_api::Settings, StoreError> {
        dispatch!(self, s => s.settings().await)
    }

    /// Saves the operator's settings (the operator; others `Forbidden`). Audited.
    pub async fn put_settings(
        &self,
        actor: Uuid,
        settings: &tsunagu_api::Settings,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.put_settings(actor, settings, client_ip).await)
    }

    /// A facility's staff by kana (`domain::onboarding::may_manage_staff`). Audited.
    pub async fn staff_of(
        &self,
        actor: Uuid,
        facility: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::StaffList, StoreError> {
        dispatch!(self, s => s.staff_of(actor, facility, client_ip).await)
    }

    /// Creates staff accounts of a facility waiting for activation, one link each, all or none
    /// (`LoginIdTaken` names none: the caller checked the file's own duplicates). Audited.
    pub async fn add_staff(
        &self,
        actor: Uuid,
        facility: Uuid,
        staff: &[(tsunagu_api::NewStaff, NewActivation<'_>)],
        imported: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<tsunagu_api::StaffMember>, StoreError> {
        dispatch!(self, s => s.add_staff(actor, facility, staff, imported, client_ip).await)
    }

    /// Login IDs among `ids` that accounts or pending applications have (ignoring ASCII case).
    pub async fn taken_login_ids(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.taken_login_ids(ids).await)
    }

    /// Resets an account for a new activation link (a lost phone or password): it cannot log
    /// in until activated, its two-factor login and sessions end, older links close. Who may:
    /// as for suspending (`domain::accounts::may_suspend`). Audited.
    pub async fn reissue_activation(
        &self,
        actor: Uuid,
        user: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::StaffMember, StoreError> {
        dispatch!(self, s => s.reissue_activation(actor, user, link, client_ip).await)
    }

    /// A new activation link for a family member of `group`, issued by one of its admins (a
    /// forgotten password): reset as [`Store::reissue_activation`]. Audited.
    pub async fn reissue_family_activation(
        &self,
        actor: Uuid,
        group: Uuid,
        user: Uuid,
        link: NewActivation<'_>,
        client_ip: Option<IpAddr>,
    ) -> Result<tsunagu_api::StaffMember, StoreError> {
        dispatch!(self, s => s.reissue_family_activation(actor, group, user, link, client_ip).await)
    }

    /// Suspends (`true`) or reactivates a facility (the operator): suspending disables its staff
    /// accounts still active, marked as suspended with it, and ends their sessions; reactivating
    /// enables exactly those again. Returns the accounts changed. Audited.
    pub async fn set_facility_suspended(
        &self,
        actor: Uuid,
        facility: Uuid,
        suspended: bool,
        client_ip: Option<IpAddr>,
    ) -> Result<Vec<Uuid>, StoreError> {
        dispatch!(self, s => s.set_facility_suspended(actor, facility, suspended, client_ip).await)
    }

    /// Offboards a leaver (スタッフ解除): removed from every group with a timeline entry, sessions
    /// ended, account closed; what they wrote stays. Who may: as for suspending. Audited.
    pub async fn offboard(
        &self,
        actor: Uuid,
        user: Uuid,
        client_ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.offboard(actor, user, client_ip).await)
    }

    /// The account an open, unexpired activation link activates.
    pub async fn activation(
        &self,
        token_hash: &str,
    ) -> Result<Option<ActivationTarget>, StoreError> {
        let target = dispatch!(self, s => s.activation(token_hash).await)?;
        Ok(target.filter(|t| t.expires_at_ms > crate::time::now_ms()))
    }

    /// Starts two-factor enrolment on an open activation link: stores a new secret, replacing
    /// one started before. `false` when the link is not open.
    pub async fn begin_activation_two_factor(
        &self,
        token_hash: &str,
        secret: &str,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.begin_activation_two_factor(token_hash, secret).await)
    }

    /// Activates the account of an open link and logs it in, in one transaction: refused with
    /// `ActivationInvalid` (used, replaced, expired meanwhile) or `PledgeOutdated`. Audited.
    pub async fn activate(&self, activation: Activation<'_>) -> Result<Me, StoreError> {
        let at = activation.session.now_ms;
        let me = dispatch!(self, s => s.activate(activation).await)?;
        self.record_activity(me.id, at);
        Ok(me)
    }

    /// Remembers a device for `user` after a login with a one-time code, until `expires_at_ms`.
    pub async fn remember_device(
        &self,
        user: Uuid,
        token_hash: &str,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.remember_device(user, token_hash, expires_at_ms).await)
    }

    /// Whether `token_hash` is a device `user` remembered and it has not expired. Resetting,
    /// suspending or closing the account forgets its devices.
    pub async fn is_trusted_device(
        &self,
        user: Uuid,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.is_trusted_device(user, token_hash).await)
    }

    /// Access log entries for a reviewer, newest first: the operator sees every entry, a
    /// facility's administrator those of their facility's staff; anyone else `Forbidden`.
    /// (Not audited here: the caller records the read or export.)
    pub async fn access_log(
        &self,
        query: &AccessLogQuery,
    ) -> Result<Vec<tsunagu_api::AccessLogEntry>, StoreError> {
        dispatch!(self, s => s.access_log(query).await)
    }

    /// Up to `limit` access log entries after `after_id`, in id order (`audit verify`).
    pub async fn audit_chain_page(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ChainRow>, StoreError> {
        dispatch!(self, s => s.audit_chain_page(after_id, limit).await)
    }

    /// Returns once every audit entry and session touch queued so far is committed (graceful
    /// shutdown; tests that read the audit log).
    pub async fn flush(&self) {
        dispatch!(self, s => s.flush().await)
    }

    /// The caller's groups, most recently active first, before the cursor, each with its
    /// cursor.
    pub async fn groups_of(
        &self,
        user: Uuid,
        kind: Option<GroupKind>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(Group, Cursor)>, StoreError> {
        dispatch!(self, s => s.groups_of(user, kind, before, limit).await)
    }

    /// Whether `user` is an enabled professional of `profession` (and, given a group, a
    /// professional member of it).
    pub async fn is_professional(
        &self,
        user: Uuid,
        profession: Profession,
        group: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.is_professional(user, profession, group).await)
    }

    /// Whether `user` is an enabled professional (not a family account).
    pub async fn is_any_professional(&self, user: Uuid) -> Result<bool, StoreError> {
        dispatch!(self, s => s.is_any_professional(user).await)
    }

    /// Creates a group with its creator as admin and, for a patient group, the physician
    /// (admin) and care manager named in the profile as members; `group.created` in the care
    /// timeline and the audit row, in one transaction. Returns the group as the creator sees
    /// it.
    pub async fn create_group(&self, new: NewGroupRow<'_>) -> Result<Group, StoreError> {
        dispatch!(self, s => s.create_group(new).await)
    }

    /// Edits a group (its admins), deciding on the rows inside the write transaction: only the
    /// attending physician changes the rule (refused otherwise); the physician hands over
    /// directly, while another admin replacing or clearing them files a `physician_change`
    /// request and the rest takes effect. An edit that changes nothing writes no timeline
    /// entry (still audited). Returns the group and whether a request now waits.
    pub async fn update_group(&self, edit: GroupEdit) -> Result<(Group, bool), StoreError> {
        dispatch!(self, s => s.update_group(edit).await)
    }

    /// Adds a professional to a group, or, when `needs_approval`, files the invitation the
    /// physician decides; refused if they are already a member. One transaction (SQLite: on the
    /// write connection; PostgreSQL: under the group's row lock), so two admins adding the same
    /// person cannot both succeed.
    pub async fn add_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user: Uuid,
        role: MemberRole,
        needs_approval: bool,
        ip: Option<IpAddr>,
    ) -> Result<Added, StoreError> {
        dispatch!(self, s => s.add_member(caller, group_id, user, role, needs_approval, ip).await)
    }

    /// Changes a member's role; the last admin cannot step down, and family members have no
    /// other role.
    pub async fn update_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        role: MemberRole,
        ip: Option<IpAddr>,
    ) -> Result<Member, StoreError> {
        dispatch!(self, s => s.update_member(caller, group_id, user_id, role, ip).await)
    }

    /// Removes a member (or the caller leaves); the last admin cannot. Removing the attending
    /// physician by someone else files a `physician_removal` request instead, returned here.
    /// Decided on the rows inside the write transaction.
    pub async fn remove_member(
        &self,
        caller: Uuid,
        group_id: Uuid,
        user_id: Uuid,
        leaving: bool,
        ip: Option<IpAddr>,
    ) -> Result<Option<Invitation>, StoreError> {
        dispatch!(self, s => s.remove_member(caller, group_id, user_id, leaving, ip).await)
    }

    /// Archives a group (its admins): the entry first, then the flag, so the group takes no
    /// write after it; checked on the rows inside the transaction. Returns the group.
    pub async fn archive_group(
        &self,
        caller: Uuid,
        group_id: Uuid,
        audit: Entry,
    ) -> Result<Group, StoreError> {
        dispatch!(self, s => s.archive_group(caller, group_id, audit).await)
    }

    /// One group as the caller sees it, `None` if they are not in it.
    pub async fn group(&self, user: Uuid, group_id: Uuid) -> Result<Option<Group>, StoreError> {
        dispatch!(self, s => s.group(user, group_id).await)
    }

    /// The caller's membership of a group, `None` if they are not in it.
    pub async fn membership(
        &self,
        group_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        dispatch!(self, s => s.membership(group_id, user_id).await)
    }

    /// The enabled account with this login ID (case-insensitive), for logging in.
    pub async fn login_user(&self, login_id: &str) -> Result<Option<LoginUser>, StoreError> {
        dispatch!(self, s => s.login_user(login_id).await)
    }

    /// The id of the account a login ID names, enabled or not (for the audit log of a refused
    /// attempt).
    pub async fn user_id_by_login(&self, login_id: &str) -> Result<Option<Uuid>, StoreError> {
        dispatch!(self, s => s.user_id_by_login(login_id).await)
    }

    /// The account as `/me` shows it, enabled or not.
    pub async fn me(&self, user_id: Uuid) -> Result<Option<Me>, StoreError> {
        dispatch!(self, s => s.me(user_id).await)
    }

    /// Moves `reader`'s read marker of a timeline forward to post `up_to` with the receipts it
    /// implies and `read.updated`; `false` if that post is not in the timeline. An older post
    /// leaves the marker where it is (still audited).
    pub async fn mark_read(
        &self,
        group_id: Uuid,
        timeline: Timeline,
        reader: Uuid,
        up_to: Uuid,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.mark_read(group_id, timeline, reader, up_to, audit).await)
    }

    /// Who read and acknowledged a post and who has not yet, as one snapshot; audited.
    pub async fn post_receipts(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<PostReceipts, StoreError> {
        dispatch!(self, s => s.post_receipts(me, group_id, post_id, audit).await)
    }

    /// Acknowledges a post (idempotent; `ack.updated` the first time) and returns it as the
    /// caller now sees it. Refused for system entries, deleted posts and archived groups.
    pub async fn ack_post(
        &self,
        me: &Membership,
        group_id: Uuid,
        post_id: Uuid,
        user: Uuid,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        dispatch!(self, s => s.ack_post(me, group_id, post_id, user, audit).await)
    }

    /// Urgent posts waiting for `user`'s acknowledgement, oldest first, at most 100.
    pub async fn urgent_for(&self, user: Uuid) -> Result<Vec<UrgentItem>, StoreError> {
        dispatch!(self, s => s.urgent_for(user).await)
    }

    /// Enabled professionals matching the query, by kana reading then id.
    pub async fn directory_people(
        &self,
        query: &DirectoryQuery<'_>,
    ) -> Result<Vec<DirectoryPerson>, StoreError> {
        dispatch!(self, s => s.directory_people(query).await)
    }

    /// Every facility by kind then kana, with its count of enabled professionals.
    pub async fn facilities(&self) -> Result<Vec<FacilitySummary>, StoreError> {
        dispatch!(self, s => s.facilities().await)
    }

    /// Live person-written posts whose folded text contains `folded`, newest first, from the
    /// timelines `user` may read now (of one group, or all theirs), before the cursor, with
    /// each hit's cursor; never a post of another group, whatever the plan. SQLite reads only
    /// the caller's groups' posts. PostgreSQL does so for a query without a trigram (1-2
    /// characters) and answers longer ones from the trigram index, whose work also counts
    /// matches in other groups (see `postgres/README.md`, *Search*).
    pub async fn search_posts(
        &self,
        user: Uuid,
        folded: &str,
        group_id: Option<Uuid>,
        before: Option<Cursor>,
        limit: i64,
    ) -> Result<Vec<(SearchHit, Cursor)>, StoreError> {
        dispatch!(self, s => s.search_posts(user, folded, group_id, before, limit).await)
    }

    /// Opens the direct message of `me` and an enabled professional `peer`, or finds the one
    /// they have (a pair never has two): the group as `me` sees it and whether it is new;
    /// `None` if `peer` is no such person. `audit` makes the entry once the group is known.
    pub async fn open_direct(
        &self,
        me: Uuid,
        peer: Uuid,
        audit: impl FnOnce(Uuid) -> Entry + Send,
    ) -> Result<Option<(Group, bool)>, StoreError> {
        dispatch!(self, s => s.open_direct(me, peer, audit).await)
    }

    /// Posts of one timeline of a group as `viewer` sees them, in page order (newest first,
    /// or oldest first after a cursor), at least `min_importance`, at most `limit`, and whether
    /// more follow; index range reads, no query per post.
    pub async fn timeline_page(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        timeline: Timeline,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<TimelinePage, StoreError> {
        dispatch!(self, s => s.timeline_page(viewer, group_id, timeline, at, min_importance, limit).await)
    }

    /// [`Store::session_owner`], [`Store::membership`] and [`Store::timeline_page`] of one
    /// page read at once (SQLite: one statement, one round trip to the database thread). The
    /// caller checks the session and the membership as it would have before reading the page,
    /// and shows the page only if the membership may read that timeline.
    pub async fn session_timeline_page(
        &self,
        token_hash: &str,
        group_id: Uuid,
        timeline: Option<Timeline>,
        at: PageAt,
        min_importance: Importance,
        limit: i64,
    ) -> Result<SessionPage, StoreError> {
        dispatch!(self, s => s.session_timeline_page(token_hash, group_id, timeline, at, min_importance, limit).await)
    }

    /// One post of a group as `viewer` sees it, any timeline (the caller checks).
    pub async fn post(
        &self,
        viewer: Uuid,
        group_id: Uuid,
        post_id: Uuid,
    ) -> Result<Option<Post>, StoreError> {
        dispatch!(self, s => s.post(viewer, group_id, post_id).await)
    }

    /// Creates a post with its mentions, `post.created` and audit row, in one transaction
    /// where the idempotency key lookup and the inserts see one state (SQLite: the one write
    /// connection; PostgreSQL: the key claimed by its insert, the group row locked), so a
    /// concurrent retry with the same key waits and then replays. The quoted post and the
    /// mentions are checked in the same transaction (after a replay: a retry of a create that
    /// succeeded replays even if the quoted post was deleted since).
    pub async fn create_post(&self, cmd: CreatePost<'_>) -> Result<CreatedPost, StoreError> {
        dispatch!(self, s => s.create_post(cmd).await)
    }

    /// Edits the author's post: checks, in this order, that `author` may read it (404), wrote
    /// it (403), sent `If-Match` (428), the group takes writes (409), it is not deleted (409),
    /// the version is current (412) and the new text is valid (422); then writes it (the
    /// trigger keeps the revision), `post.updated` and the audit row in one transaction where
    /// the version compared is the version replaced (SQLite: the one write connection;
    /// PostgreSQL: a conditional update on the version). Returns the post as
    /// the author sees it.
    pub async fn edit_post(&self, cmd: EditPost<'_>) -> Result<Post, StoreError> {
        dispatch!(self, s => s.edit_post(cmd).await)
    }

    /// Soft-deletes the author's post (a tombstone; the text stays in the history) with
    /// `post.deleted` and the audit row; deleting a deleted post answers its tombstone again.
    /// Checks as for editing, `If-Match` optional.
    pub async fn delete_post(
        &self,
        me: &Membership,
        author: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        versions: &Versions,
        audit: Entry,
    ) -> Result<Post, StoreError> {
        dispatch!(self, s => s.delete_post(me, author, group_id, post_id, versions, audit).await)
    }

    /// Every version of a post, oldest first, for the group's admins and its author; audited.
    pub async fn post_history(
        &self,
        me: &Membership,
        caller: Uuid,
        group_id: Uuid,
        post_id: Uuid,
        audit: Entry,
    ) -> Result<Vec<PostRevision>, StoreError> {
        dispatch!(self, s => s.post_history(me, caller, group_id, post_id, audit).await)
    }

    /// A group's members (admins first, then by kana), and, when asked, the invitations and
    /// requests waiting for its physician.
    pub async fn members_of(
        &self,
        group_id: Uuid,
        with_pending: bool,
    ) -> Result<MemberList, StoreError> {
        dispatch!(self, s => s.members_of(group_id, with_pending).await)
    }

    /// Requests waiting for `user`'s decision, oldest first: those of the groups where they
    /// are the attending physician, and, for operators, those whose physician's account is
    /// disabled.
    pub async fn waiting_for(&self, user: Uuid) -> Result<Vec<Invitation>, StoreError> {
        dispatch!(self, s => s.waiting_for(user).await)
    }

    /// Decides a pending request, on the rows inside one write transaction: only the group's
    /// attending physician (or an operator when the physician's account is disabled) may, else
    /// 404; a decided request is refused (`InvitationDecided`), an archived group too. Approving
    /// makes the invitee a member, hands the physician role to the proposed successor (who
    /// must still be a physician member: else a `invitee` field refusal), or removes the
    /// physician (not the last admin). The decision, its timeline entry, `member.changed` and
    /// the audit row are written together; returns the request as it now stands.
    pub async fn decide_invitation(&self, decide: Decide) -> Result<Invitation, StoreError> {
        dispatch!(self, s => s.decide_invitation(decide).await)
    }

    /// Stores a one-time link with its audit row; the group must take writes (checked inside
    /// the transaction). Returns the link.
    pub async fn create_link(&self, link: NewLink<'_>) -> Result<Invitation, StoreError> {
        dispatch!(self, s => s.create_link(link).await)
    }

    /// Revokes an open link of the group (idempotent on a revoked one; `InvitationDecided` once
    /// used), with the audit row.
    pub async fn revoke_link(
        &self,
        caller: Uuid,
        group_id: Uuid,
        link_id: Uuid,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.revoke_link(caller, group_id, link_id, ip).await)
    }

    /// The open, unexpired link of a live group with this token hash, `None` for anything else.
    pub async fn open_link(&self, token_hash: &str) -> Result<Option<OpenLink>, StoreError> {
        dispatch!(self, s => s.open_link(token_hash).await)
    }

    /// Creates the family account of a link, claims the link (single use: only the request
    /// that flips it from open goes on, `InvitationInvalid` for the others), makes the account
    /// a family member with its timeline entries and `member.changed`, and stores its first
    /// session, in one transaction. A login ID another account has (checked inside the same
    /// transaction; the unique index decides a race) is refused with `LoginIdTaken` after the
    /// refusal is audited. Returns the new account.
    pub async fn join_family(&self, join: JoinFamily<'_>) -> Result<Me, StoreError> {
        let me = dispatch!(self, s => s.join_family(join).await)?;
        self.record_activity(me.id, crate::time::now_ms());
        Ok(me)
    }

    /// A group's one-time links (family, registration), newest first.
    pub async fn links_of(&self, group_id: Uuid) -> Result<Vec<Invitation>, StoreError> {
        dispatch!(self, s => s.links_of(group_id).await)
    }

    /// Stores a new session and its `session.create` audit row, in one transaction.
    /// Logging in counts as activity (see [`Store::record_activity`]).
    pub async fn create_session(&self, session: NewSession<'_>) -> Result<(), StoreError> {
        let (user, at) = (session.user_id, session.now_ms);
        dispatch!(self, s => s.create_session(session).await)?;
        self.record_activity(user, at);
        Ok(())
    }

    /// Ends a session (logout) with its audit row, in one transaction. Ending one already gone
    /// is not an error.
    pub async fn delete_session(&self, token_hash: &str, audit: Entry) -> Result<(), StoreError> {
        dispatch!(self, s => s.delete_session(token_hash, audit).await)
    }

    /// The owner of a live session token of an enabled account, expired or not (the caller
    /// decides with the times).
    pub async fn session_owner(
        &self,
        token_hash: &str,
    ) -> Result<Option<SessionOwner>, StoreError> {
        dispatch!(self, s => s.session_owner(token_hash).await)
    }

    /// Removes an expired session; its push subscription stays (no longer linked to it).
    pub async fn expire_session(&self, token_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.expire_session(token_hash).await)
    }

    /// The newest event id ever assigned (0 before the first; not lowered by pruning) and the
    /// oldest still stored, as one snapshot, for where a new stream starts. Every event with an
    /// id up to the newest is already visible or never will be (rolled back): a stream starting
    /// after it misses nothing committed later.
    pub async fn event_bounds(&self) -> Result<(i64, Option<i64>), StoreError> {
        dispatch!(self, s => s.event_bounds().await)
    }

    /// The events with ids in (`after`, `upto`] that `user` may see now, in id order, at most
    /// `limit`: those addressed to them, and those of groups they are a member of now, written
    /// since they joined, of the whole group or a timeline they may read (family members: the
    /// family timeline). `upto` must be an id known to be committed (published): ids become
    /// visible in id order, so nothing in the range appears later.
    pub async fn events_for(
        &self,
        user: Uuid,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        dispatch!(self, s => s.events_for(user, after, upto, limit).await)
    }

    /// The posts with these ids as `viewer` sees them now (tombstones included), any group, in
    /// no particular order; one query. For events already checked to be the viewer's.
    pub async fn posts_by_id(&self, viewer: Uuid, ids: &[Uuid]) -> Result<Vec<Post>, StoreError> {
        dispatch!(self, s => s.posts_by_id(viewer, ids).await)
    }

    /// Deletes what outlived its retention: idempotency keys after
    /// [`IDEMPOTENCY_KEY_RETENTION_MS`], sessions past their absolute expiry or idle for
    /// `idle_timeout` plus a grace day, and events after their 7 days. Each delete is
    /// independent and idempotent, so instances sharing a database may prune at once.
    pub async fn prune(&self, idle_timeout: Duration) -> Result<(), StoreError> {
        dispatch!(self, s => s.prune(idle_timeout).await)
    }

    /// The VAPID private key every instance signs with: `candidate` is stored if there is none
    /// yet (the first start), and the stored key returned either way.
    pub async fn vapid_private_key(
        &self,
        candidate: &str,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        dispatch!(self, s => s.vapid_private_key(candidate, now_ms).await)
    }

    /// Stores the session's push subscription, replacing its previous one, with the audit row.
    pub async fn set_push_subscription(
        &self,
        token_hash: &str,
        user: Uuid,
        sub: &tsunagu_api::PushSubscription,
        now_ms: i64,
        audit: Entry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.set_push_subscription(token_hash, user, sub, now_ms, audit).await)
    }

    /// Whether the session has a push subscription.
    pub async fn has_push_subscription(&self, token_hash: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.has_push_subscription(token_hash).await)
    }

    /// Whether `endpoint` is subscribed for `user`, through any session or none any more.
    pub async fn has_push_endpoint(&self, user: Uuid, endpoint: &str) -> Result<bool, StoreError> {
        dispatch!(self, s => s.has_push_endpoint(user, endpoint).await)
    }

    /// Removes the session's push subscription and, given `endpoint`, the user's subscription
    /// of that device (idempotent; audited when there was one).
    pub async fn delete_push_subscription(
        &self,
        token_hash: &str,
        user: Uuid,
        endpoint: Option<&str>,
        audit: Entry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.delete_push_subscription(token_hash, user, endpoint, audit).await)
    }

    /// Removes a subscription the push service says is gone (404/410), unless the device
    /// subscribed again meanwhile with other keys.
    pub async fn drop_push_target(&self, target: &PushTarget) -> Result<(), StoreError> {
        dispatch!(self, s => s.drop_push_target(target).await)
    }

    /// Mutes or unmutes a group for a member (the caller checked the membership), audited.
    pub async fn set_group_muted(
        &self,
        group_id: Uuid,
        user: Uuid,
        muted: bool,
        audit: Entry,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.set_group_muted(group_id, user, muted, audit).await)
    }

    /// The subscriptions to push a new post to: members who may read its timeline, not its
    /// author, enabled, who have not muted the group (unless the post is urgent).
    pub async fn push_targets(&self, post: &PushPost) -> Result<Vec<PushTarget>, StoreError> {
        dispatch!(self, s => s.push_targets(post).await)
    }

    /// Schedules an urgent post's re-notification (once per post: a second call changes
    /// nothing).
    pub async fn add_push_reminder(
        &self,
        post_id: Uuid,
        next_at_ms: i64,
        rounds: u32,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.add_push_reminder(post_id, next_at_ms, rounds).await)
    }

    /// Claims up to `limit` reminders due at `now_ms`: each is moved to `now_ms + every_ms`
    /// with one round less in the same statement, so of instances sharing the database only
    /// one claims each round. Spent reminders and those of deleted posts are dropped.
    pub async fn claim_push_reminders(
        &self,
        now_ms: i64,
        every_ms: i64,
        limit: i64,
    ) -> Result<Vec<PushPost>, StoreError> {
        dispatch!(self, s => s.claim_push_reminders(now_ms, every_ms, limit).await)
    }

    /// The subscriptions of members who may read an urgent post and have not acknowledged it
    /// (mutes do not count); when everyone has, the reminder is dropped.
    pub async fn reminder_targets(&self, post: &PushPost) -> Result<Vec<PushTarget>, StoreError> {
        dispatch!(self, s => s.reminder_targets(post).await)
    }

    /// The caller's notification address and mode.
    pub async fn email_settings(&self, user: Uuid) -> Result<StoredEmail, StoreError> {
        dispatch!(self, s => s.email_settings(user).await)
    }

    /// Stores a new, unconfirmed address (mode off, digest forgotten) with its code, replacing
    /// any earlier code, and queues the confirmation mail, in one transaction with the audit
    /// row; refused when the user had too many confirmation mails within the window.
    pub async fn set_email_address(
        &self,
        user: Uuid,
        request: EmailCodeRequest,
        audit: Entry,
    ) -> Result<CodeQueued, StoreError> {
        dispatch!(self, s => s.set_email_address(user, &request, audit).await)
    }

    /// Confirms the pending address when `code_hash` is its unexpired code with tries left
    /// (audited); a wrong code uses up a try. False when not confirmed.
    pub async fn confirm_email(
        &self,
        user: Uuid,
        code_hash: &str,
        now_ms: i64,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.confirm_email(user, code_hash, now_ms, audit).await)
    }

    /// Sets the mode (audited). `immediate` and `digest` need a confirmed address: false
    /// without one, and nothing changes. Choosing `digest` starts its period now (a digest
    /// already chosen keeps its schedule).
    pub async fn set_email_mode(
        &self,
        user: Uuid,
        mode: tsunagu_api::EmailMode,
        now_ms: i64,
        digest_every_ms: i64,
        audit: Entry,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.set_email_mode(user, mode, now_ms, digest_every_ms, audit).await)
    }

    /// Forgets the address, its code and the mode (audited when there was an address), and
    /// drops the user's unsent mails. The count of confirmation mails stays.
    pub async fn forget_email(&self, user: Uuid, audit: Entry) -> Result<(), StoreError> {
        dispatch!(self, s => s.forget_email(user, audit).await)
    }

    /// The group of a new post and who gets a mail about it now: members who may read it
    /// (as for push: not its author, not family for the care timeline, accounts that can log
    /// in) with a confirmed address in `immediate` mode, who have not muted the group unless
    /// the post is urgent. `None` when the group is gone.
    pub async fn post_mail_recipients(
        &self,
        post: &PushPost,
    ) -> Result<Option<(MailGroup, Vec<MailRecipient>)>, StoreError> {
        dispatch!(self, s => s.post_mail_recipients(post).await)
    }

    /// Puts mails into the outbox (one transaction), due now.
    pub async fn enqueue_mails(&self, mails: &[NewMail], now_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.enqueue_mails(mails, now_ms).await)
    }

    /// Claims up to `limit` due mails: unclaimed, or claimed before `stale_before_ms` (an
    /// instance that crashed mid-send). One statement marks them, so of instances sharing the
    /// database only one claims each.
    pub async fn claim_mails(
        &self,
        now_ms: i64,
        stale_before_ms: i64,
        limit: i64,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        dispatch!(self, s => s.claim_mails(now_ms, stale_before_ms, limit).await)
    }

    /// Removes a mail from the outbox: sent, or given up on.
    pub async fn delete_mail(&self, id: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.delete_mail(id).await)
    }

    /// Releases a mail whose sending failed for another try at `next_at_ms`.
    pub async fn retry_mail(&self, id: i64, next_at_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.retry_mail(id, next_at_ms).await)
    }

    /// When the next unclaimed mail is due, if any.
    pub async fn next_mail_due(&self) -> Result<Option<i64>, StoreError> {
        dispatch!(self, s => s.next_mail_due().await)
    }

    /// Claims up to `limit` members whose digest is due (confirmed, `digest` mode, accounts
    /// that can log in) and, in the same transaction, queues the mail `render` writes from
    /// their groups with unread posts created since their previous digest (muted groups:
    /// urgent posts only). Each claimed member's period moves on to `now_ms + every_ms`, so of
    /// instances sharing the database only one sends each digest. Returns the mails queued.
    pub async fn queue_digests(
        &self,
        now_ms: i64,
        every_ms: i64,
        limit: i64,
        render: DigestRender<'_>,
    ) -> Result<usize, StoreError> {
        dispatch!(self, s => s.queue_digests(now_ms, every_ms, limit, render).await)
    }

    /// Records that a session was used at `at_ms`, without waiting (batched; skipped under
    /// pressure, the next request touches again).
    pub fn touch_session(&self, token_hash: &str, at_ms: i64) {
        dispatch!(self, s => s.touch_session(token_hash, at_ms))
    }

    /// Records that `user_id` used the system at `at_ms` (the adoption dashboard's activity
    /// days): at most once per account and JST day per process, in the next batch, without
    /// waiting; skipped under pressure (the next request records it).
    pub fn record_activity(&self, user_id: Uuid, at_ms: i64) {
        dispatch!(self, s => s.record_activity(user_id, at_ms))
    }

    /// The grouped counts of the adoption dashboard for `window` (see
    /// [`crate::domain::dashboard`]), listing at most `never_active_limit` never-active
    /// facilities. Aggregate queries only, each through an index; not one transaction (the
    /// numbers of a live system move anyway).
    pub async fn dashboard_counts(
        &self,
        window: &crate::domain::dashboard::Window,
        never_active_limit: i64,
    ) -> Result<crate::domain::dashboard::Counts, StoreError> {
        dispatch!(self, s => s.dashboard_counts(window, never_active_limit).await)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_text_cannot_become_wildcards() {
        assert_eq!(super::like_pattern("5%_\\"), r"%5\%\_\\%");
    }
}
