//! What a tile shows after its own actions, and which mentions an edit keeps.

use tsunagu_api::Post;
use uuid::Uuid;

/// The post a tile shows: the timeline's copy (`model`, kept current by live events) merged with
/// the result of the tile's own last action (`local`), whichever is further along. A newer
/// version wins outright; at the same version, counts only ever grow and an acknowledgement is
/// never withdrawn, so the larger counts and either `acked_by_me` are right.
pub fn merge_local(model: &Post, local: Option<&Post>) -> Post {
    let Some(local) = local.filter(|l| l.id == model.id) else {
        return model.clone();
    };
    let mut merged = if local.version > model.version {
        local.clone()
    } else {
        model.clone()
    };
    if local.version == model.version {
        merged.read_count = model.read_count.max(local.read_count);
        merged.ack_count = model.ack_count.max(local.ack_count);
    }
    merged.acked_by_me = model.acked_by_me || local.acked_by_me;
    merged
}

/// The mentions to send with an edited body: those whose `@表示名` is still in the text, in the
/// original order. `None` when all remain (the server keeps the list unchanged).
pub fn retained_mentions(body: &str, post: &Post) -> Option<Vec<Uuid>> {
    let kept: Vec<Uuid> = post
        .mentions
        .iter()
        .filter(|m| body.contains(&format!("@{}", m.display_name)))
        .map(|m| m.user_id)
        .collect();
    (kept.len() != post.mentions.len()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_api::Mention;

    use crate::post_view::fixtures::{post, ME, OTHER};

    #[test]
    fn a_tiles_own_result_merges_with_the_timelines_copy() {
        let model = post(1, OTHER);
        assert_eq!(merge_local(&model, None), model);
        // My acknowledgement (same version) shows before the live event arrives...
        let mut acked = model.clone();
        acked.ack_count = 1;
        acked.acked_by_me = true;
        let merged = merge_local(&model, Some(&acked));
        assert!(merged.acked_by_me && merged.ack_count == 1);
        // ...and later counts from live events are not hidden by it.
        let mut later = model.clone();
        later.ack_count = 3;
        later.read_count = 4;
        let merged = merge_local(&later, Some(&acked));
        assert_eq!((merged.ack_count, merged.read_count), (3, 4));
        assert!(merged.acked_by_me);
        // An edit I made (newer version) wins over the stale copy; a newer copy wins over it.
        let mut edited = model.clone();
        edited.version = 2;
        edited.body = "修正".into();
        assert_eq!(merge_local(&model, Some(&edited)).body, "修正");
        let mut newer = model.clone();
        newer.version = 3;
        newer.body = "再修正".into();
        assert_eq!(merge_local(&newer, Some(&edited)).body, "再修正");
        // A local copy of another post is ignored.
        assert_eq!(merge_local(&model, Some(&post(2, OTHER))), model);
    }

    #[test]
    fn edits_keep_only_mentions_still_in_the_text() {
        let mut p = post(1, ME);
        p.mentions = vec![
            Mention {
                user_id: Uuid::from_u128(1),
                display_name: "佐藤 健一".into(),
            },
            Mention {
                user_id: Uuid::from_u128(2),
                display_name: "鈴木 由美".into(),
            },
        ];
        assert_eq!(
            retained_mentions("@佐藤 健一 先生、@鈴木 由美 さん", &p),
            None
        );
        assert_eq!(
            retained_mentions("@鈴木 由美 さんのみ", &p),
            Some(vec![Uuid::from_u128(2)])
        );
        assert_eq!(retained_mentions("なし", &p), Some(vec![]));
    }
}
