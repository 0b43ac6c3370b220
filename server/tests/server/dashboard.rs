//! The operator's adoption dashboard (issue 14), on whichever backend the test kit chooses:
//! every number of it against hand-counted fixtures on an empty database (week boundaries and
//! month boundaries in Japan time, the 7-day window, never-active facilities), activity days
//! recorded by logging in and by requests, and the JSON and CSV endpoints on the demo data.

use crate::common;

use chrono::NaiveDate;
use common::{db, expect_problem, Bind, TestApp, TestDb};
use tsunagu_api::{AdoptionDashboard, FacilityKind, Profession};
use tsunagu_server::config::Settings;
use tsunagu_server::domain::dashboard::{self, jst_day, Window, JST_OFFSET_MS};
use tsunagu_server::AppState;
use uuid::Uuid;

/// Unix ms of a JST wall-clock time.
fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
        - JST_OFFSET_MS
}

struct Fixture<'a> {
    db: &'a TestDb,
    n: u32,
}

impl Fixture<'_> {
    async fn facility(&mut self, name: &str, kind: FacilityKind, at: i64) -> Uuid {
        let id = Uuid::now_v7();
        self.db
            .exec(
                "INSERT INTO facilities (id, name, name_kana, kind, created_at_ms)
                 VALUES ($1, $2, 'かな', $3, $4)",
                &[id.into(), name.into(), kind.as_str().into(), at.into()],
            )
            .await;
        id
    }

    /// An account; `state` is "ok", "pending", "offboarded" or "operator".
    async fn user(&mut self, profession: Profession, facility: Option<Uuid>, state: &str) -> Uuid {
        let id = Uuid::now_v7();
        self.n += 1;
        let facility = match facility {
            Some(f) => Bind::Id(f),
            None => Bind::Text(String::new()),
        };
        let sql = format!(
            "INSERT INTO users (id, login_id, password_hash, display_name, display_name_kana,
                                profession, facility_id, created_at_ms, pending_activation,
                                offboarded_at_ms, is_operator)
             VALUES ($1, $2, '!', '利用者', 'りようしゃ', $3, {}, 0, $4, $5, $6)",
            if matches!(facility, Bind::Id(_)) {
                "$7"
            } else {
                "NULL"
            }
        );
        let mut binds = vec![
            id.into(),
            format!("user{}", self.n).into(),
            profession.as_str().into(),
            Bind::Bool(state == "pending"),
            if state == "offboarded" {
                Bind::Int(1)
            } else {
                Bind::Int(0)
            },
            Bind::Bool(state == "operator"),
        ];
        if matches!(facility, Bind::Id(_)) {
            binds.push(facility);
        }
        self.db.exec(&sql, &binds).await;
        if state != "offboarded" {
            self.db
                .exec(
                    "UPDATE users SET offboarded_at_ms = NULL WHERE id = $1",
                    &[id.into()],
                )
                .await;
        }
        id
    }

    async fn active(&mut self, user: Uuid, at: i64) {
        self.db
            .exec(
                "INSERT INTO activity_days (user_id, day) VALUES ($1, $2)",
                &[user.into(), jst_day(at).into()],
            )
            .await;
    }

    async fn group(&mut self, kind: &str, by: Uuid, at: i64) -> Uuid {
        let id = Uuid::now_v7();
        self.db
            .exec(
                "INSERT INTO groups (id, kind, name, created_by, created_at_ms)
                 VALUES ($1, $2, 'グループ', $3, $4)",
                &[id.into(), kind.into(), by.into(), at.into()],
            )
            .await;
        id
    }

    async fn post(&mut self, group: Uuid, by: Uuid, at: i64, system: bool) {
        let sql = if system {
            "INSERT INTO posts (id, group_id, author_id, body, created_at_ms, system)
             VALUES ($1, $2, $3, '', $4, '{\"kind\":\"member_added\"}')"
        } else {
            "INSERT INTO posts (id, group_id, author_id, body, search_text, created_at_ms)
             VALUES ($1, $2, $3, '本文', '本文', $4)"
        };
        self.db
            .exec(
                sql,
                &[Uuid::now_v7().into(), group.into(), by.into(), at.into()],
            )
            .await;
    }
}

fn kind_row(d: &AdoptionDashboard, kind: FacilityKind) -> (u32, u32, u32, u32, u32) {
    let r = d.facilities.iter().find(|r| r.kind == kind).unwrap();
    (
        r.registered,
        r.active_7_days,
        r.never_active,
        r.users,
        r.posts_7_days,
    )
}

fn profession_row(d: &AdoptionDashboard, p: Profession) -> (u32, u32) {
    let r = d.professions.iter().find(|r| r.profession == p).unwrap();
    (r.users, r.active_7_days)
}

/// Posts of a week per kind, only the kinds with some.
fn week_posts(d: &AdoptionDashboard, i: usize) -> Vec<(FacilityKind, u32)> {
    d.weeks[i]
        .posts_by_kind
        .iter()
        .filter(|k| k.count > 0)
        .map(|k| (k.kind, k.count))
        .collect()
}

#[tokio::test]
async fn every_number_matches_hand_counted_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let (database, db, _) = db::fresh(dir.path()).await;
    let state = AppState::new(database, Settings::default()).await.unwrap();
    let mut f = Fixture { db: &db, n: 0 };
    use FacilityKind::*;
    use Profession::*;

    // Counted at Wednesday 2026-03-04 10:00 JST: the last 7 days are 02-26 to 03-04, the
    // current week starts Monday 03-02, the oldest of 12 weeks on 2025-12-15, the oldest of
    // 12 months is 2025-04.
    let now = jst(2026, 3, 4, 10, 0);

    let clinic_a = f.facility("A診療所", Clinic, jst(2025, 1, 10, 9, 0)).await;
    let clinic_b = f.facility("B診療所", Clinic, jst(2025, 2, 1, 9, 0)).await;
    let pharmacy = f.facility("C薬局", Pharmacy, jst(2025, 3, 1, 9, 0)).await;
    let station = f
        .facility("Dステーション", HomeNursingStation, jst(2024, 12, 1, 9, 0))
        .await;
    let _center = f
        .facility("E地域包括", CommunitySupportCenter, jst(2025, 6, 1, 9, 0))
        .await;
    let hospital = f.facility("F病院", Hospital, jst(2025, 1, 20, 9, 0)).await;

    let u1 = f.user(Physician, Some(clinic_a), "ok").await;
    let _u2 = f.user(Nurse, Some(clinic_a), "offboarded").await;
    let u3 = f.user(Physician, Some(clinic_b), "ok").await;
    let _u4 = f.user(Pharmacist, Some(pharmacy), "pending").await;
    let _u5 = f.user(Nurse, Some(station), "ok").await;
    let u6 = f.user(Therapist, Some(hospital), "ok").await;
    let u7 = f.user(Family, None, "ok").await;
    let u8 = f.user(Administrative, None, "operator").await;

    // Activity days.
    f.active(u1, jst(2026, 3, 4, 8, 0)).await; // today
    f.active(u1, jst(2026, 3, 2, 0, 10)).await; // Monday, this week
    f.active(u1, jst(2026, 3, 1, 23, 30)).await; // Sunday night: the week before
    f.active(u1, jst(2025, 12, 15, 0, 0)).await; // the oldest week's Monday
    f.active(u1, jst(2025, 12, 14, 23, 59)).await; // before the oldest week
    f.active(u3, jst(2026, 2, 25, 23, 59)).await; // one day before the 7 days
    f.active(u6, jst(2026, 2, 26, 0, 0)).await; // the first of the 7 days
    f.active(u7, jst(2026, 3, 3, 12, 0)).await; // family
    f.active(u8, jst(2026, 3, 4, 9, 0)).await; // the operator: never counted

    // Patient groups per month (a workplace group does not count).
    let g1 = f.group("patient", u1, jst(2026, 2, 28, 23, 30)).await;
    f.group("patient", u1, jst(2026, 3, 1, 0, 10)).await;
    f.group("patient", u3, jst(2025, 4, 1, 0, 0)).await;
    f.group("patient", u3, jst(2025, 3, 31, 23, 59)).await; // before the 12 months
    f.group("workplace", u1, jst(2026, 3, 2, 9, 0)).await;

    // Posts.
    f.post(g1, u1, jst(2026, 3, 1, 23, 30), false).await; // Sunday: week 02-23, in 7 days
    f.post(g1, u1, jst(2026, 3, 2, 0, 10), false).await; // Monday: week 03-02
    f.post(g1, u6, jst(2026, 2, 25, 23, 59), false).await; // week 02-23, not in 7 days
    f.post(g1, u6, jst(2026, 2, 26, 0, 0), false).await; // week 02-23, in 7 days
    f.post(g1, u7, jst(2026, 3, 3, 9, 0), false).await; // family: no facility kind
    f.post(g1, u1, jst(2026, 3, 3, 9, 0), true).await; // a system entry: not a post
    f.post(g1, u3, jst(2025, 12, 14, 23, 59), false).await; // before the oldest week
    f.post(g1, u3, jst(2025, 12, 15, 0, 0), false).await; // the oldest week

    let window = Window::at(now);
    let counts = state.store.dashboard_counts(&window, 200).await.unwrap();
    let d = dashboard::assemble(now, &window, counts);

    // Facilities: (registered, active in 7 days, never active, users, posts in 7 days).
    assert_eq!(kind_row(&d, Clinic), (2, 1, 0, 2, 2));
    assert_eq!(kind_row(&d, Hospital), (1, 1, 0, 1, 1));
    assert_eq!(kind_row(&d, Pharmacy), (1, 0, 1, 0, 0));
    assert_eq!(kind_row(&d, HomeNursingStation), (1, 0, 1, 1, 0));
    assert_eq!(kind_row(&d, CommunitySupportCenter), (1, 0, 1, 0, 0));
    for kind in [
        DentalClinic,
        CareManagementOffice,
        HomeHelpOffice,
        Municipality,
        FacilityKind::Other,
    ] {
        assert_eq!(kind_row(&d, kind), (0, 0, 0, 0, 0), "{kind:?}");
    }
    assert_eq!(
        d.facilities.iter().map(|r| r.kind).collect::<Vec<_>>(),
        FacilityKind::ALL
    );

    // Professions: (users, active in 7 days).
    assert_eq!(profession_row(&d, Physician), (2, 1));
    assert_eq!(profession_row(&d, Nurse), (1, 0));
    assert_eq!(profession_row(&d, Pharmacist), (0, 0));
    assert_eq!(profession_row(&d, Therapist), (1, 1));
    assert_eq!(profession_row(&d, Family), (1, 1));
    assert_eq!(profession_row(&d, Administrative), (0, 0));
    assert_eq!(d.professions.iter().map(|r| r.users).sum::<u32>(), 5);
    assert_eq!(
        d.professions.iter().map(|r| r.active_7_days).sum::<u32>(),
        3
    );

    // Weeks: 12, oldest first, Mondays in JST.
    assert_eq!(d.weeks.len(), 12);
    assert_eq!(d.weeks[0].week_start.to_string(), "2025-12-15");
    assert_eq!(d.weeks[10].week_start.to_string(), "2026-02-23");
    assert_eq!(d.weeks[11].week_start.to_string(), "2026-03-02");
    let active: Vec<u32> = d.weeks.iter().map(|w| w.active_users).collect();
    assert_eq!(active, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2]);
    assert_eq!(week_posts(&d, 11), [(Clinic, 1)]);
    assert_eq!(week_posts(&d, 10), [(Clinic, 1), (Hospital, 2)]);
    assert_eq!(week_posts(&d, 0), [(Clinic, 1)]);
    for i in 1..10 {
        assert_eq!(week_posts(&d, i), [], "week {i}");
    }

    // Patient groups per month.
    let months: Vec<(&str, u32)> = d
        .patient_groups
        .iter()
        .map(|m| (m.month.as_str(), m.created))
        .collect();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0], ("2025-04", 1));
    assert_eq!(months[10], ("2026-02", 1));
    assert_eq!(months[11], ("2026-03", 1));
    assert_eq!(months.iter().map(|m| m.1).sum::<u32>(), 3);

    // Never active: longest waiting first.
    assert_eq!(d.never_active_total, 3);
    let names: Vec<&str> = d.never_active.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Dステーション", "C薬局", "E地域包括"]);
    assert_eq!(d.never_active[1].id, pharmacy);
    assert_eq!(
        d.never_active[0].registered_at.timestamp_millis(),
        jst(2024, 12, 1, 9, 0)
    );
    assert_eq!(d.never_active[0].kind, HomeNursingStation);

    // The list is cut, the total is not.
    let counts = state.store.dashboard_counts(&window, 2).await.unwrap();
    let cut = dashboard::assemble(now, &window, counts);
    assert_eq!(cut.never_active.len(), 2);
    assert_eq!(cut.never_active_total, 3);

    // A day later (Thursday 03-05), 02-26 leaves the 7 days: the hospital is not active.
    let later = jst(2026, 3, 5, 0, 0);
    let window = Window::at(later);
    let counts = state.store.dashboard_counts(&window, 200).await.unwrap();
    let d = dashboard::assemble(later, &window, counts);
    assert_eq!(kind_row(&d, Hospital), (1, 0, 0, 1, 0));
    assert_eq!(kind_row(&d, Clinic), (2, 1, 0, 2, 2));
}

#[tokio::test]
async fn logging_in_and_requests_record_one_activity_day() {
    let app = TestApp::start().await;
    let user = app.user_id("ns.kobayashi").await;
    let today = jst_day(tsunagu_server::time::now_ms());
    let days = || async {
        app.state.store.flush().await;
        app.db
            .scalar::<i64>(
                "SELECT COUNT(*) FROM activity_days WHERE user_id = $1 AND day = $2",
                &[user.into(), today.into()],
            )
            .await
    };
    app.db
        .exec(
            "DELETE FROM activity_days WHERE user_id = $1",
            &[user.into()],
        )
        .await;
    let token = app.login("ns.kobayashi").await;
    assert_eq!(days().await, 1, "logging in counts");
    app.db
        .exec(
            "DELETE FROM activity_days WHERE user_id = $1",
            &[user.into()],
        )
        .await;
    // The process remembers it wrote today's day: later requests write nothing more.
    for _ in 0..3 {
        assert_eq!(app.get(&token, "/api/v1/me").await.status(), 200);
    }
    assert_eq!(days().await, 0);
    app.state
        .store
        .record_activity(user, tsunagu_server::time::now_ms());
    assert_eq!(days().await, 0, "nor does recording it again");
    // Tomorrow is another day.
    app.state
        .store
        .record_activity(user, tsunagu_server::time::now_ms() + 24 * 3600 * 1000);
    app.state.store.flush().await;
    let tomorrow: i64 = app
        .db
        .scalar(
            "SELECT COUNT(*) FROM activity_days WHERE user_id = $1 AND day = $2",
            &[user.into(), (today + 1).into()],
        )
        .await;
    assert_eq!(tomorrow, 1);
}

#[tokio::test]
async fn the_operator_reads_the_dashboard_and_exports_its_tables() {
    let app = TestApp::start().await;
    let operator = app.login("op.ishikai").await;
    let response = app.get(&operator, "/api/v1/operator/dashboard").await;
    assert_eq!(response.status(), 200);
    let d: AdoptionDashboard = response.json().await.unwrap();
    assert_eq!(d.facilities.len(), FacilityKind::ALL.len());
    assert_eq!(d.professions.len(), Profession::ALL.len());
    assert_eq!(d.weeks.len(), 12);
    assert_eq!(d.patient_groups.len(), 12);
    let registered: u32 = d.facilities.iter().map(|f| f.registered).sum();
    let in_db: i64 = app.db.scalar("SELECT COUNT(*) FROM facilities", &[]).await;
    assert_eq!(i64::from(registered), in_db);
    // The demo's staff wrote posts: their facilities are not never active.
    assert!(d.never_active_total < registered, "{d:?}");
    assert!(
        d.weeks[11].active_users >= 1,
        "the operator's login does not count, others do"
    );

    let response = app
        .get(&operator, "/api/v1/operator/dashboard.csv?table=facilities")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"dashboard-facilities-"),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "施設種別,登録施設数,7日以内に利用した施設数,一度も利用していない施設数,利用者数,7日間の投稿数"
    );
    let pharmacy = d
        .facilities
        .iter()
        .find(|f| f.kind == FacilityKind::Pharmacy)
        .unwrap();
    assert_eq!(
        lines[4],
        format!(
            "保険薬局,{},{},{},{},{}",
            pharmacy.registered,
            pharmacy.active_7_days,
            pharmacy.never_active,
            pharmacy.users,
            pharmacy.posts_7_days
        )
    );
    assert!(
        lines[11].starts_with(&format!("合計,{registered},")),
        "{text}"
    );

    for (table, header) in [
        ("professions", "職種,利用者数,7日以内に利用した人数"),
        (
            "weeks",
            "週の始まり（月曜）,利用した人数,投稿数：医科診療所",
        ),
        ("patient_groups", "月,作成された患者グループ数"),
        (
            "never_active",
            "施設ID,施設名,施設種別,登録日時（日本時間）",
        ),
    ] {
        let response = app
            .get(
                &operator,
                &format!("/api/v1/operator/dashboard.csv?table={table}"),
            )
            .await;
        assert_eq!(response.status(), 200, "{table}");
        let text = response.text().await.unwrap();
        assert!(
            text.starts_with(&format!("\u{feff}{header}")),
            "{table}: {text}"
        );
    }

    let unknown = app
        .get(&operator, "/api/v1/operator/dashboard.csv?table=users")
        .await;
    let problem = expect_problem(unknown, 422, "field_invalid").await;
    assert_eq!(problem["errors"][0]["field"], "table");
    let missing = app.get(&operator, "/api/v1/operator/dashboard.csv").await;
    expect_problem(missing, 400, "malformed_request").await;

    // Reading and exporting are in the access log.
    let db = app.audit_flushed().await;
    let actions: Vec<String> = db
        .column(
            "SELECT action FROM audit_log WHERE action LIKE 'dashboard.%' ORDER BY id",
            &[],
        )
        .await;
    assert_eq!(actions.first().map(String::as_str), Some("dashboard.read"));
    assert_eq!(
        actions.iter().filter(|a| *a == "dashboard.export").count(),
        5
    );
}
