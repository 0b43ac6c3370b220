//! Pure logic of the operator's adoption dashboard: bar lengths, the weekly totals the chart
//! draws, and the call-out on the participation of 地域包括支援センター and municipal staff
//! (the seed names their low participation as a 課題).

use chrono::Datelike as _;
use tsunagu_api::{
    FacilityKind, FacilityKindRow, MonthRow, NeverActiveFacility, ProfessionRow, WeekRow,
};

use crate::i18n::{facility_kind_label, group_digits, profession_label, Locale, Msg};

/// A bar's length in percent of the largest value shown beside it: 0 for 0, at least 1 for
/// any other value so a small but real count stays visible.
pub fn bar_percent(value: u32, max: u32) -> u32 {
    if value == 0 || max == 0 {
        return 0;
    }
    (u64::from(value) * 100 / u64::from(max)).clamp(1, 100) as u32
}

/// The largest of `values`, the scale of a chart.
pub fn scale(values: impl IntoIterator<Item = u32>) -> u32 {
    values.into_iter().max().unwrap_or(0)
}

/// Posts of a week over every facility kind.
pub fn week_posts(week: &WeekRow) -> u32 {
    week.posts_by_kind.iter().map(|k| k.count).sum()
}

/// The column headers of a chart: `11/30` for the week starting on 30 November.
pub fn week_label(week: &WeekRow) -> String {
    // Datelike rather than chrono's formatter, whose parser would add to the download.
    format!("{}/{}", week.week_start.month(), week.week_start.day())
}

/// `2026-11` → `2026/11`, as months are written in Japanese tables.
pub fn month_label(month: &str) -> String {
    month.replace('-', "/")
}

/// Registered and active facilities of one kind the seed calls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participation {
    pub kind: FacilityKind,
    pub registered: u32,
    pub active_7_days: u32,
    pub users: u32,
}

impl Participation {
    /// Fewer than half of the registered facilities were active this week (or none is
    /// registered): the dashboard marks it for the secretariat.
    pub fn lagging(&self) -> bool {
        self.registered == 0 || self.active_7_days * 2 < self.registered
    }
}

/// The rows of 地域包括支援センター and municipalities, in that order.
pub fn participation(rows: &[FacilityKindRow]) -> Vec<Participation> {
    [
        FacilityKind::CommunitySupportCenter,
        FacilityKind::Municipality,
    ]
    .into_iter()
    .map(|kind| {
        let row = rows.iter().find(|r| r.kind == kind);
        Participation {
            kind,
            registered: row.map_or(0, |r| r.registered),
            active_7_days: row.map_or(0, |r| r.active_7_days),
            users: row.map_or(0, |r| r.users),
        }
    })
    .collect()
}

/// Registered facilities of every kind: the total under the seed's table.
pub fn total_registered(rows: &[FacilityKindRow]) -> u32 {
    rows.iter().map(|r| r.registered).sum()
}

/// A table of the dashboard as the page shows it: text already in the reader's language, so
/// one component draws every table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableData {
    /// Column headers; the first names the row headers.
    pub headers: Vec<&'static str>,
    /// The rows: a row header, then one text per further column.
    pub rows: Vec<TableRow>,
    /// With a bar column (drawn after the first value), the largest value, its full width.
    pub bar_max: Option<u32>,
}

/// One row of a [`TableData`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub label: String,
    pub cells: Vec<String>,
    /// The value the bar draws, when the table has one.
    pub bar: Option<u32>,
}

fn n(v: u32) -> String {
    group_digits(v as usize)
}

/// The seed's table: registered facilities by type, with a bar, and the total in a last row.
pub fn facility_table(rows: &[FacilityKindRow], locale: Locale) -> TableData {
    let mut out: Vec<TableRow> = rows
        .iter()
        .map(|r| TableRow {
            label: facility_kind_label(r.kind, locale).to_owned(),
            cells: vec![
                n(r.registered),
                n(r.active_7_days),
                n(r.never_active),
                n(r.users),
                n(r.posts_7_days),
            ],
            bar: Some(r.registered),
        })
        .collect();
    out.push(TableRow {
        label: Msg::DashboardTotal.text(locale).to_owned(),
        cells: vec![n(total_registered(rows))],
        bar: None,
    });
    TableData {
        headers: [
            Msg::DashboardKind,
            Msg::DashboardRegistered,
            Msg::DashboardActive7,
            Msg::DashboardNeverActive,
            Msg::DashboardUsers,
            Msg::DashboardPosts7,
        ]
        .map(|m| m.text(locale))
        .to_vec(),
        rows: out,
        bar_max: Some(scale(rows.iter().map(|r| r.registered))),
    }
}

/// Users by profession, with a bar.
pub fn profession_table(rows: &[ProfessionRow], locale: Locale) -> TableData {
    TableData {
        headers: [
            Msg::DashboardProfession,
            Msg::DashboardUsers,
            Msg::DashboardActive7,
        ]
        .map(|m| m.text(locale))
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| TableRow {
                label: profession_label(r.profession, locale).to_owned(),
                cells: vec![n(r.users), n(r.active_7_days)],
                bar: Some(r.users),
            })
            .collect(),
        bar_max: Some(scale(rows.iter().map(|r| r.users))),
    }
}

/// Each week's active users and posts, then its posts by facility type.
pub fn week_table(weeks: &[WeekRow], locale: Locale) -> TableData {
    let mut headers = [
        Msg::DashboardWeek,
        Msg::DashboardActiveUsers,
        Msg::DashboardPosts,
    ]
    .map(|m| m.text(locale))
    .to_vec();
    if let Some(w) = weeks.first() {
        headers.extend(
            w.posts_by_kind
                .iter()
                .map(|k| facility_kind_label(k.kind, locale)),
        );
    }
    TableData {
        headers,
        rows: weeks
            .iter()
            .map(|w| TableRow {
                label: week_label(w),
                cells: [w.active_users, week_posts(w)]
                    .into_iter()
                    .chain(w.posts_by_kind.iter().map(|k| k.count))
                    .map(n)
                    .collect(),
                bar: None,
            })
            .collect(),
        bar_max: None,
    }
}

/// Patient groups created per month.
pub fn month_table(months: &[MonthRow], locale: Locale) -> TableData {
    TableData {
        headers: [Msg::DashboardMonth, Msg::DashboardCreated]
            .map(|m| m.text(locale))
            .to_vec(),
        rows: months
            .iter()
            .map(|m| TableRow {
                label: month_label(&m.month),
                cells: vec![n(m.created)],
                bar: None,
            })
            .collect(),
        bar_max: None,
    }
}

/// The facilities approved but never active: name, type, when registered (`date` formats it).
pub fn never_active_table(
    items: &[NeverActiveFacility],
    locale: Locale,
    date: impl Fn(&NeverActiveFacility) -> String,
) -> TableData {
    TableData {
        headers: [
            Msg::DashboardFacilityName,
            Msg::DashboardKind,
            Msg::DashboardRegisteredAt,
        ]
        .map(|m| m.text(locale))
        .to_vec(),
        rows: items
            .iter()
            .map(|f| TableRow {
                label: f.name.clone(),
                cells: vec![facility_kind_label(f.kind, locale).to_owned(), date(f)],
                bar: None,
            })
            .collect(),
        bar_max: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use tsunagu_api::KindCount;

    use super::*;

    fn row(kind: FacilityKind, registered: u32, active: u32) -> FacilityKindRow {
        FacilityKindRow {
            kind,
            registered,
            active_7_days: active,
            never_active: 0,
            users: registered * 3,
            posts_7_days: 0,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_a_small_count_stays_visible() {
        assert_eq!(bar_percent(0, 310), 0);
        assert_eq!(bar_percent(310, 310), 100);
        assert_eq!(bar_percent(155, 310), 50);
        assert_eq!(bar_percent(1, 10_000), 1);
        assert_eq!(bar_percent(5, 0), 0);
        assert_eq!(scale([177, 51, 310, 108]), 310);
        assert_eq!(scale([]), 0);
    }

    #[test]
    fn weeks_sum_their_kinds_and_read_as_month_and_day() {
        let week = WeekRow {
            week_start: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            active_users: 40,
            posts_by_kind: vec![
                KindCount {
                    kind: FacilityKind::Clinic,
                    count: 12,
                },
                KindCount {
                    kind: FacilityKind::Pharmacy,
                    count: 5,
                },
            ],
        };
        assert_eq!(week_posts(&week), 17);
        let table = week_table(std::slice::from_ref(&week), Locale::En);
        assert_eq!(table.headers[3..], ["Clinic", "Pharmacy"]);
        assert_eq!(table.rows[0].cells, ["40", "17", "12", "5"]);
        assert_eq!(week_label(&week), "11/30");
        assert_eq!(month_label("2026-04"), "2026/04");
    }

    #[test]
    fn community_centres_and_municipalities_are_called_out_when_few_take_part() {
        let rows = vec![
            row(FacilityKind::Clinic, 177, 150),
            row(FacilityKind::CommunitySupportCenter, 10, 4),
            row(FacilityKind::Municipality, 2, 1),
        ];
        let p = participation(&rows);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].kind, FacilityKind::CommunitySupportCenter);
        assert!(p[0].lagging(), "4 of 10 active");
        assert!(!p[1].lagging(), "1 of 2 active");
        assert_eq!(total_registered(&rows), 189);
        let table = facility_table(&rows, Locale::Ja);
        assert_eq!(table.headers[0], "施設種別");
        assert_eq!(table.rows[0].label, "医科診療所");
        assert_eq!(table.rows[0].cells, ["177", "150", "0", "531", "0"]);
        assert_eq!(table.rows[0].bar, Some(177));
        assert_eq!(table.bar_max, Some(177));
        let total = table.rows.last().unwrap();
        assert_eq!(
            (total.label.as_str(), total.cells.as_slice()),
            ("合計", &["189".to_owned()][..])
        );
        let none = participation(&[]);
        assert!(none.iter().all(|p| p.registered == 0 && p.lagging()));
    }
}
