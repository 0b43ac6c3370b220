//! The adoption dashboard (`/operator/dashboard`).

use leptos::prelude::*;

use crate::components::dashboard::dashboard_section::DashboardSection;
use crate::components::dashboard::participation_note::ParticipationNote;
use crate::dashboard_model::{
    facility_table, month_label, month_table, never_active_table, profession_table, week_label,
    week_table,
};
use crate::i18n::{group_digits, use_i18n, Msg};
use crate::session::use_session;
use crate::time_format::format_datetime;

/// 「利用状況」: adoption in the seed's own terms — registered facilities by type, the call-out
/// on 地域包括支援センター and municipalities, users by profession, weekly activity, new
/// patient groups per month, and the facilities approved but never active; when it was
/// counted, and 「更新」 to count again. The tables are built for the current language and
/// built again when it changes.
#[component]
pub fn OperatorDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let version = RwSignal::new(0u32);
    let dashboard = crate::load::load(move || {
        version.track();
        let client = session.client();
        async move { client.dashboard().await }
    });
    let body = move || {
        let locale = i18n.locale();
        match dashboard.get() {
            None => view! { <p class="dashboard__status">{i18n.t(Msg::Loading)}</p> }.into_any(),
            Some(Err(err)) => view! { <p role="alert">{i18n.api_error(&err)}</p> }.into_any(),
            Some(Ok(d)) => {
                let counted = Msg::DashboardCountedAt
                    .text(locale)
                    .replace("{at}", &format_datetime(&d.counted_at, locale));
                let week_chart = (
                    d.weeks.iter().map(week_label).collect(),
                    d.weeks.iter().map(|w| w.active_users).collect(),
                );
                let month_chart = (
                    d.patient_groups
                        .iter()
                        .map(|m| month_label(&m.month))
                        .collect(),
                    d.patient_groups.iter().map(|m| m.created).collect(),
                );
                let never_title = Msg::DashboardNeverActiveTitle
                    .text(locale)
                    .replace("{n}", &group_digits(d.never_active_total as usize));
                let never = never_active_table(&d.never_active, locale, |f| {
                    format_datetime(&f.registered_at, locale)
                });
                let t = |m: Msg| m.text(locale).to_owned();
                view! {
                    <p class="dashboard__counted">{counted}</p>
                    <div class="dashboard__grid">
                        <DashboardSection
                            id="dashboard-facilities"
                            title=t(Msg::DashboardFacilities)
                            csv="facilities"
                            csv_title=Msg::DashboardFacilities
                            table=facility_table(&d.facilities, locale)
                        />
                        <ParticipationNote rows=d.facilities/>
                        <DashboardSection
                            id="dashboard-professions"
                            title=t(Msg::DashboardProfessions)
                            csv="professions"
                            csv_title=Msg::DashboardProfessions
                            table=profession_table(&d.professions, locale)
                        />
                        <DashboardSection
                            id="dashboard-weeks"
                            title=t(Msg::DashboardWeekly)
                            csv="weeks"
                            csv_title=Msg::DashboardWeekly
                            chart=week_chart
                            table=week_table(&d.weeks, locale)
                        />
                        <DashboardSection
                            id="dashboard-months"
                            title=t(Msg::DashboardPatientGroups)
                            csv="patient_groups"
                            csv_title=Msg::DashboardPatientGroups
                            chart=month_chart
                            table=month_table(&d.patient_groups, locale)
                        />
                        <DashboardSection
                            id="dashboard-never-active"
                            title=never_title
                            csv="never_active"
                            csv_title=Msg::DashboardNeverActiveCsv
                            table=never
                            empty=Msg::DashboardAllActive.text(locale)
                        />
                    </div>
                }
                .into_any()
            }
        }
    };
    view! {
        <div class="operator-page dashboard">
            <h1 class="operator-page__title">{move || i18n.t(Msg::OperatorDashboard)}</h1>
            <button
                type="button"
                class="button button--secondary dashboard__refresh"
                on:click=move |_| version.update(|v| *v += 1)
            >
                {move || i18n.t(Msg::DashboardRefresh)}
            </button>
            {body}
        </div>
    }
}
