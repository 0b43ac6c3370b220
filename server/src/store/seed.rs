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
