//! Who hears of a new post: the SQL both notification channels (Web Push, e-mail) and both
//! backends share, so the rule of who may be told lives in one place.

/// Current members of group `GROUP` who may read a post of timeline `TIMELINE` (family members
/// the family timeline only), other than its author `AUTHOR`, whose account can log in
/// (enabled, activated, not offboarded: no notice reaches someone who cannot open it). `m` is
/// the member row and `u` the user; `JOINS` (the channel's own table) follows the users join.
/// Callers append `AND ...`.
const POST_READERS: &str = "FROM group_members m
     JOIN users u ON u.id = m.user_id AND u.disabled = FALSE AND u.pending_activation = FALSE
                  AND u.offboarded_at_ms IS NULL
     JOINS
     WHERE m.group_id = GROUP AND (m.role <> 'family' OR TIMELINE = 'family')
       AND m.user_id <> AUTHOR";

/// [`POST_READERS`] with the backend's placeholders and the channel's joins.
pub fn post_readers(joins: &str, group: &str, timeline: &str, author: &str) -> String {
    POST_READERS
        .replace("JOINS", joins)
        .replace("GROUP", group)
        .replace("TIMELINE", timeline)
        .replace("AUTHOR", author)
}

/// A condition on member `m`: they have not muted the group, unless `urgent` is true (an
/// urgent post reaches muted members too).
pub fn not_muted_unless(urgent: &str) -> String {
    format!(
        "({urgent} OR NOT EXISTS (SELECT 1 FROM group_mutes gm
                                  WHERE gm.group_id = m.group_id AND gm.user_id = m.user_id))"
    )
}

/// The same condition for accounts of users `u`, in a query of its own: can log in.
pub const USER_CAN_LOG_IN: &str =
    "u.disabled = FALSE AND u.pending_activation = FALSE AND u.offboarded_at_ms IS NULL";
