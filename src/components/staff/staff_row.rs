//! One staff account in the list, with what may be done to it.

use leptos::prelude::*;
use tsunagu_api::{AccountStatus, StaffMember};

use super::use_staff_page;
use crate::components::confirm_button::ConfirmButton;
use crate::i18n::{profession_label, use_i18n, Msg};
use crate::session::use_session;

/// The label of an account's status.
pub fn status_label(status: AccountStatus) -> Msg {
    match status {
        AccountStatus::Active => Msg::StaffActive,
        AccountStatus::PendingActivation => Msg::StaffPending,
        AccountStatus::Suspended => Msg::StaffSuspended,
        AccountStatus::Offboarded => Msg::StaffOffboarded,
    }
}

/// A row: name (kana), profession, login ID, status, 2段階認証; and, unless it is the viewer's
/// own or offboarded: 再発行, 利用停止 / 停止を解除, スタッフ解除 (the last two asked first).
/// Buttons are named with the person's name for screen readers.
#[component]
pub fn StaffRow(
    /// The account.
    staff: StaffMember,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let page = use_staff_page();
    let id = staff.id;
    let mine = session.me().is_some_and(|m| m.id == id);
    let closed = staff.status == AccountStatus::Offboarded;
    let suspended = staff.status == AccountStatus::Suspended;
    let reissue = Action::new_local(move |_: &()| {
        let client = session.client();
        async move {
            match client.reissue_activation(id).await {
                Ok(link) => page.issued(vec![link]),
                Err(e) => page.error.set(Some(e)),
            }
        }
    });
    let act = Action::new_local(move |what: &u8| {
        let client = session.client();
        let what = *what;
        async move {
            let done = match what {
                0 => client.set_suspended(id, !suspended).await,
                _ => client.offboard(id).await,
            };
            match done {
                Ok(()) => page.reload(),
                Err(e) => page.error.set(Some(e)),
            }
        }
    });
    let name = staff.display_name.clone();
    let named = move |m: Msg| {
        let name = name.clone();
        Signal::derive(move || format!("{} {}", i18n.t(m), name))
    };
    let status = status_label(staff.status);
    view! {
        <tr class="staff-row">
            <th scope="row" class="staff-row__name">
                {staff.display_name.clone()}
                <span class="staff-row__kana">{staff.display_name_kana.clone()}</span>
                {staff.is_facility_admin.then(|| view! {
                    <span class="staff-row__admin">{move || i18n.t(Msg::StaffAdmin)}</span>
                })}
            </th>
            <td>{move || profession_label(staff.profession, i18n.locale())}</td>
            <td><code>{staff.login_id.clone()}</code></td>
            <td class=format!("staff-row__status staff-row__status--{}", staff.status.as_str())>
                {move || i18n.t(status)}
                {staff.two_factor.then_some(move || i18n.t(Msg::StaffTwoFactorOn))}
            </td>
            <td class="staff-row__actions">
                {(!mine && !closed).then(|| {
                    let reissue_label = named(Msg::StaffReissue);
                    view! {
                        <ConfirmButton
                            label=Msg::StaffReissue
                            aria_label=reissue_label
                            question=Msg::StaffReissueConfirm
                            on_confirm=Callback::new(move |_| { reissue.dispatch(()); })
                        />
                        <button
                            type="button"
                            class="button button--secondary"
                            aria-label=named(if suspended { Msg::StaffReactivate } else { Msg::StaffSuspend })
                            on:click=move |_| { act.dispatch(0); }
                        >
                            {move || i18n.t(if suspended { Msg::StaffReactivate } else { Msg::StaffSuspend })}
                        </button>
                        <ConfirmButton
                            label=Msg::StaffOffboard
                            aria_label=named(Msg::StaffOffboard)
                            question=Msg::StaffOffboardConfirm
                            on_confirm=Callback::new(move |_| { act.dispatch(1); })
                            class="button--danger"
                        />
                    }
                })}
            </td>
        </tr>
    }
}
