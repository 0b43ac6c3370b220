//! Who may do what with a post: history, edit and delete, acknowledge.

use tsunagu_api::{Importance, MemberRole, Post};
use uuid::Uuid;

/// Whether `post` is a user's post (not a system entry) that is not deleted.
pub fn is_live_post(post: &Post) -> bool {
    post.system.is_none() && post.deleted_at.is_none()
}

/// Whether the reader may open a post's edit history: only edited or deleted posts have one
/// worth showing, and the server shows it to the group's admins and to the author.
pub fn may_see_history(post: &Post, me: Option<Uuid>, role: Option<MemberRole>) -> bool {
    let changed = post.edited_at.is_some() || post.deleted_at.is_some();
    let allowed = role == Some(MemberRole::Admin) || me == Some(post.author.id);
    post.system.is_none() && changed && allowed
}

/// Whether the reader may edit and delete a post: the author, while it exists and the group is
/// not archived.
pub fn may_change(post: &Post, me: Option<Uuid>, archived: bool) -> bool {
    is_live_post(post) && !archived && me == Some(post.author.id)
}

/// Whether the reader can acknowledge a post (見ました): anyone but the author, while it exists.
pub fn may_ack(post: &Post, me: Option<Uuid>) -> bool {
    is_live_post(post) && me.is_some() && me != Some(post.author.id)
}

/// Whether an urgent post still waits for the reader: it stays highlighted until they
/// acknowledged it (their own urgent posts wait for the others, not for them).
pub fn awaits_my_ack(post: &Post, me: Option<Uuid>) -> bool {
    post.importance == Importance::Urgent && !post.acked_by_me && may_ack(post, me)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::post_view::fixtures::{post, t0, ME, OTHER};
    use crate::post_view::shows_not_acknowledged;

    #[test]
    fn history_is_for_admins_and_the_author_of_changed_posts() {
        let me = Some(Uuid::from_u128(ME));
        let mut p = post(1, OTHER);
        assert!(
            !may_see_history(&p, me, Some(MemberRole::Admin)),
            "unchanged"
        );
        p.edited_at = Some(t0());
        assert!(may_see_history(&p, me, Some(MemberRole::Admin)));
        assert!(!may_see_history(&p, me, Some(MemberRole::Member)));
        assert!(!may_see_history(&p, me, None));
        let mut mine = post(2, ME);
        mine.deleted_at = Some(t0());
        assert!(may_see_history(&mine, me, Some(MemberRole::Family)));
    }

    #[test]
    fn only_the_author_changes_and_only_others_acknowledge_live_posts() {
        let me = Some(Uuid::from_u128(ME));
        let mine = post(1, ME);
        let theirs = post(2, OTHER);
        assert!(may_change(&mine, me, false));
        assert!(!may_change(&mine, me, true), "archived");
        assert!(!may_change(&theirs, me, false));
        assert!(may_ack(&theirs, me) && !may_ack(&mine, me));
        let mut gone = theirs.clone();
        gone.deleted_at = Some(t0());
        assert!(!may_ack(&gone, me));
    }

    #[test]
    fn urgent_posts_wait_until_i_acknowledge_them() {
        let me = Some(Uuid::from_u128(ME));
        let mut p = post(1, OTHER);
        assert!(!awaits_my_ack(&p, me));
        p.importance = Importance::Urgent;
        assert!(awaits_my_ack(&p, me));
        p.acked_by_me = true;
        assert!(!awaits_my_ack(&p, me));
        let mut mine = post(2, ME);
        mine.importance = Importance::Urgent;
        assert!(!awaits_my_ack(&mine, me));
        assert!(shows_not_acknowledged(&mine, me));
        assert!(!shows_not_acknowledged(&p, me));
    }
}
