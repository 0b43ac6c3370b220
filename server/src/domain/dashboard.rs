//! The operator's adoption dashboard, the pure part: which days, weeks and months the numbers
//! cover (in Japan time, whatever the server's time zone), how the store's grouped counts
//! become the wire rows (every facility kind and profession, in order, zeros included), and
//! the CSV tables an export writes.
//!
//! Days are numbered as the store counts them: `(unix_ms + 9 h) / 24 h`, the JST calendar day
//! since 1970-01-01 (a Thursday). A week starts on Monday, a month on the 1st, both in JST.

use chrono::{Datelike, NaiveDate};
use tsunagu_api::{
    AdoptionDashboard, FacilityKind, FacilityKindRow, KindCount, MonthRow, NeverActiveFacility,
    Profession, ProfessionRow, WeekRow, DASHBOARD_MONTHS, DASHBOARD_WEEKS,
};

/// Japan's offset from UTC (no daylight saving).
pub const JST_OFFSET_MS: i64 = 9 * 60 * 60 * 1000;
/// One day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Days counted as "the last 7 days": today and the 6 before.
pub const RECENT_DAYS: i64 = 7;

/// The JST day of a Unix-millisecond time.
pub fn jst_day(ms: i64) -> i64 {
    (ms + JST_OFFSET_MS).div_euclid(DAY_MS)
}

/// When JST day `day` starts, in Unix milliseconds.
pub fn day_start_ms(day: i64) -> i64 {
    day * DAY_MS - JST_OFFSET_MS
}

/// The Monday of the week `day` is in (day 0, 1970-01-01, was a Thursday).
pub fn week_of(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// The calendar date of JST day `day`.
pub fn date_of(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch") + chrono::Duration::days(day)
}

/// The JST day of a calendar date.
fn day_of(date: NaiveDate) -> i64 {
    (date - date_of(0)).num_days()
}

/// `YYYY-MM` of JST day `day`.
pub fn month_of(day: i64) -> String {
    let date = date_of(day);
    format!("{:04}-{:02}", date.year(), date.month())
}

/// What a dashboard counted at `now_ms` covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub today: i64,
    /// The first of the last 7 days, and when it starts.
    pub recent_from_day: i64,
    pub recent_from_ms: i64,
    /// The Monday of the oldest week shown, and when it starts.
    pub weeks_from_day: i64,
    pub weeks_from_ms: i64,
    /// The 1st of the oldest month shown, and when it starts.
    pub months_from_day: i64,
    pub months_from_ms: i64,
}

impl Window {
    pub fn at(now_ms: i64) -> Self {
        let today = jst_day(now_ms);
        let recent_from_day = today - (RECENT_DAYS - 1);
        let weeks_from_day = week_of(today) - 7 * (DASHBOARD_WEEKS as i64 - 1);
        let this_month = date_of(today).with_day(1).expect("the 1st");
        let first_month = this_month - chrono::Months::new(DASHBOARD_MONTHS as u32 - 1);
        let months_from_day = day_of(first_month);
        Self {
            today,
            recent_from_day,
            recent_from_ms: day_start_ms(recent_from_day),
            weeks_from_day,
            weeks_from_ms: day_start_ms(weeks_from_day),
            months_from_day,
            months_from_ms: day_start_ms(months_from_day),
        }
    }

    /// The Mondays of the weeks shown, oldest first.
    pub fn weeks(&self) -> Vec<i64> {
        (0..DASHBOARD_WEEKS as i64)
            .map(|i| self.weeks_from_day + 7 * i)
            .collect()
    }

    /// The months shown, oldest first (`YYYY-MM`).
    pub fn months(&self) -> Vec<String> {
        let first = date_of(self.months_from_day);
        (0..DASHBOARD_MONTHS as u32)
            .map(|i| {
                let d = first + chrono::Months::new(i);
                format!("{:04}-{:02}", d.year(), d.month())
            })
            .collect()
    }
}

/// The store's grouped counts (kinds and professions as stored; unknown names count as
/// `other`, as everywhere else).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Per facility kind: registered, active in the last 7 days, never active.
    pub facilities: Vec<(String, i64, i64, i64)>,
    /// Per facility kind: counted accounts of its staff.
    pub facility_users: Vec<(String, i64)>,
    /// Per facility kind: posts of its staff in the last 7 days.
    pub facility_posts: Vec<(String, i64)>,
    /// Per profession: counted accounts, of them active in the last 7 days.
    pub professions: Vec<(String, i64, i64)>,
    /// Per week (its Monday): distinct active accounts.
    pub week_active: Vec<(i64, i64)>,
    /// Per week (its Monday) and the author's facility kind: posts.
    pub week_posts: Vec<(i64, String, i64)>,
    /// Per JST day: patient groups created.
    pub group_days: Vec<(i64, i64)>,
    /// Never-active facilities, longest waiting first (as many as asked for).
    pub never_active: Vec<NeverActiveFacility>,
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn kind_index(kind: &str) -> usize {
    let kind = FacilityKind::parse(kind);
    FacilityKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("every kind is in ALL")
}

/// The dashboard from the counts of `window`, counted at `now_ms`.
pub fn assemble(now_ms: i64, window: &Window, counts: Counts) -> AdoptionDashboard {
    let mut facilities: Vec<FacilityKindRow> = FacilityKind::ALL
        .iter()
        .map(|&kind| FacilityKindRow {
            kind,
            registered: 0,
            active_7_days: 0,
            never_active: 0,
            users: 0,
            posts_7_days: 0,
        })
        .collect();
    for (kind, registered, active, never) in &counts.facilities {
        let row = &mut facilities[kind_index(kind)];
        row.registered += count(*registered);
        row.active_7_days += count(*active);
        row.never_active += count(*never);
    }
    for (kind, users) in &counts.facility_users {
        facilities[kind_index(kind)].users += count(*users);
    }
    for (kind, posts) in &counts.facility_posts {
        facilities[kind_index(kind)].posts_7_days += count(*posts);
    }
    let mut professions: Vec<ProfessionRow> = Profession::ALL
        .iter()
        .map(|&profession| ProfessionRow {
            profession,
            users: 0,
            active_7_days: 0,
        })
        .collect();
    for (profession, users, active) in &counts.professions {
        let p = Profession::parse(profession);
        let row = professions
            .iter_mut()
            .find(|r| r.profession == p)
            .expect("every profession is in ALL");
        row.users += count(*users);
        row.active_7_days += count(*active);
    }
    let mut weeks: Vec<WeekRow> = window
        .weeks()
        .into_iter()
        .map(|monday| WeekRow {
            week_start: date_of(monday),
            active_users: 0,
            posts_by_kind: FacilityKind::ALL
                .iter()
                .map(|&kind| KindCount { kind, count: 0 })
                .collect(),
        })
        .collect();
    let shown = weeks.len();
    let week_index = |monday: i64| -> Option<usize> {
        let i = (monday - window.weeks_from_day).div_euclid(7);
        (monday >= window.weeks_from_day && (i as usize) < shown).then_some(i as usize)
    };
    for (monday, active) in &counts.week_active {
        if let Some(i) = week_index(week_of(*monday)) {
            weeks[i].active_users += count(*active);
        }
    }
    for (monday, kind, posts) in &counts.week_posts {
        if let Some(i) = week_index(week_of(*monday)) {
            weeks[i].posts_by_kind[kind_index(kind)].count += count(*posts);
        }
    }
    let mut patient_groups: Vec<MonthRow> = window
        .months()
        .into_iter()
        .map(|month| MonthRow { month, created: 0 })
        .collect();
    for (day, created) in &counts.group_days {
        let month = month_of(*day);
        if let Some(row) = patient_groups.iter_mut().find(|r| r.month == month) {
            row.created += count(*created);
        }
    }
    let never_active_total = facilities.iter().map(|f| f.never_active).sum();
    let mut never_active = counts.never_active;
    never_active.truncate(tsunagu_api::MAX_NEVER_ACTIVE_LISTED);
    AdoptionDashboard {
        counted_at: crate::time::from_ms(now_ms),
        facilities,
        professions,
        weeks,
        patient_groups,
        never_active,
        never_active_total,
    }
}

/// The Japanese label of a facility kind: a copy of `facility_kind_label(k, Locale::Ja)` in
/// src/i18n/labels.rs (the web crate, which the server does not link).
pub const fn facility_kind_label(kind: FacilityKind) -> &'static str {
    use FacilityKind::*;
    match kind {
        Clinic => "医科診療所",
        Hospital => "病院",
        DentalClinic => "歯科診療所",
        Pharmacy => "保険薬局",
        CareManagementOffice => "居宅介護支援事業所",
        HomeNursingStation => "訪問看護ステーション",
        HomeHelpOffice => "訪問介護事業所",
        CommunitySupportCenter => "地域包括支援センター",
        Municipality => "行政",
        Other => "その他",
    }
}

/// The tables a CSV export may hold (`?table=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Facilities,
    Professions,
    Weeks,
    PatientGroups,
    NeverActive,
}

impl Table {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "facilities" => Self::Facilities,
            "professions" => Self::Professions,
            "weeks" => Self::Weeks,
            "patient_groups" => Self::PatientGroups,
            "never_active" => Self::NeverActive,
            _ => return None,
        })
    }

    /// The file name an export of this table suggests, dated (JST) on `day`.
    pub fn file_name(self, day: i64) -> String {
        let name = match self {
            Self::Facilities => "facilities",
            Self::Professions => "professions",
            Self::Weeks => "weeks",
            Self::PatientGroups => "patient-groups",
            Self::NeverActive => "never-active",
        };
        format!("dashboard-{name}-{}.csv", date_of(day))
    }
}

/// A JST wall-clock time, as a spreadsheet shows it.
fn jst_time(at: chrono::DateTime<chrono::Utc>) -> String {
    (at + chrono::Duration::milliseconds(JST_OFFSET_MS))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The header and rows of `table` of the dashboard (labels in Japanese). The facilities table
/// ends with a total row, as the seed's registration table does.
pub fn table(table: Table, d: &AdoptionDashboard) -> (Vec<String>, Vec<Vec<String>>) {
    let s = |h: &[&str]| h.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    match table {
        Table::Facilities => {
            let header = s(&[
                "施設種別",
                "登録施設数",
                "7日以内に利用した施設数",
                "一度も利用していない施設数",
                "利用者数",
                "7日間の投稿数",
            ]);
            let mut rows: Vec<Vec<String>> = d
                .facilities
                .iter()
                .map(|f| {
                    vec![
                        facility_kind_label(f.kind).to_owned(),
                        f.registered.to_string(),
                        f.active_7_days.to_string(),
                        f.never_active.to_string(),
                        f.users.to_string(),
                        f.posts_7_days.to_string(),
                    ]
                })
                .collect();
            let sum = |f: fn(&FacilityKindRow) -> u32| -> String {
                d.facilities.iter().map(f).sum::<u32>().to_string()
            };
            rows.push(vec![
                "合計".to_owned(),
                sum(|f| f.registered),
                sum(|f| f.active_7_days),
                sum(|f| f.never_active),
                sum(|f| f.users),
                sum(|f| f.posts_7_days),
            ]);
            (header, rows)
        }
        Table::Professions => (
            s(&["職種", "利用者数", "7日以内に利用した人数"]),
            d.professions
                .iter()
                .map(|p| {
                    vec![
                        super::staff_csv::profession_label(p.profession).to_owned(),
                        p.users.to_string(),
                        p.active_7_days.to_string(),
                    ]
                })
                .collect(),
        ),
        Table::Weeks => {
            let mut header = s(&["週の始まり（月曜）", "利用した人数"]);
            header.extend(
                FacilityKind::ALL
                    .iter()
                    .map(|&k| format!("投稿数：{}", facility_kind_label(k))),
            );
            let rows = d
                .weeks
                .iter()
                .map(|w| {
                    let mut row = vec![w.week_start.to_string(), w.active_users.to_string()];
                    row.extend(w.posts_by_kind.iter().map(|k| k.count.to_string()));
                    row
                })
                .collect();
            (header, rows)
        }
        Table::PatientGroups => (
            s(&["月", "作成された患者グループ数"]),
            d.patient_groups
                .iter()
                .map(|m| vec![m.month.clone(), m.created.to_string()])
                .collect(),
        ),
        Table::NeverActive => (
            s(&["施設ID", "施設名", "施設種別", "登録日時（日本時間）"]),
            d.never_active
                .iter()
                .map(|f| {
                    vec![
                        f.id.to_string(),
                        f.name.clone(),
                        facility_kind_label(f.kind).to_owned(),
                        jst_time(f.registered_at),
                    ]
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn days_are_japanese_calendar_days() {
        // 2026-03-01 23:59 JST is 14:59 UTC on the same date; 00:00 JST is the day before in UTC.
        assert_eq!(
            date_of(jst_day(jst(2026, 3, 1, 23, 59))).to_string(),
            "2026-03-01"
        );
        assert_eq!(
            date_of(jst_day(jst(2026, 3, 2, 0, 0))).to_string(),
            "2026-03-02"
        );
        assert_eq!(
            day_start_ms(jst_day(jst(2026, 3, 2, 7, 0))),
            jst(2026, 3, 2, 0, 0)
        );
        assert_eq!(date_of(0).to_string(), "1970-01-01");
        assert_eq!(day_of(date_of(20_000)), 20_000);
    }

    #[test]
    fn weeks_start_on_monday_in_japan() {
        // 2026-03-02 is a Monday.
        let monday = jst_day(jst(2026, 3, 2, 0, 10));
        assert_eq!(date_of(week_of(monday)).to_string(), "2026-03-02");
        let sunday_night = jst_day(jst(2026, 3, 1, 23, 30));
        assert_eq!(date_of(week_of(sunday_night)).to_string(), "2026-02-23");
        assert_eq!(week_of(jst_day(jst(2026, 3, 8, 23, 59))), monday);
        assert_eq!(date_of(week_of(0)).to_string(), "1969-12-29");
    }

    #[test]
    fn months_are_japanese_months() {
        assert_eq!(month_of(jst_day(jst(2026, 1, 31, 23, 59))), "2026-01");
        assert_eq!(month_of(jst_day(jst(2026, 2, 1, 0, 0))), "2026-02");
    }

    #[test]
    fn the_window_is_12_weeks_and_12_months_ending_now() {
        // Wednesday 2026-03-04 10:00 JST.
        let w = Window::at(jst(2026, 3, 4, 10, 0));
        assert_eq!(date_of(w.recent_from_day).to_string(), "2026-02-26");
        assert_eq!(w.recent_from_ms, jst(2026, 2, 26, 0, 0));
        let weeks = w.weeks();
        assert_eq!(weeks.len(), 12);
        assert_eq!(date_of(weeks[11]).to_string(), "2026-03-02");
        assert_eq!(date_of(weeks[0]).to_string(), "2025-12-15");
        assert_eq!(w.weeks_from_ms, jst(2025, 12, 15, 0, 0));
        let months = w.months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], "2025-04");
        assert_eq!(months[11], "2026-03");
        assert_eq!(w.months_from_ms, jst(2025, 4, 1, 0, 0));
    }

    #[test]
    fn assembling_fills_every_kind_profession_week_and_month() {
        let now = jst(2026, 3, 4, 10, 0);
        let w = Window::at(now);
        let this_week = jst_day(jst(2026, 3, 2, 0, 0));
        let counts = Counts {
            facilities: vec![
                ("pharmacy".into(), 3, 1, 2),
                ("clinic".into(), 2, 2, 0),
                ("nonsense".into(), 1, 0, 1),
            ],
            facility_users: vec![("pharmacy".into(), 7)],
            facility_posts: vec![("clinic".into(), 4)],
            professions: vec![("nurse".into(), 5, 2)],
            week_active: vec![(this_week, 9), (this_week - 7 * 12, 99)],
            week_posts: vec![
                (this_week, "clinic".into(), 4),
                (this_week - 7, "other".into(), 1),
            ],
            group_days: vec![
                (jst_day(jst(2026, 2, 28, 23, 0)), 2),
                (jst_day(jst(2025, 3, 31, 0, 0)), 5),
            ],
            never_active: vec![],
        };
        let d = assemble(now, &w, counts);
        assert_eq!(d.facilities.len(), FacilityKind::ALL.len());
        let pharmacy = &d.facilities[3];
        assert_eq!(pharmacy.kind, FacilityKind::Pharmacy);
        assert_eq!(
            (
                pharmacy.registered,
                pharmacy.active_7_days,
                pharmacy.never_active,
                pharmacy.users
            ),
            (3, 1, 2, 7)
        );
        assert_eq!(d.facilities[0].posts_7_days, 4);
        assert_eq!(
            d.facilities[9].registered, 1,
            "unknown kinds count as other"
        );
        assert_eq!(d.never_active_total, 3);
        assert_eq!(d.professions.len(), Profession::ALL.len());
        assert_eq!(d.professions[3].users, 5);
        assert_eq!(d.weeks[11].active_users, 9);
        assert_eq!(
            d.weeks.iter().map(|w| w.active_users).sum::<u32>(),
            9,
            "older weeks left out"
        );
        assert_eq!(d.weeks[11].posts_by_kind[0].count, 4);
        assert_eq!(d.weeks[10].posts_by_kind[9].count, 1);
        assert_eq!(
            d.patient_groups[10],
            MonthRow {
                month: "2026-02".into(),
                created: 2
            }
        );
        assert_eq!(d.patient_groups.iter().map(|m| m.created).sum::<u32>(), 2);
    }

    #[test]
    fn csv_tables_have_japanese_labels_and_a_total() {
        let now = jst(2026, 3, 4, 10, 0);
        let w = Window::at(now);
        let d = assemble(
            now,
            &w,
            Counts {
                facilities: vec![("pharmacy".into(), 3, 1, 2), ("clinic".into(), 2, 2, 0)],
                never_active: vec![NeverActiveFacility {
                    id: uuid::Uuid::nil(),
                    name: "=ひかり薬局".into(),
                    kind: FacilityKind::Pharmacy,
                    registered_at: crate::time::from_ms(jst(2026, 1, 5, 9, 30)),
                }],
                ..Counts::default()
            },
        );
        let (header, rows) = table(Table::Facilities, &d);
        assert_eq!(header[0], "施設種別");
        assert_eq!(rows[3], vec!["保険薬局", "3", "1", "2", "0", "0"]);
        assert_eq!(rows.last().unwrap(), &vec!["合計", "5", "3", "2", "0", "0"]);
        let (header, rows) = table(Table::Weeks, &d);
        assert_eq!(header.len(), 2 + FacilityKind::ALL.len());
        assert_eq!(rows.len(), 12);
        assert_eq!(rows[11][0], "2026-03-02");
        let (_, rows) = table(Table::Professions, &d);
        assert_eq!(rows[3][0], "看護師");
        let (_, rows) = table(Table::NeverActive, &d);
        assert_eq!(rows[0][3], "2026-01-05 09:30");
        assert_eq!(rows[0][2], "保険薬局");
        assert_eq!(Table::parse("weeks"), Some(Table::Weeks));
        assert_eq!(Table::parse("users"), None);
        assert_eq!(
            Table::NeverActive.file_name(w.today),
            "dashboard-never-active-2026-03-04.csv"
        );
    }
}
