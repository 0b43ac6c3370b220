//! The seed's 課題: 地域包括支援センター and municipal staff take little part.

use leptos::prelude::*;
use tsunagu_api::FacilityKindRow;

use crate::dashboard_model::participation;
use crate::i18n::{facility_kind_label, group_digits, use_i18n, Msg};

/// 「地域包括支援センター・行政の参加」: for each of the two, registered facilities, those active
/// in the last 7 days and their users, marked 「参加が少なくなっています」 when fewer than half
/// were active.
#[component]
pub fn ParticipationNote(
    /// The facility-type rows of the dashboard.
    rows: Vec<FacilityKindRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = participation(&rows)
        .into_iter()
        .map(|p| {
            let line = move || {
                i18n.t(Msg::DashboardParticipationLine)
                    .replace("{kind}", facility_kind_label(p.kind, i18n.locale()))
                    .replace("{registered}", &group_digits(p.registered as usize))
                    .replace("{active}", &group_digits(p.active_7_days as usize))
                    .replace("{users}", &group_digits(p.users as usize))
            };
            view! {
                <li class="dashboard__participation" class:dashboard__participation--lagging=p.lagging()>
                    {line}
                    {p.lagging()
                        .then(|| {
                            view! {
                                <strong class="dashboard__lagging">
                                    {move || i18n.t(Msg::DashboardLagging)}
                                </strong>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="dashboard__section dashboard__section--note" aria-labelledby="dashboard-participation">
            <h2 class="dashboard__heading" id="dashboard-participation">
                {move || i18n.t(Msg::DashboardParticipation)}
            </h2>
            <ul class="dashboard__list">{items}</ul>
        </section>
    }
}
