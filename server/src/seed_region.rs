//! `tsunagu-server seed-region`: a region the size of a large deployment, for the adoption
//! dashboard's benchmark — 10,000 facilities in the seed's proportions (Setagaya: clinics 177,
//! dental 51, pharmacies 108, care management 152, home-visit nursing 107, home help 51,
//! other 310), 100,000 staff accounts, patient groups over 12 months, posts and activity days
//! over 12 weeks. One facility in five never became active. It joins the demo data, so a
//! benchmark logs in as the demo operator (`op.ishikai`). Deterministic (a fixed-seed mixer),
//! and inserted in batches in one transaction; a second run changes nothing.

use crate::db::Database;
use crate::demo::{self, v7_at};
use crate::domain::dashboard::{day_start_ms, jst_day, DAY_MS};
use crate::store::seed::{self, Region};
use crate::time::now_ms;

/// The seed's registration table (Setagaya, R5.7): kind and count of 956.
const PROPORTIONS: &[(&str, u32)] = &[
    ("clinic", 177),
    ("dental_clinic", 51),
    ("pharmacy", 108),
    ("care_management_office", 152),
    ("home_nursing_station", 107),
    ("home_help_office", 51),
    ("other", 310),
];

/// Who works where.
fn professions(kind: &str) -> &'static [&'static str] {
    match kind {
        "clinic" => &["physician", "nurse", "administrative"],
        "dental_clinic" => &["dentist", "administrative"],
        "pharmacy" => &["pharmacist", "pharmacist", "administrative"],
        "care_management_office" => &["care_manager", "care_manager", "social_worker"],
        "home_nursing_station" => &["nurse", "nurse", "therapist"],
        "home_help_office" => &["care_worker", "care_worker", "care_manager"],
        _ => &["other", "social_worker", "administrative", "therapist"],
    }
}

/// splitmix64: a fixed, fast mixer (no randomness needed, only spread).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The kind of facility number `i` of `total`, in the seed's proportions.
fn kind_of(i: u32, total: u32) -> &'static str {
    let sum: u32 = PROPORTIONS.iter().map(|p| p.1).sum();
    let at = u64::from(i) * u64::from(sum) / u64::from(total.max(1));
    let mut acc = 0;
    for (kind, n) in PROPORTIONS {
        acc += u64::from(*n);
        if at < acc {
            return kind;
        }
    }
    "other"
}

/// The region's rows, counted back from `now`.
pub fn region(facilities: u32, users: u32, posts: u32, now: i64) -> Region {
    let today = jst_day(now);
    let year_ago = now - 365 * DAY_MS;
    let facility_rows: Vec<_> = (0..facilities)
        .map(|i| {
            // Registered over the past three years.
            let at = now - 3 * 365 * DAY_MS
                + i64::from(i) * (3 * 365 * DAY_MS / i64::from(facilities.max(1)));
            (
                v7_at(at),
                format!("負荷試験施設 {i:05}"),
                kind_of(i, facilities),
                at,
            )
        })
        .collect();
    // One facility in five never became active.
    let dormant = |f: usize| mix(f as u64 ^ 0xD0).is_multiple_of(5);
    let user_rows: Vec<_> = (0..users)
        .map(|i| {
            let f = (i % facilities.max(1)) as usize;
            let (fid, _, kind, at) = &facility_rows[f];
            let list = professions(kind);
            let profession = list[(i as usize / facilities.max(1) as usize) % list.len()];
            let created = at + i64::from(i % 1000) * 60_000;
            (
                v7_at(created),
                format!("load{i:06}"),
                profession,
                *fid,
                created,
            )
        })
        .collect();
    // Regular users: six in ten staff of an active facility; each uses it one day in five.
    let regular: Vec<usize> = (0..user_rows.len())
        .filter(|&u| !dormant(u % facilities.max(1) as usize) && mix(u as u64) % 10 < 6)
        .collect();
    let mut activity = Vec::new();
    for &u in &regular {
        for back in 0..84 {
            if mix(((u as u64) << 8) ^ back).is_multiple_of(5) {
                activity.push((user_rows[u].0, today - back as i64));
            }
        }
    }
    // A patient group per five facilities, over the last 12 months, by a regular user.
    let group_count = (facilities / 5).max(1) as usize;
    let groups: Vec<_> = (0..group_count)
        .map(|g| {
            let at = year_ago + (g as i64) * (365 * DAY_MS / group_count as i64);
            let by = user_rows[regular[mix(g as u64) as usize % regular.len().max(1)]].0;
            (v7_at(at), by, at)
        })
        .collect();
    // Posts over the last 12 weeks, by regular users, into the groups.
    let since = day_start_ms(today - 83);
    let span = (now - since).max(1);
    let post_rows: Vec<_> = (0..posts)
        .map(|p| {
            let r = mix(u64::from(p) ^ 0x5EED);
            let at = since + (r % span as u64) as i64;
            let author = user_rows[regular[(r >> 20) as usize % regular.len().max(1)]].0;
            let group = groups[(r >> 40) as usize % groups.len()].0;
            (v7_at(at), group, author, at)
        })
        .collect();
    Region {
        facilities: facility_rows,
        users: user_rows,
        groups,
        posts: post_rows,
        activity,
    }
}

/// Seeds the demo data if missing, then the region unless it is there; returns whether it
/// seeded the region.
pub async fn seed(
    database: &Database,
    facilities: u32,
    users: u32,
    posts: u32,
) -> anyhow::Result<bool> {
    demo::seed(database).await?;
    let region = region(facilities, users, posts, now_ms());
    seed::insert_region(database, &region).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn kinds_follow_the_seed_s_table() {
        let count = |kind: &str| (0..956).filter(|&i| kind_of(i, 956) == kind).count();
        assert_eq!(count("clinic"), 177);
        assert_eq!(count("other"), 310);
        let scaled = (0..10_000)
            .filter(|&i| kind_of(i, 10_000) == "pharmacy")
            .count();
        assert!((1129..=1131).contains(&scaled), "{scaled}");
    }

    #[test]
    fn a_small_region_is_consistent() {
        let r = region(50, 500, 1000, 1_780_000_000_000);
        assert_eq!(r.facilities.len(), 50);
        assert_eq!(r.users.len(), 500);
        assert_eq!(r.posts.len(), 1000);
        assert!(!r.activity.is_empty());
        let ids: std::collections::HashSet<Uuid> = r.users.iter().map(|u| u.0).collect();
        assert_eq!(ids.len(), 500, "ids are unique");
    }
}
