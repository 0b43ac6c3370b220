//! Bulk rows for demo and benchmark data (`serve --demo`, `seed-large`), inserted in one
//! transaction with the same SQL on both backends.

use sqlx::{PgConnection, SqliteConnection};
use uuid::Uuid;

use crate::db::{search_text, Database};
use crate::store::id::Id;

pub struct SeedFacility {
    pub id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub kind: &'static str,
    pub created_at_ms: i64,
}

pub struct SeedUser {
    pub id: Uuid,
    pub login_id: String,
    pub password_hash: String,
    pub display_name: String,
    pub display_name_kana: String,
    pub profession: &'static str,
    pub facility_id: Option<Uuid>,
    pub created_at_ms: i64,
    pub is_operator: bool,
    pub is_facility_admin: bool,
    pub relationship: Option<&'static str>,
}

pub struct SeedGroup {
    pub id: Uuid,
    pub kind: &'static str,
    pub name: String,
    pub name_kana: Option<String>,
    pub created_by: Uuid,
    pub created_at_ms: i64,
    pub patient_name: Option<String>,
    pub patient_name_kana: Option<String>,
    pub patient_birth_date: Option<String>,
    pub attending_physician_id: Option<Uuid>,
    pub care_manager_id: Option<Uuid>,
    pub patient_notes: String,
    pub physician_rule: Option<&'static str>,
    pub direct_key: Option<String>,
}

pub struct SeedMember {
    pub group_id: Uuid,
    pub user_id: Uuid,
    pub role: &'static str,
    pub joined_at_ms: i64,
}

pub struct SeedPost {
    pub id: Uuid,
    pub group_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at_ms: i64,
    pub timeline: &'static str,
}

/// Rows to insert unless the account `marker_login` exists (then nothing is written).
#[derive(Default)]
pub struct Seed {
    pub marker_login: String,
    pub facilities: Vec<SeedFacility>,
    pub users: Vec<SeedUser>,
    pub groups: Vec<SeedGroup>,
    pub members: Vec<SeedMember>,
    pub posts: Vec<SeedPost>,
}

/// Inserts `seed` in one transaction unless its marker account exists; returns whether it
/// did. Two servers starting at once write it once: SQLite's `BEGIN IMMEDIATE` and
/// PostgreSQL's transaction-scoped advisory lock make the check and the inserts one step.
pub async fn insert(db: &Database, seed: &Seed) -> Result<bool, sqlx::Error> {
    match db {
        Database::Sqlite(db) => {
            let mut tx = db.writer.begin().await?;
            let inserted = insert_sqlite(&mut tx, seed).await?;
            tx.commit().await?;
            Ok(inserted)
        }
        Database::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // Any constant key: only seeding takes it.
            sqlx::query("SELECT pg_advisory_xact_lock(7262012)")
                .execute(&mut *tx)
                .await?;
            let inserted = insert_postgres(&mut tx, seed).await?;
            tx.commit().await?;
            Ok(inserted)
        }
    }
}

/// The same statements for each backend's connection type.
macro_rules! insert_rows {
    ($name:ident, $conn:ty) => {
        async fn $name(conn: &mut $conn, seed: &Seed) -> Result<bool, sqlx::Error> {
            let present: Option<bool> =
                sqlx::query_scalar("SELECT true FROM users WHERE login_id = $1")
                    .bind(&seed.marker_login)
                    .fetch_optional(&mut *conn)
                    .await?;
            if present.is_some() {
                return Ok(false);
            }
            for f in &seed.facilities {
                sqlx::query(
                    "INSERT INTO facilities (id, name, name_kana, kind, created_at_ms)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(Id(f.id))
                .bind(&f.name)
                .bind(&f.name_kana)
                .bind(f.kind)
                .bind(f.created_at_ms)
                .execute(&mut *conn)
                .await?;
            }
            for u in &seed.users {
                sqlx::query(
                    "INSERT INTO users (id, login_id, password_hash, display_name,
                                        display_name_kana, profession, facility_id,
                                        created_at_ms, is_operator, is_facility_admin,
                                        relationship)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(Id(u.id))
                .bind(&u.login_id)
                .bind(&u.password_hash)
                .bind(&u.display_name)
                .bind(&u.display_name_kana)
                .bind(u.profession)
                .bind(u.facility_id.map(Id))
                .bind(u.created_at_ms)
                .bind(u.is_operator)
                .bind(u.is_facility_admin)
                .bind(u.relationship)
                .execute(&mut *conn)
                .await?;
            }
            for g in &seed.groups {
                sqlx::query(
                    "INSERT INTO groups (id, kind, name, name_kana, created_by, created_at_ms,
                                         patient_name, patient_name_kana, patient_birth_date,
                                         attending_physician_id, care_manager_id,
                                         patient_notes, physician_rule, direct_key)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(Id(g.id))
                .bind(g.kind)
                .bind(&g.name)
                .bind(&g.name_kana)
                .bind(Id(g.created_by))
                .bind(g.created_at_ms)
                .bind(&g.patient_name)
                .bind(&g.patient_name_kana)
                .bind(&g.patient_birth_date)
                .bind(g.attending_physician_id.map(Id))
                .bind(g.care_manager_id.map(Id))
                .bind(&g.patient_notes)
                .bind(g.physician_rule)
                .bind(&g.direct_key)
                .execute(&mut *conn)
                .await?;
            }
            for m in &seed.members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(Id(m.group_id))
                .bind(Id(m.user_id))
                .bind(m.role)
                .bind(m.joined_at_ms)
                .execute(&mut *conn)
                .await?;
            }
            for p in &seed.posts {
                sqlx::query(
                    "INSERT INTO posts (id, group_id, author_id, body, search_text,
                                        created_at_ms, timeline)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Id(p.id))
                .bind(Id(p.group_id))
                .bind(Id(p.author_id))
                .bind(&p.body)
                .bind(search_text(&p.body))
                .bind(p.created_at_ms)
                .bind(p.timeline)
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query(
                "UPDATE groups SET last_post_at_ms = (SELECT MAX(p.created_at_ms) FROM posts p
                                                      WHERE p.group_id = groups.id)",
            )
            .execute(&mut *conn)
            .await?;
            Ok(true)
        }
    };
}

insert_rows!(insert_sqlite, SqliteConnection);
insert_rows!(insert_postgres, PgConnection);

/// A patient group with many posts (`seed-large`), by demo members given by login ID.
pub struct LargeGroup {
    pub id: Uuid,
    pub name: &'static str,
    /// Login IDs and roles; the first creates the group and is its physician, the third its
    /// care manager.
    pub members: &'static [(&'static str, &'static str)],
    pub created_at_ms: i64,
    pub joined_at_ms: i64,
    pub posts: Vec<LargePost>,
    /// Posts of each timeline every member has not read yet (their read markers stop before).
    pub unread: i64,
}

pub struct LargePost {
    pub id: Uuid,
    /// Index into [`LargeGroup::members`].
    pub author: usize,
    pub body: String,
    pub created_at_ms: i64,
    pub timeline: &'static str,
    pub importance: &'static str,
}

/// Inserts the group with its members, posts, read markers and the receipts they imply, in one
/// transaction, unless a group of that name exists; returns the group's id (the existing one's
/// on a second run).
pub async fn insert_large_group(db: &Database, group: &LargeGroup) -> anyhow::Result<Uuid> {
    match db {
        Database::Sqlite(db) => {
            let mut tx = db.writer.begin().await?;
            let id = large_sqlite(&mut tx, group).await?;
            tx.commit().await?;
            Ok(id)
        }
        Database::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(7262012)")
                .execute(&mut *tx)
                .await?;
            let id = large_postgres(&mut tx, group).await?;
            tx.commit().await?;
            Ok(id)
        }
    }
}

/// The same statements for each backend's connection type.
macro_rules! insert_large {
    ($name:ident, $conn:ty) => {
        async fn $name(conn: &mut $conn, group: &LargeGroup) -> anyhow::Result<Uuid> {
            let existing: Option<Id> = sqlx::query_scalar("SELECT id FROM groups WHERE name = $1")
                .bind(group.name)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(id) = existing {
                return Ok(id.into_uuid());
            }
            let mut members = Vec::new();
            for (login, role) in group.members {
                let id: Option<Id> = sqlx::query_scalar("SELECT id FROM users WHERE login_id = $1")
                    .bind(login)
                    .fetch_optional(&mut *conn)
                    .await?;
                let id = id.ok_or_else(|| anyhow::anyhow!("demo user {login} missing"))?;
                members.push((id, *role));
            }
            sqlx::query(
                "INSERT INTO groups (id, kind, name, name_kana, created_by, created_at_ms,
                                     patient_name, patient_name_kana, patient_birth_date,
                                     attending_physician_id, care_manager_id, patient_notes,
                                     physician_rule)
                 VALUES ($1, 'patient', $2, 'ふかしけん', $3, $4, '負荷試験', 'ふかしけん',
                         '1935-01-01', $3, $5, 'ベンチマーク用のグループです。',
                         'approval_required')",
            )
            .bind(Id(group.id))
            .bind(group.name)
            .bind(members[0].0)
            .bind(group.created_at_ms)
            .bind(members[2].0)
            .execute(&mut *conn)
            .await?;
            for (user, role) in &members {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, role, joined_at_ms)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(Id(group.id))
                .bind(*user)
                .bind(*role)
                .bind(group.joined_at_ms)
                .execute(&mut *conn)
                .await?;
            }
            let mut last_ms = group.joined_at_ms;
            for post in &group.posts {
                last_ms = last_ms.max(post.created_at_ms);
                sqlx::query(
                    "INSERT INTO posts (id, group_id, author_id, body, search_text,
                                        created_at_ms, timeline, importance)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(Id(post.id))
                .bind(Id(group.id))
                .bind(members[post.author % members.len()].0)
                .bind(&post.body)
                .bind(search_text(&post.body))
                .bind(post.created_at_ms)
                .bind(post.timeline)
                .bind(post.importance)
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query("UPDATE groups SET last_post_at_ms = $1 WHERE id = $2")
                .bind(last_ms)
                .bind(Id(group.id))
                .execute(&mut *conn)
                .await?;
            // Everyone has read all but the newest posts of each timeline: markers, and the
            // receipts they imply, each one statement.
            for timeline in ["care", "family"] {
                sqlx::query(
                    "INSERT INTO read_markers (group_id, user_id, timeline, up_to_ms, up_to_id)
                     SELECT m.group_id, m.user_id, p.timeline, p.created_at_ms, p.id
                     FROM group_members m
                     JOIN posts p ON p.id = (SELECT id FROM posts
                                             WHERE group_id = m.group_id AND timeline = $1
                                             ORDER BY created_at_ms DESC, id DESC
                                             LIMIT 1 OFFSET $2)
                     WHERE m.group_id = $3",
                )
                .bind(timeline)
                .bind(group.unread)
                .bind(Id(group.id))
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query(
                "INSERT INTO post_reads (post_id, user_id, read_at_ms)
                 SELECT p.id, r.user_id, p.created_at_ms + 60000
                 FROM read_markers r
                 JOIN posts p ON p.group_id = r.group_id AND p.timeline = r.timeline
                 WHERE r.group_id = $1 AND p.author_id <> r.user_id
                   AND (p.created_at_ms < r.up_to_ms
                        OR (p.created_at_ms = r.up_to_ms AND p.id <= r.up_to_id))
                 ON CONFLICT DO NOTHING",
            )
            .bind(Id(group.id))
            .execute(&mut *conn)
            .await?;
            Ok(group.id)
        }
    };
}

insert_large!(large_sqlite, SqliteConnection);
insert_large!(large_postgres, PgConnection);

/// Records the days seeded posts were written as their authors' activity days (as migration
/// SQLite 0014 / PostgreSQL 0009 does for data older than activity days), so seeded facilities
/// whose staff posted do not look never active on the adoption dashboard.
pub async fn backfill_activity(db: &Database) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO activity_days (user_id, day)
        SELECT DISTINCT author_id, (created_at_ms + 32400000) / 86400000 FROM posts
        WHERE system IS NULL
        ON CONFLICT DO NOTHING";
    match db {
        Database::Sqlite(db) => {
            let mut tx = db.writer.begin().await?;
            sqlx::query(SQL).execute(&mut *tx).await?;
            tx.commit().await
        }
        Database::Postgres(pool) => sqlx::query(SQL).execute(pool).await.map(|_| ()),
    }
}

/// A benchmark region (`tsunagu-server seed-region`): rows as the generator made them.
pub struct Region {
    /// (id, name, kind, created_at_ms)
    pub facilities: Vec<(Uuid, String, &'static str, i64)>,
    /// (id, login_id, profession, facility, created_at_ms)
    pub users: Vec<(Uuid, String, &'static str, Uuid, i64)>,
    /// (id, created_by, created_at_ms): patient groups
    pub groups: Vec<(Uuid, Uuid, i64)>,
    /// (id, group, author, created_at_ms)
    pub posts: Vec<(Uuid, Uuid, Uuid, i64)>,
    /// (user, JST day)
    pub activity: Vec<(Uuid, i64)>,
}

/// Rows per multi-row INSERT.
const REGION_BATCH: usize = 1000;

/// Every region post's body.
const REGION_BODY: &str = "訪問しました。";

/// `INSERT INTO table (columns) VALUES …` statements of `REGION_BATCH` rows each. Values are
/// generated (ids, numbers, fixed words), never user text, so they are written as literals:
/// one statement text serves both backends (PostgreSQL reads a quoted id as uuid).
fn region_inserts<T>(
    table: &str,
    columns: &str,
    rows: &[T],
    values: impl Fn(&T) -> String,
) -> Vec<String> {
    rows.chunks(REGION_BATCH)
        .map(|chunk| {
            let values: Vec<String> = chunk.iter().map(&values).collect();
            format!(
                "INSERT INTO {table} ({columns}) VALUES {} ON CONFLICT DO NOTHING",
                values.join(",")
            )
        })
        .collect()
}

/// Inserts the region in one transaction unless its first facility exists; returns whether it
/// inserted.
pub async fn insert_region(db: &Database, region: &Region) -> anyhow::Result<bool> {
    let Some(first) = region.facilities.first() else {
        return Ok(false);
    };
    let folded = search_text(REGION_BODY);
    let mut statements = Vec::new();
    statements.extend(region_inserts(
        "facilities",
        "id, name, name_kana, kind, created_at_ms",
        &region.facilities,
        |(id, name, kind, at)| format!("('{id}', '{name}', 'ふかしけん', '{kind}', {at})"),
    ));
    statements.extend(region_inserts(
        "users",
        "id, login_id, password_hash, display_name, display_name_kana, profession, facility_id, \
         created_at_ms",
        &region.users,
        |(id, login, profession, facility, at)| {
            format!("('{id}', '{login}', '!', '負荷 太郎', 'ふか たろう', '{profession}', '{facility}', {at})")
        },
    ));
    statements.extend(region_inserts(
        "groups",
        "id, kind, name, created_by, created_at_ms",
        &region.groups,
        |(id, by, at)| format!("('{id}', 'patient', '負荷試験 様', '{by}', {at})"),
    ));
    statements.extend(region_inserts(
        "posts",
        "id, group_id, author_id, body, search_text, created_at_ms",
        &region.posts,
        |(id, group, author, at)| {
            format!("('{id}', '{group}', '{author}', '{REGION_BODY}', '{folded}', {at})")
        },
    ));
    statements.extend(region_inserts(
        "activity_days",
        "user_id, day",
        &region.activity,
        |(user, day)| format!("('{user}', {day})"),
    ));
    let exists = "SELECT COUNT(*) FROM facilities WHERE name = $1";
    match db {
        Database::Sqlite(db) => {
            let mut tx = db.writer.begin().await?;
            let n: i64 = sqlx::query_scalar(exists)
                .bind(&first.1)
                .fetch_one(&mut *tx)
                .await?;
            if n > 0 {
                return Ok(false);
            }
            for sql in &statements {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        Database::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            let n: i64 = sqlx::query_scalar(exists)
                .bind(&first.1)
                .fetch_one(&mut *tx)
                .await?;
            if n > 0 {
                return Ok(false);
            }
            for sql in &statements {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            sqlx::query("ANALYZE").execute(pool).await?;
        }
    }
    Ok(true)
}
