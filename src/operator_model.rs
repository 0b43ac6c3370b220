//! Pure logic of the operator console (医師会事務局): which section a path is, the order of the
//! applications, the activation link's URL, the two-factor policy's checkboxes and what the
//! forms accept before anything is sent.

use std::cmp::Reverse;

use tsunagu_api::{Application, ApplicationStatus, MAX_APPLICATION_TEXT_CHARS, MAX_PLEDGE_CHARS};

use crate::api::encode_query_value;
use crate::i18n::Msg;

/// Shortest idle lock the server accepts, in minutes.
pub const IDLE_LOCK_MIN: u32 = 1;
/// Longest idle lock the server accepts, in minutes.
pub const IDLE_LOCK_MAX: u32 = 120;

/// A page of the console, in the order its navigation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorSection {
    /// `/operator` and `/operator/applications`: applications to decide.
    Applications,
    /// `/operator/dashboard`: adoption by facility type, profession, week and month.
    Dashboard,
    /// `/operator/facilities`: the facilities, each linking to its staff.
    Facilities,
    /// `/operator/pledge`: the confidentiality pledge and its next version.
    Pledge,
    /// `/operator/settings`: the two-factor policy and the idle lock.
    Settings,
}

impl OperatorSection {
    /// Every section, in navigation order.
    pub const ALL: [OperatorSection; 5] = [
        OperatorSection::Applications,
        OperatorSection::Dashboard,
        OperatorSection::Facilities,
        OperatorSection::Pledge,
        OperatorSection::Settings,
    ];

    /// The path of the section's page.
    pub fn href(self) -> &'static str {
        match self {
            OperatorSection::Applications => "/operator/applications",
            OperatorSection::Dashboard => "/operator/dashboard",
            OperatorSection::Facilities => "/operator/facilities",
            OperatorSection::Pledge => "/operator/pledge",
            OperatorSection::Settings => "/operator/settings",
        }
    }

    /// Its name in the navigation and as its page's heading.
    pub fn label(self) -> Msg {
        match self {
            OperatorSection::Applications => Msg::OperatorApplications,
            OperatorSection::Dashboard => Msg::OperatorDashboard,
            OperatorSection::Facilities => Msg::OperatorFacilities,
            OperatorSection::Pledge => Msg::OperatorPledge,
            OperatorSection::Settings => Msg::OperatorSettings,
        }
    }

    /// The section whose page `path` is (the console's root is the applications).
    pub fn of_path(path: &str) -> Option<OperatorSection> {
        let path = path.trim_end_matches('/');
        if path == crate::app_part::OPERATOR_PREFIX {
            return Some(OperatorSection::Applications);
        }
        Self::ALL.into_iter().find(|s| s.href() == path)
    }
}

/// The applications in the order the operator works through them: pending ones first, the
/// oldest first (first come, first served), then the decided ones, the latest decision first.
pub fn order_applications(mut items: Vec<Application>) -> Vec<Application> {
    items.sort_by_key(|a| {
        let pending = a.status == ApplicationStatus::Pending;
        let submitted = a.submitted_at.timestamp_millis();
        let decided = a.decided_at.map_or(submitted, |t| t.timestamp_millis());
        // Pending: by submission, oldest first. Decided: by decision, newest first.
        (
            !pending,
            if pending { submitted } else { 0 },
            Reverse(decided),
        )
    });
    items
}

/// How many applications wait for a decision.
pub fn pending_count(items: &[Application]) -> usize {
    items
        .iter()
        .filter(|a| a.status == ApplicationStatus::Pending)
        .count()
}

/// The activation link a person opens: `<origin>/activate/<token>`.
pub fn activation_url(origin: &str, token: &str) -> String {
    format!(
        "{}/activate/{}",
        origin.trim_end_matches('/'),
        encode_query_value(token)
    )
}

/// `current` with `item` in it (`on`) or not, in the order of `all` (so a saved policy lists
/// its kinds and professions as the form shows them, and toggling twice changes nothing).
pub fn with_member<T: Copy + PartialEq>(current: &[T], item: T, on: bool, all: &[T]) -> Vec<T> {
    all.iter()
        .copied()
        .filter(|x| if *x == item { on } else { current.contains(x) })
        .collect()
}

/// The idle lock typed into the settings form, when it is a whole number of minutes the
/// server accepts (1–120).
pub fn parse_idle_minutes(typed: &str) -> Option<u32> {
    typed
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (IDLE_LOCK_MIN..=IDLE_LOCK_MAX).contains(m))
}

/// The reason for rejecting an application as it is sent (trimmed), or why it cannot be.
pub fn reject_reason(typed: &str) -> Result<String, Msg> {
    let reason = typed.trim();
    if reason.is_empty() {
        Err(Msg::Required)
    } else if reason.chars().count() > MAX_APPLICATION_TEXT_CHARS {
        Err(Msg::RejectReasonTooLong)
    } else {
        Ok(reason.to_owned())
    }
}

/// Why `typed` cannot be published as the pledge's next version after `current`, if it cannot.
pub fn pledge_problem(typed: &str, current: &str) -> Option<Msg> {
    let text = typed.trim();
    if text.is_empty() {
        Some(Msg::Required)
    } else if text.chars().count() > MAX_PLEDGE_CHARS {
        Some(Msg::PledgeTooLong)
    } else if text == current.trim() {
        Some(Msg::PledgeUnchanged)
    } else {
        None
    }
}

/// `template` with `{n}` replaced by `n` (`第{n}版`, `承認待ち {n}件`, …).
pub fn with_number(template: &str, n: impl std::fmt::Display) -> String {
    template.replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use tsunagu_api::{ApplicationForm, FacilityKind, Profession};
    use uuid::Uuid;

    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + s, 0).unwrap()
    }

    fn application(
        name: &str,
        status: ApplicationStatus,
        submitted: i64,
        decided: Option<i64>,
    ) -> Application {
        Application {
            id: Uuid::now_v7(),
            status,
            form: ApplicationForm {
                facility_name: name.into(),
                facility_name_kana: "かな".into(),
                facility_kind: FacilityKind::Clinic,
                address: "東京都".into(),
                representative_name: "代表 者".into(),
                representative_name_kana: "だいひょう しゃ".into(),
                representative_profession: Profession::Physician,
                login_id: format!("{name}.admin"),
                phone: "03-0000-0000".into(),
                email: "a@example.org".into(),
                pledge_version: 1,
            },
            submitted_at: t(submitted),
            decided_at: decided.map(t),
            decided_by: decided.map(|_| "石井".into()),
            reason: None,
            facility: None,
        }
    }

    fn names(items: &[Application]) -> Vec<&str> {
        items
            .iter()
            .map(|a| a.form.facility_name.as_str())
            .collect()
    }

    #[test]
    fn pending_applications_come_first_oldest_first_then_the_latest_decisions() {
        use ApplicationStatus::*;
        // As the server answers: newest submission first.
        let items = vec![
            application("e", Pending, 50, None),
            application("d", Rejected, 40, Some(45)),
            application("c", Pending, 30, None),
            application("b", Approved, 20, Some(60)),
            application("a", Pending, 10, None),
        ];
        let ordered = order_applications(items);
        assert_eq!(names(&ordered), ["a", "c", "e", "b", "d"]);
        assert_eq!(pending_count(&ordered), 3);
        assert!(order_applications(Vec::new()).is_empty());
    }

    #[test]
    fn sections_are_found_by_their_path() {
        use OperatorSection::*;
        for (path, section) in [
            ("/operator", Some(Applications)),
            ("/operator/", Some(Applications)),
            ("/operator/applications", Some(Applications)),
            ("/operator/facilities", Some(Facilities)),
            ("/operator/pledge", Some(Pledge)),
            ("/operator/settings/", Some(Settings)),
            ("/operator/elsewhere", None),
            ("/", None),
        ] {
            assert_eq!(OperatorSection::of_path(path), section, "{path}");
        }
        for s in OperatorSection::ALL {
            assert_eq!(OperatorSection::of_path(s.href()), Some(s));
            assert_eq!(
                crate::app_part::AppPart::of(s.href()),
                crate::app_part::AppPart::Operator
            );
        }
    }

    #[test]
    fn the_activation_url_is_the_origin_and_the_token() {
        assert_eq!(
            activation_url("https://tsunagu.example.jp", "Ab-_9x"),
            "https://tsunagu.example.jp/activate/Ab-_9x"
        );
        assert_eq!(
            activation_url("http://127.0.0.1:8080/", "tok"),
            "http://127.0.0.1:8080/activate/tok"
        );
        // Whatever a backend sends stays one path segment.
        assert_eq!(
            activation_url("https://a.example", "a/b c"),
            "https://a.example/activate/a%2Fb%20c"
        );
    }

    #[test]
    fn policy_toggles_keep_the_form_order_and_undo_each_other() {
        let all = FacilityKind::ALL;
        let on = with_member(&[], FacilityKind::Pharmacy, true, all);
        let on = with_member(&on, FacilityKind::Clinic, true, all);
        assert_eq!(on, [FacilityKind::Clinic, FacilityKind::Pharmacy]);
        // Checking a checked box again adds nothing.
        assert_eq!(with_member(&on, FacilityKind::Clinic, true, all), on);
        let off = with_member(&on, FacilityKind::Clinic, false, all);
        assert_eq!(off, [FacilityKind::Pharmacy]);
        assert!(with_member(&off, FacilityKind::Pharmacy, false, all).is_empty());
        let family = with_member(&[], Profession::Family, true, Profession::ALL);
        assert_eq!(family, [Profession::Family]);
    }

    #[test]
    fn the_idle_lock_is_a_whole_number_of_minutes_from_1_to_120() {
        assert_eq!(parse_idle_minutes("15"), Some(15));
        assert_eq!(parse_idle_minutes(" 1 "), Some(1));
        assert_eq!(parse_idle_minutes("120"), Some(120));
        for bad in ["0", "121", "", "1.5", "-3", "十五"] {
            assert_eq!(parse_idle_minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_rejection_needs_a_reason_of_at_most_500_characters() {
        assert_eq!(
            reject_reason("  書類に不備があります。 "),
            Ok("書類に不備があります。".into())
        );
        assert_eq!(reject_reason(" \n "), Err(Msg::Required));
        let long = "あ".repeat(MAX_APPLICATION_TEXT_CHARS + 1);
        assert_eq!(reject_reason(&long), Err(Msg::RejectReasonTooLong));
        assert!(reject_reason(&long[3..]).is_ok(), "500 characters are fine");
    }

    #[test]
    fn a_new_pledge_version_must_differ_and_fit() {
        assert_eq!(pledge_problem("新しい本文", "古い本文"), None);
        assert_eq!(pledge_problem("   ", "古い本文"), Some(Msg::Required));
        assert_eq!(
            pledge_problem("古い本文\n", "古い本文"),
            Some(Msg::PledgeUnchanged)
        );
        let long = "あ".repeat(MAX_PLEDGE_CHARS + 1);
        assert_eq!(pledge_problem(&long, "古い本文"), Some(Msg::PledgeTooLong));
        assert_eq!(with_number("第{n}版", 3), "第3版");
    }
}
