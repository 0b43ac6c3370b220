//! `tsunagu-server seed-large`: a patient group with many posts, for benchmarks. It joins the
//! demo data (ns.tanaka and colleagues, demo password), so a benchmark logs in as a demo user
//! and measures a timeline of realistic size: posts spread over months, a few important and
//! urgent ones, read receipts and read markers up to shortly before now.

use crate::db::Database;
use anyhow::Context;
use uuid::Uuid;

use crate::demo::{self, v7_at};
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
    let Database::Sqlite(db) = database else {
        anyhow::bail!("seed-large writes SQLite only for now");
    };
    let db = db.writer.pool();
    let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM groups WHERE name = ?")
        .bind(GROUP_NAME)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(id) = existing {
        return Uuid::parse_str(&id).context("stored group id");
    }

    let mut members = Vec::new();
    for (login, role) in MEMBERS {
        let id: String = sqlx::query_scalar("SELECT id FROM users WHERE login_id = ?")
            .bind(login)
            .fetch_one(&mut *tx)
            .await
            .with_context(|| format!("demo user {login} missing"))?;
        members.push((id, *role));
    }
    let now = now_ms();
    let first_ms = now - SPAN_MS;
    let group_id = v7_at(first_ms - 24 * 60 * 60 * 1000);
    sqlx::query(
        "INSERT INTO groups (id, kind, name, name_kana, created_by, created_at_ms,
                             patient_name, patient_name_kana, patient_birth_date,
                             attending_physician_id, care_manager_id, patient_notes,
                             physician_rule)
         VALUES (?, 'patient', ?, 'ふかしけん', ?, ?, '負荷試験', 'ふかしけん', '1935-01-01',
                 ?, ?, 'ベンチマーク用のグループです。', 'approval_required')",
    )
    .bind(group_id.hyphenated())
    .bind(GROUP_NAME)
    .bind(&members[0].0)
    .bind(first_ms - 24 * 60 * 60 * 1000)
    .bind(&members[0].0)
    .bind(&members[2].0)
    .execute(&mut *tx)
    .await?;
    for (user, role) in &members {
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
             VALUES (?, ?, ?, ?)",
        )
        .bind(group_id.hyphenated())
        .bind(user)
        .bind(role)
        .bind(first_ms)
        .execute(&mut *tx)
        .await?;
    }

    // Evenly spread, oldest first; one in ten in the family timeline, a few important or
    // urgent (never by ns.tanaka, so her urgent banner has something to show).
    let step = (SPAN_MS / i64::from(posts)).max(1);
    let mut last_ms = first_ms;
    for i in 0..posts {
        let ms = first_ms + i64::from(i) * step;
        last_ms = ms;
        let author = &members[i as usize % members.len()].0;
        let timeline = if i % 10 == 9 { "family" } else { "care" };
        let importance = if i % 1000 == 500 && i as usize % members.len() != 1 {
            "urgent"
        } else if i % 97 == 0 {
            "important"
        } else {
            "normal"
        };
        sqlx::query(
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms,
                                timeline, importance)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(v7_at(ms).hyphenated())
        .bind(group_id.hyphenated())
        .bind(author)
        .bind(body(i))
        .bind(crate::db::search_text(&body(i)))
        .bind(ms)
        .bind(timeline)
        .bind(importance)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE groups SET last_post_at_ms = ? WHERE id = ?")
        .bind(last_ms)
        .bind(group_id.hyphenated())
        .execute(&mut *tx)
        .await?;

    // Everyone has read all but the newest posts of each timeline: markers, and the receipts
    // they imply, each one statement.
    for timeline in ["care", "family"] {
        sqlx::query(
            "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
             SELECT m.group_id, m.user_id, p.timeline, p.created_at_ms, p.id
             FROM group_members m
             JOIN posts p ON p.id = (SELECT id FROM posts
                                     WHERE group_id = m.group_id AND timeline = ?
                                     ORDER BY created_at_ms DESC, id DESC LIMIT 1 OFFSET ?)
             WHERE m.group_id = ?",
        )
        .bind(timeline)
        .bind(UNREAD)
        .bind(group_id.hyphenated())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT OR IGNORE INTO post_reads (post_id, user_id, read_at_ms)
         SELECT p.id, r.user_id, p.created_at_ms + 60000
         FROM read_markers r
         JOIN posts p ON p.group_id = r.group_id AND p.timeline = r.timeline
         WHERE r.group_id = ? AND p.author_id <> r.user_id
           AND (p.created_at_ms < r.up_to_ms
                OR (p.created_at_ms = r.up_to_ms AND p.id <= r.up_to_id))",
    )
    .bind(group_id.hyphenated())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(group_id)
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
