//! Joining a patient group through a family invitation link (`/join/:token`, no login needed).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use tsunagu_api::{
    validate_password, ErrorCode, InvitationKind, JoinAsFamily, JoinInfo, Relationship,
};

use crate::api::{self, ApiError, Client};
use crate::components::text_field::TextField;
use crate::i18n::labels::{honorific, invited_to, relationship_label, RELATIONSHIPS};
use crate::i18n::{use_i18n, Msg};
use crate::session::use_session;

/// Status used for errors found before sending.
const LOCAL_VALIDATION_STATUS: u16 = 422;

/// Checks the join form before sending: every field filled, the password strong enough and typed
/// twice the same. `Err` carries the message to show.
pub fn check_join_form(
    display_name: &str,
    login_id: &str,
    password: &str,
    confirm: &str,
) -> Result<(), JoinFormError> {
    if display_name.trim().is_empty() || login_id.trim().is_empty() {
        return Err(JoinFormError::Code(ErrorCode::FieldRequired));
    }
    validate_password(password).map_err(JoinFormError::Code)?;
    if password != confirm {
        return Err(JoinFormError::Mismatch);
    }
    Ok(())
}

/// Why the join form was refused before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinFormError {
    /// A contract error code (field required, password too weak).
    Code(ErrorCode),
    /// The two passwords differ.
    Mismatch,
}

/// Shows "<group>に招待されています" and who invited, and the form (表示名, 続柄, ログインID,
/// パスワード with the policy hint, パスワード（確認）, 参加する). The password is checked before
/// sending; on success the session is stored and the family lands in the group. An invalid
/// link shows why; registration links say registration comes later.
#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let info = crate::load::load(move || {
        let token = token.get();
        let client = Client::new(api::api_base(), None);
        async move { client.join_info(&token).await }
    });
    view! {
        <div class="login join">
            <div class="login__card">
                {move || match info.get() {
                    None => view! { <p>{i18n.t(Msg::Loading)}</p> }.into_any(),
                    Some(Err(err)) => {
                        view! {
                            <h1 class="login__title">{move || i18n.t(Msg::JoinTitle)}</h1>
                            <p class="login__error" role="alert">
                                {move || i18n.api_error(&err)}
                            </p>
                        }
                            .into_any()
                    }
                    Some(Ok(info)) if info.kind == InvitationKind::Registration => {
                        view! {
                            <h1 class="login__title">{move || i18n.t(Msg::JoinTitle)}</h1>
                            <p class="login__error" role="status">
                                {move || i18n.t(Msg::RegistrationSoon)}
                            </p>
                        }
                            .into_any()
                    }
                    Some(Ok(info)) => view! { <JoinForm info token=token.get_untracked()/> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// The family join form for a valid link.
#[component]
pub fn JoinForm(
    /// What the link invites to.
    info: JoinInfo,
    /// The link's secret token.
    token: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // The group is in the nurse's app, another build: `go` loads it as a page.
    let go = crate::app_part::use_go();
    let display_name = RwSignal::new(String::new());
    let relationship = RwSignal::new(Relationship::Child);
    let login_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<JoinFormError>);
    let api_error = RwSignal::new(None::<ApiError>);
    let group_name = info.group_name.clone();

    let join = Action::new_local(move |req: &JoinAsFamily| {
        let req = req.clone();
        let token = token.clone();
        let go = go.clone();
        let group_name = group_name.clone();
        let anon = Client::new(api::api_base(), None);
        async move {
            match anon.join_as_family(&token, &req).await {
                Ok(s) => {
                    session.set_session(s);
                    let groups = session.client().groups(None, None).await;
                    let target = groups.ok().and_then(|page| {
                        page.items
                            .iter()
                            .find(|g| g.name == group_name)
                            .or(page.items.first())
                            .map(|g| g.id)
                    });
                    let path = target
                        .map(|id| format!("/groups/{id}"))
                        .unwrap_or_else(|| "/".into());
                    go(&path);
                }
                Err(e) => api_error.set(Some(e)),
            }
        }
    });
    let pending = join.pending();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        api_error.set(None);
        let (n, l, p, c) = (
            display_name.get_untracked(),
            login_id.get_untracked(),
            password.get_untracked(),
            confirm.get_untracked(),
        );
        if let Err(e) = check_join_form(&n, &l, &p, &c) {
            error.set(Some(e));
            return;
        }
        error.set(None);
        join.dispatch(JoinAsFamily {
            display_name: n.trim().to_owned(),
            relationship: relationship.get_untracked(),
            login_id: l.trim().to_owned(),
            password: p,
        });
    };

    let alert = move || {
        let locale = i18n.locale();
        match (error.get(), api_error.get()) {
            (Some(JoinFormError::Mismatch), _) => Some(Msg::PasswordMismatch.text(locale)),
            (Some(JoinFormError::Code(code)), _) => Some(crate::i18n::api_error_text(
                &ApiError::Problem {
                    status: LOCAL_VALIDATION_STATUS,
                    code,
                },
                locale,
            )),
            (None, Some(e)) => Some(crate::i18n::api_error_text(&e, locale)),
            (None, None) => None,
        }
    };
    let heading_name = info.group_name.clone();
    let inviter = info.invited_by.display_name.clone();

    view! {
        <form class="join__form" on:submit=on_submit aria-labelledby="join-title">
            <h1 class="login__title" id="join-title">
                {move || invited_to(&heading_name, i18n.locale())}
            </h1>
            <p class="join__inviter">
                {move || i18n.t(Msg::InvitedBy)}
                ": "
                {move || honorific(&inviter, i18n.locale())}
            </p>
            {move || alert().map(|text| view! { <p class="login__error" role="alert">{text}</p> })}
            <TextField
                id="join-name"
                label=Msg::DisplayName
                value=display_name
                autocomplete="name"
                required=true
            />
            <div class="field">
                <label class="field__label" for="join-relationship">
                    {move || i18n.t(Msg::Relationship)}
                </label>
                <select
                    class="field__input"
                    id="join-relationship"
                    on:change=move |ev| relationship.set(Relationship::parse(&event_target_value(&ev)))
                >
                    {RELATIONSHIPS
                        .into_iter()
                        .map(|r| {
                            view! {
                                <option value=r.as_str() selected=move || relationship.get() == r>
                                    {move || relationship_label(r, i18n.locale())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="join-login-id"
                label=Msg::LoginId
                value=login_id
                autocomplete="username"
                required=true
            />
            <TextField
                id="join-password"
                label=Msg::Password
                value=password
                input_type="password"
                autocomplete="new-password"
                described_by="join-password-hint"
                required=true
            />
            <p class="field__hint" id="join-password-hint">
                {move || i18n.t(Msg::PasswordHint)}
            </p>
            <TextField
                id="join-password-confirm"
                label=Msg::PasswordConfirm
                value=confirm
                input_type="password"
                autocomplete="new-password"
                required=true
            />
            <button
                type="submit"
                class="button button--primary login__submit"
                disabled=move || pending.get()
            >
                {move || i18n.t(Msg::Join)}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_checked_before_sending() {
        assert_eq!(
            check_join_form("山田 太郎", "yamada.taro", "short", "short"),
            Err(JoinFormError::Code(ErrorCode::PasswordTooWeak))
        );
        assert_eq!(
            check_join_form("", "yamada.taro", "yamada-family-01", "yamada-family-01"),
            Err(JoinFormError::Code(ErrorCode::FieldRequired))
        );
        assert_eq!(
            check_join_form(
                "山田 太郎",
                "yamada.taro",
                "yamada-family-01",
                "yamada-family-02"
            ),
            Err(JoinFormError::Mismatch)
        );
        assert_eq!(
            check_join_form(
                "山田 太郎",
                "yamada.taro",
                "yamada-family-01",
                "yamada-family-01"
            ),
            Ok(())
        );
    }
}
