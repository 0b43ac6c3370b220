//! Pure rules behind the post actions, the urgent banner and search: who may do what with a
//! post, how a tile merges its own results with the timeline's copy, how receipt lists are
//! ordered, when the urgent list is stale, and how a search query is checked.

use tsunagu_api::{Author, Me, MemberRole};
use uuid::Uuid;

mod edits;
#[cfg(test)]
mod fixtures;
mod permissions;
mod receipts;
mod search;
mod urgent;

pub use edits::{merge_local, retained_mentions};
pub use permissions::{awaits_my_ack, is_live_post, may_ack, may_change, may_see_history};
pub use receipts::{ordered_receipts, shows_not_acknowledged};
pub use search::{checked_query, QueryProblem};
pub use urgent::{newly_arrived, urgent_list_affected};

/// The open group as the post tiles need it, provided by the group page: whether I administer
/// it (admins may read any post's history) and whether it is archived (read only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupViewer {
    /// The group.
    pub group_id: Uuid,
    /// My role in it.
    pub role: MemberRole,
    /// Archived groups take no posts, replies or edits.
    pub archived: bool,
}

/// Asks the open timeline to bring a loaded post into view (the list is virtualised: a loaded
/// post far from the viewport is not in the DOM). Provided by the timeline panel; the reply
/// quote uses it when the quoted post's element is not rendered.
#[derive(Clone, Copy)]
pub struct ScrollToPost(pub leptos::prelude::Callback<Uuid>);

/// Fills `{name}` placeholders of a translated template. Templates keep word order in the
/// translation (Japanese puts the name first, English often last).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in args {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// The author of a post as the wire's [`Author`], for events the client publishes itself.
pub fn me_as_author(me: &Me) -> Author {
    Author {
        id: me.id,
        display_name: me.display_name.clone(),
        profession: me.profession,
        facility_name: me.facility.as_ref().map(|f| f.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_by_name() {
        assert_eq!(
            fill(
                "{name} {time} の投稿",
                &[("name", "佐藤 花子"), ("time", "14:05")]
            ),
            "佐藤 花子 14:05 の投稿"
        );
        assert_eq!(fill("見ました {n}", &[("n", "3")]), "見ました 3");
    }

    #[test]
    fn translated_templates_have_the_same_placeholders() {
        use crate::i18n::{Locale, Msg};
        let placeholders = |t: &str| {
            let mut found: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(k, _)| k.to_owned()))
                .collect();
            found.sort();
            found
        };
        for msg in [
            Msg::PostTileLabel,
            Msg::AckCount,
            Msg::AckCountLong,
            Msg::ReadCount,
            Msg::UrgentCount,
            Msg::UrgentItemLabel,
            Msg::UrgentArrived,
        ] {
            let ja = placeholders(msg.text(Locale::Ja));
            assert!(!ja.is_empty(), "{msg:?} has no placeholder");
            assert_eq!(ja, placeholders(msg.text(Locale::En)), "{msg:?}");
        }
        assert_eq!(
            fill(
                Msg::PostTileLabel.text(Locale::Ja),
                &[("name", "佐藤 花子"), ("time", "14:05")]
            ),
            "佐藤 花子 14:05 の投稿"
        );
        assert_eq!(
            fill(Msg::AckCount.text(Locale::Ja), &[("n", "1")]),
            "見ました 1"
        );
        assert_eq!(
            fill(Msg::UrgentCount.text(Locale::Ja), &[("n", "2")]),
            "至急 2件"
        );
    }
}
