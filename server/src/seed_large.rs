//! `tsunagu-server seed-large`: a patient group with many posts, for benchmarks. It joins the
//! demo data (ns.tanaka and colleagues, demo password), so a benchmark logs in as a demo user
//! and measures a timeline of realistic size: posts spread over months, a few important and
//! urgent ones, read receipts and read markers up to shortly before now.

use uuid::Uuid;

use crate::db::Database;
use crate::demo::{self, v7_at};
use crate::store::seed::{self, LargeGroup, LargePost};
use crate::time::now_ms;

/// Name of the group; a second run finds it and changes nothing.
pub const GROUP_NAME: &str = "負荷試験 様";

/// Members and roles; the first creates the group. All write posts, in turn.
const MEMBERS: &[(&str, &str)] = &[
    ("dr.sato", "admin"),
    ("ns.tanaka", "member"),
    ("cm.suzuki", "admin"),
    ("hh.ito", "member"),
    ("ph.takahashi", "member"),
];

/// Spread of the posts: the last 180 days.
const SPAN_MS: i64 = 180 * 24 * 60 * 60 * 1000;

/// Posts each member has not read yet (after their read marker).
const UNREAD: u32 = 20;

const OPENINGS: &[&str] = &[
    "訪問しました。",
    "本日の報告です。",
    "ご連絡です。",
    "状態の共有です。",
    "申し送りです。",
];

const FINDINGS: &[&str] = &[
    "褥瘡の処置を行い、発赤は軽減しています。",
    "食事は主食8割、副菜全量を摂取しました。",
    "夜間の咳が減り、よく眠れているそうです。",
    "下肢のむくみは変わりありません。",
    "内服の飲み忘れはありませんでした。",
    "ポータブルトイレへの移乗は見守りで可能です。",
    "入浴後のふらつきはありませんでした。",
    "ご家族から介護負担についての相談がありました。",
];

/// A varied, plausible body for post number `i`.
fn body(i: u32) -> String {
    let n = i as usize;
    format!(
        "{}BP {}/{}、P {}、SpO2 {}%、KT 36.{}℃。{}（#{i}）",
        OPENINGS[n % OPENINGS.len()],
        110 + (n * 7) % 40,
        60 + (n * 3) % 25,
        60 + (n * 5) % 30,
        93 + n % 6,
        n % 10,
        FINDINGS[(n / 3) % FINDINGS.len()],
    )
}

/// Seeds the demo data if missing, then the large group unless it exists; returns its id.
/// One transaction, so an interrupted run leaves nothing half-made.
pub async fn seed(database: &Database, posts: u32) -> anyhow::Result<Uuid> {
    demo::seed(database).await?;
    let now = now_ms();
    let first_ms = now - SPAN_MS;
    // Evenly spread, oldest first; one in ten in the family timeline, a few important or
    // urgent (never by ns.tanaka, so her urgent banner has something to show).
    let step = (SPAN_MS / i64::from(posts)).max(1);
    let rows = (0..posts)
        .map(|i| {
            let ms = first_ms + i64::from(i) * step;
            let author = i as usize % MEMBERS.len();
            let importance = if i % 1000 == 500 && author != 1 {
                "urgent"
            } else if i % 97 == 0 {
                "important"
            } else {
                "normal"
            };
            LargePost {
                id: v7_at(ms),
                author,
                body: body(i),
                created_at_ms: ms,
                timeline: if i % 10 == 9 { "family" } else { "care" },
                importance,
            }
        })
        .collect();
    let group = LargeGroup {
        id: v7_at(first_ms - 24 * 60 * 60 * 1000),
        name: GROUP_NAME,
        members: MEMBERS,
        created_at_ms: first_ms - 24 * 60 * 60 * 1000,
        joined_at_ms: first_ms,
        posts: rows,
        unread: i64::from(UNREAD),
    };
    seed::insert_large_group(database, &group).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_vary_and_are_japanese() {
        assert_ne!(body(0), body(1));
        assert!(body(7).contains("SpO2"));
        assert!(body(7).chars().count() < 120);
    }
}
