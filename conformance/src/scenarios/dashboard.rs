//! The operator's adoption dashboard: only the operator reads it; it has every facility kind
//! and profession in order, 12 weeks from Monday and 12 months, and its tables export as CSV
//! files Excel opens (UTF-8 with a BOM).

use tsunagu_api::{
    AdoptionDashboard, ErrorCode, FacilityKind, Profession, DASHBOARD_MONTHS, DASHBOARD_WEEKS,
    MAX_NEVER_ACTIVE_LISTED,
};

use super::check_times;
use crate::client::{Check, Ctx};
use crate::ensure;

pub(super) async fn the_operator_alone_reads_the_adoption_dashboard(ctx: &Ctx) -> Check {
    ctx.get("/operator/dashboard")
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    let member = ctx.login_member().await?;
    for path in [
        "/operator/dashboard",
        "/operator/dashboard.csv?table=facilities",
    ] {
        ctx.get(path)
            .bearer(&member.token)
            .send()
            .await?
            .expect_problem(403, ErrorCode::Forbidden)?;
    }

    let operator = ctx.login_operator().await?;
    let reply = ctx
        .get("/operator/dashboard")
        .bearer(&operator.token)
        .send()
        .await?;
    reply.expect_status(200)?;
    check_times(&reply.json()?)?;
    let d: AdoptionDashboard = reply.decode()?;
    ensure!(
        d.facilities.iter().map(|f| f.kind).collect::<Vec<_>>() == FacilityKind::ALL,
        "the facilities are not every kind in order"
    );
    ensure!(
        d.professions
            .iter()
            .map(|p| p.profession)
            .collect::<Vec<_>>()
            == Profession::ALL,
        "the professions are not every profession in order"
    );
    ensure!(
        d.weeks.len() == DASHBOARD_WEEKS,
        "{} weeks, not {DASHBOARD_WEEKS}",
        d.weeks.len()
    );
    for pair in d.weeks.windows(2) {
        ensure!(
            (pair[1].week_start - pair[0].week_start).num_days() == 7,
            "weeks are not consecutive, oldest first"
        );
    }
    ensure!(
        d.weeks
            .iter()
            .all(|w| w.week_start.format("%u").to_string() == "1"
                && w.posts_by_kind.iter().map(|k| k.kind).collect::<Vec<_>>() == FacilityKind::ALL),
        "a week does not start on Monday or lacks a kind"
    );
    ensure!(
        d.patient_groups.len() == DASHBOARD_MONTHS,
        "{} months, not {DASHBOARD_MONTHS}",
        d.patient_groups.len()
    );
    let months: Vec<&str> = d.patient_groups.iter().map(|m| m.month.as_str()).collect();
    ensure!(
        months.windows(2).all(|m| m[0] < m[1])
            && months
                .iter()
                .all(|m| m.len() == 7 && m.as_bytes()[4] == b'-'),
        "months are not YYYY-MM, oldest first: {months:?}"
    );
    ensure!(
        d.never_active.len() <= MAX_NEVER_ACTIVE_LISTED
            && d.never_active.len() as u32 <= d.never_active_total
            && d.never_active_total == d.facilities.iter().map(|f| f.never_active).sum::<u32>(),
        "the never-active list and total disagree"
    );
    ensure!(
        d.facilities
            .iter()
            .all(|f| f.active_7_days + f.never_active <= f.registered),
        "a kind has more active or never-active facilities than registered"
    );

    let csv = ctx
        .get("/operator/dashboard.csv?table=facilities")
        .bearer(&operator.token)
        .send()
        .await?;
    csv.expect_status(200)?;
    ensure!(
        csv.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv")),
        "the export is not text/csv: {:?}",
        csv.header("content-type")
    );
    ensure!(
        csv.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
        "the export is not an attachment"
    );
    ensure!(
        csv.text.starts_with('\u{feff}'),
        "the export has no byte order mark for Excel"
    );
    ctx.get("/operator/dashboard.csv?table=nonsense")
        .bearer(&operator.token)
        .send()
        .await?
        .expect_problem(422, ErrorCode::FieldInvalid)?;
    Ok(())
}
