//! When the urgent banner refetches, and which arrivals it announces.

use std::collections::HashSet;

use tsunagu_api::{Importance, LiveEvent, UrgentItem};
use uuid::Uuid;

/// Whether a live event may change my urgent list (`held`: ids of the posts it shows now).
pub fn urgent_list_affected(event: &LiveEvent, held: &HashSet<Uuid>) -> bool {
    match event {
        LiveEvent::PostCreated(p) => p.importance == Importance::Urgent,
        // An edit may raise or lower the importance.
        LiveEvent::PostUpdated(p) => p.importance == Importance::Urgent || held.contains(&p.id),
        LiveEvent::PostDeleted(p) => held.contains(&p.id),
        LiveEvent::AckUpdated(a) => held.contains(&a.post_id),
        // Joining or leaving a group changes which urgent posts I may see.
        LiveEvent::MemberChanged(_) | LiveEvent::Reset(_) => true,
        LiveEvent::ReadUpdated(_) => false,
    }
}

/// The items of a fresh urgent list not seen before (to announce once); `seen` then holds all.
pub fn newly_arrived<'a>(seen: &mut HashSet<Uuid>, items: &'a [UrgentItem]) -> Vec<&'a UrgentItem> {
    items
        .iter()
        .filter(|item| seen.insert(item.post.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::{AckUpdate, ResetInfo, Timeline};

    use crate::post_view::fixtures::{author, post, t0, ME, OTHER};

    #[test]
    fn the_urgent_list_refetches_only_for_events_that_can_change_it() {
        let mut held = HashSet::new();
        let normal = post(1, OTHER);
        let mut urgent = post(2, OTHER);
        urgent.importance = Importance::Urgent;
        assert!(!urgent_list_affected(
            &LiveEvent::PostCreated(normal.clone()),
            &held
        ));
        assert!(urgent_list_affected(
            &LiveEvent::PostCreated(urgent.clone()),
            &held
        ));
        assert!(!urgent_list_affected(
            &LiveEvent::PostDeleted(urgent.clone()),
            &held
        ));
        held.insert(urgent.id);
        assert!(urgent_list_affected(
            &LiveEvent::PostDeleted(urgent.clone()),
            &held
        ));
        let mut lowered = urgent.clone();
        lowered.importance = Importance::Important;
        assert!(urgent_list_affected(
            &LiveEvent::PostUpdated(lowered),
            &held
        ));
        let ack = |post_id| {
            LiveEvent::AckUpdated(AckUpdate {
                group_id: Uuid::from_u128(900),
                timeline: Timeline::Care,
                post_id,
                user: author(ME, "me"),
                ack_count: 1,
                at: t0(),
            })
        };
        assert!(urgent_list_affected(&ack(urgent.id), &held));
        assert!(!urgent_list_affected(&ack(normal.id), &held));
        assert!(urgent_list_affected(
            &LiveEvent::Reset(ResetInfo { oldest_id: None }),
            &held
        ));
    }

    #[test]
    fn arrivals_are_announced_once() {
        let item = |id| UrgentItem {
            group_name: "山田 花子 様".into(),
            post: post(id, OTHER),
        };
        let mut seen = HashSet::new();
        let first = vec![item(1), item(2)];
        assert_eq!(newly_arrived(&mut seen, &first).len(), 2);
        assert!(newly_arrived(&mut seen, &first).is_empty(), "refetch");
        let next = vec![item(2), item(3)];
        let new: Vec<u128> = newly_arrived(&mut seen, &next)
            .iter()
            .map(|i| i.post.id.as_u128())
            .collect();
        assert_eq!(new, vec![3]);
    }
}
