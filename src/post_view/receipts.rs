//! How the receipts dialog lists who read and who acknowledged.

use tsunagu_api::{Importance, Post, Receipt};
use uuid::Uuid;

/// Receipts oldest first (ties by name), as the dialog lists them whatever order they came in.
pub fn ordered_receipts(list: &[Receipt]) -> Vec<Receipt> {
    let mut out = list.to_vec();
    crate::sort::sort_by(&mut out, |a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.user.display_name.cmp(&b.user.display_name))
    });
    out
}

/// Whether the receipts dialog lists who has not acknowledged yet: for the author of an urgent
/// post, who waits for everyone to have seen it.
pub fn shows_not_acknowledged(post: &Post, me: Option<Uuid>) -> bool {
    post.importance == Importance::Urgent && me == Some(post.author.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    use crate::post_view::fixtures::{author, t0};

    #[test]
    fn receipts_are_listed_oldest_first_then_by_name() {
        let r = |n: u128, name: &str, mins: i64| Receipt {
            user: author(n, name),
            at: t0() + Duration::minutes(mins),
        };
        let list = vec![r(1, "鈴木", 5), r(2, "佐藤", 1), r(3, "伊藤", 5)];
        let names: Vec<String> = ordered_receipts(&list)
            .into_iter()
            .map(|r| r.user.display_name)
            .collect();
        assert_eq!(names, vec!["佐藤", "伊藤", "鈴木"]);
    }
}
