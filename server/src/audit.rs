//! The access log the MHLW guideline requires: who read or wrote which group's data, when,
//! from where. The table is append-only (triggers refuse UPDATE and DELETE).

use std::net::IpAddr;

use uuid::Uuid;

/// What was done; the stored names are stable, reviewers and tools filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SessionCreate,
    SessionLoginFailed,
    /// A login refused before its password was checked: too many failures (the first refusal
    /// of each wait is logged).
    SessionLoginThrottled,
    /// A login refused because every password-hashing slot stayed busy (at most one a second).
    SessionLoginBusy,
    SessionDelete,
    GroupsList,
    GroupRead,
    PostsRead,
    PostRead,
    PostCreate,
    GroupCreate,
    GroupUpdate,
    GroupArchive,
    DirectOpen,
    MembersRead,
    MemberAdd,
    MemberUpdate,
    MemberRemove,
    MemberLeave,
    /// An admin asked to replace, clear or remove the attending physician (waits for them).
    PhysicianChangeRequest,
    /// The attending physician handed the role over (or left the profile without one).
    PhysicianHandover,
    /// A signed-in caller was refused (403, or 404 for something they may not see): MHLW's
    /// guideline 6.0 asks for refused access to be reviewable. `target` is the path's last id.
    AccessRefused,
    InvitationsRead,
    InvitationApprove,
    InvitationDecline,
    InvitationLinkCreate,
    InvitationLinksRead,
    InvitationLinkRevoke,
    JoinRead,
    JoinAccept,
    /// A family link was used with a login ID that is taken: the link stays open, and the
    /// attempt counts towards the link's and the address's throttle.
    JoinRefused,
    ReadMarkerUpdate,
    DirectorySearch,
    FacilitiesRead,
    PostUpdate,
    PostDelete,
    PostHistoryRead,
    PostReceiptsRead,
    PostAck,
    UrgentRead,
    PostsSearch,
    /// An event stream was opened: it delivers posts (patient data) as they are written.
    EventsSubscribe,
    /// Events of a group were delivered on an open stream (one row per group per batch).
    EventsDelivered,
    /// An account was created from the command line (`admin create-operator`).
    AccountCreate,
    /// A password was reset from the command line; the account's sessions ended.
    PasswordReset,
    /// A copy of the whole database was taken (`admin backup`): an export of everything.
    Backup,
    /// Two-factor enrolment started (a new secret issued after the password was checked).
    TwoFactorEnrol,
    /// Two-factor login turned on, confirmed with a code.
    TwoFactorEnable,
    /// A recovery code was used to log in.
    TwoFactorRecoveryUsed,
    /// An account was suspended (its sessions ended) by the operator or its facility's admin.
    AccountSuspend,
    /// A suspended account was reactivated.
    AccountReactivate,
    /// A facility applied online (no login; `target` is the application).
    ApplicationSubmit,
    /// The operator read the applications (they hold contact details).
    ApplicationsRead,
    /// The operator approved an application: facility and administrator created.
    ApplicationApprove,
    ApplicationReject,
    /// The operator published a new version of the confidentiality pledge.
    PledgePublish,
    /// The operator changed the deployment's settings (two-factor policy, idle lock).
    SettingsUpdate,
    /// A facility's staff list was read (by its administrator or the operator).
    StaffRead,
    /// A staff account was created, waiting for activation.
    StaffAdd,
    /// A new activation link was issued for an account (a reset: password and two-factor login
    /// cleared, sessions ended).
    ActivationIssue,
    /// An activation link was opened (no login; `target` is the account).
    ActivationRead,
    /// An account was activated with its link: password set, pledge accepted.
    AccountActivate,
    /// A staff member left: removed from every group, sessions ended, account closed.
    StaffOffboard,
    /// A facility's staff list was exported as CSV.
    StaffExport,
    /// Staff accounts were created from a CSV file (one row per file).
    StaffImport,
    /// A right password for an account that must use two-factor login and has not set it up.
    SessionLoginNeedsTwoFactor,
    /// A family account lost its last group and was closed (its sessions ended).
    FamilyAccountClose,
    /// The operator suspended a facility: its staff cannot log in, their sessions ended.
    FacilitySuspend,
    /// The operator reactivated a facility (and the accounts suspended with it).
    FacilityReactivate,
    /// The access log was read (by the operator or a facility's administrator).
    AccessLogRead,
    /// The access log was exported as CSV.
    AccessLogExport,
    /// The operator read the adoption dashboard.
    DashboardRead,
    /// The operator exported a table of the adoption dashboard as CSV.
    DashboardExport,
    /// An upload was started for a group's timeline (`target` is the upload).
    UploadCreate,
    /// An upload's last byte arrived and the file passed the checks.
    UploadComplete,
    /// An upload's file was refused (type, size, undecodable image) and removed.
    UploadRefused,
    /// An upload (or a file on no post) was cancelled by its owner.
    UploadCancel,
    /// A file (or its thumbnail) was downloaded.
    MediaRead,
    /// A group's files were listed.
    MediaList,
    /// A device's push subscription was stored (or replaced) for its session.
    PushSubscribe,
    /// A device's push subscription was removed by its session.
    PushUnsubscribe,
    /// A member muted a group's pushes.
    GroupMute,
    /// A member unmuted a group's pushes.
    GroupUnmute,
    /// A member gave a notification address (a confirmation code was mailed to it).
    EmailAddressSet,
    /// A member confirmed their notification address with the mailed code.
    EmailConfirm,
    /// A member chose how often notification mail comes (immediate, digest, off).
    EmailModeSet,
    /// A member removed their notification address.
    EmailForget,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SessionCreate => "session.create",
            Self::SessionLoginFailed => "session.login_failed",
            Self::SessionLoginThrottled => "session.login_throttled",
            Self::SessionLoginBusy => "session.login_busy",
            Self::SessionDelete => "session.delete",
            Self::GroupsList => "groups.list",
            Self::GroupRead => "group.read",
            Self::PostsRead => "posts.read",
            Self::PostRead => "post.read",
            Self::PostCreate => "post.create",
            Self::GroupCreate => "group.create",
            Self::GroupUpdate => "group.update",
            Self::GroupArchive => "group.archive",
            Self::DirectOpen => "direct.open",
            Self::MembersRead => "members.read",
            Self::MemberAdd => "member.add",
            Self::MemberUpdate => "member.update",
            Self::MemberRemove => "member.remove",
            Self::MemberLeave => "member.leave",
            Self::PhysicianChangeRequest => "physician.change_request",
            Self::PhysicianHandover => "physician.handover",
            Self::AccessRefused => "access.refused",
            Self::InvitationsRead => "invitations.read",
            Self::InvitationApprove => "invitation.approve",
            Self::InvitationDecline => "invitation.decline",
            Self::InvitationLinkCreate => "invitation_link.create",
            Self::InvitationLinksRead => "invitation_links.read",
            Self::InvitationLinkRevoke => "invitation_link.revoke",
            Self::JoinRead => "join.read",
            Self::JoinAccept => "join.accept",
            Self::JoinRefused => "join.refused",
            Self::ReadMarkerUpdate => "read_marker.update",
            Self::DirectorySearch => "directory.search",
            Self::FacilitiesRead => "facilities.read",
            Self::PostUpdate => "post.update",
            Self::PostDelete => "post.delete",
            Self::PostHistoryRead => "post_history.read",
            Self::PostReceiptsRead => "post_receipts.read",
            Self::PostAck => "post.ack",
            Self::UrgentRead => "urgent.read",
            Self::PostsSearch => "posts.search",
            Self::EventsSubscribe => "events.subscribe",
            Self::EventsDelivered => "events.delivered",
            Self::AccountCreate => "account.create",
            Self::PasswordReset => "account.password_reset",
            Self::Backup => "admin.backup",
            Self::TwoFactorEnrol => "two_factor.enrol",
            Self::TwoFactorEnable => "two_factor.enable",
            Self::TwoFactorRecoveryUsed => "two_factor.recovery_used",
            Self::AccountSuspend => "account.suspend",
            Self::AccountReactivate => "account.reactivate",
            Self::ApplicationSubmit => "application.submit",
            Self::ApplicationsRead => "application.list",
            Self::ApplicationApprove => "application.approve",
            Self::ApplicationReject => "application.reject",
            Self::PledgePublish => "pledge.publish",
            Self::SettingsUpdate => "settings.update",
            Self::StaffRead => "staff.list",
            Self::StaffAdd => "staff.add",
            Self::ActivationIssue => "activation.issue",
            Self::ActivationRead => "activation.read",
            Self::AccountActivate => "account.activate",
            Self::StaffOffboard => "staff.offboard",
            Self::StaffExport => "staff.export",
            Self::StaffImport => "staff.import",
            Self::SessionLoginNeedsTwoFactor => "session.login_needs_two_factor",
            Self::FamilyAccountClose => "account.family_close",
            Self::AccessLogRead => "access_log.read",
            Self::FacilitySuspend => "facility.suspend",
            Self::FacilityReactivate => "facility.reactivate",
            Self::AccessLogExport => "access_log.export",
            Self::DashboardRead => "dashboard.read",
            Self::DashboardExport => "dashboard.export",
            Self::UploadCreate => "upload.create",
            Self::UploadComplete => "upload.complete",
            Self::UploadRefused => "upload.refused",
            Self::UploadCancel => "upload.cancel",
            Self::MediaRead => "media.read",
            Self::MediaList => "media.list",
            Self::PushSubscribe => "push.subscribe",
            Self::PushUnsubscribe => "push.unsubscribe",
            Self::GroupMute => "group.mute",
            Self::GroupUnmute => "group.unmute",
            Self::EmailAddressSet => "email.address_set",
            Self::EmailConfirm => "email.confirm",
            Self::EmailModeSet => "email.mode_set",
            Self::EmailForget => "email.forget",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub action: Action,
    pub user_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub client_ip: Option<IpAddr>,
}

impl Entry {
    pub fn new(action: Action, user_id: Option<Uuid>, client_ip: Option<IpAddr>) -> Self {
        Self {
            action,
            user_id,
            group_id: None,
            target_id: None,
            client_ip,
        }
    }

    pub fn group(mut self, group_id: Uuid) -> Self {
        self.group_id = Some(group_id);
        self
    }

    pub fn target(mut self, target_id: Uuid) -> Self {
        self.target_id = Some(target_id);
        self
    }

    /// The client address as stored, and this entry's hash stamped `at_ms` after `prev`
    /// (`domain::audit_chain`): what each backend's append writes.
    pub fn chained(&self, prev: &str, at_ms: i64) -> (Option<String>, String) {
        let client_ip = self.client_ip.map(|ip| ip.to_string());
        let hash = crate::domain::audit_chain::entry_hash(
            prev,
            &crate::domain::audit_chain::Fields {
                at_ms,
                user_id: self.user_id,
                action: self.action.as_str(),
                group_id: self.group_id,
                target_id: self.target_id,
                client_ip: client_ip.as_deref(),
            },
        );
        (client_ip, hash)
    }
}
