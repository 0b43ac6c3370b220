//! A refused field of an onboarding form, named in words: "<label>: <reason>".

use tsunagu_api::ErrorCode;

use crate::i18n::{error_text, Locale, Msg};

/// The label of a field of the application, activation or staff forms, by its wire name.
pub fn field_label(field: &str) -> Msg {
    match field {
        "facility_name" => Msg::FacilityName,
        "facility_name_kana" => Msg::FacilityNameKana,
        "address" => Msg::Address,
        "representative_name" => Msg::RepresentativeName,
        "representative_name_kana" | "display_name_kana" => Msg::NameKana,
        "representative_profession" | "profession" => Msg::Profession,
        "login_id" => Msg::LoginId,
        "phone" => Msg::Phone,
        "email" => Msg::Email,
        "display_name" => Msg::DisplayName,
        "password" => Msg::Password,
        _ => Msg::FieldProblem,
    }
}

/// "<label>: <reason>" for a field the form's rules refused.
pub fn problem_text(field: &str, code: ErrorCode, locale: Locale) -> String {
    format!(
        "{}: {}",
        field_label(field).text(locale),
        error_text(code, locale)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_field() {
        assert_eq!(
            problem_text("email", ErrorCode::FieldInvalid, Locale::Ja),
            "メールアドレス: 入力の形式が正しくありません。"
        );
        assert_eq!(field_label("no_such_field"), Msg::FieldProblem);
    }
}
