//! Rules of what a facility's application and a new staff account must hold: the app checks
//! them before sending (and names the field), the server again before writing.

use crate::{
    ApplicationForm, ErrorCode, NewStaff, Profession, MAX_APPLICATION_TEXT_CHARS, MAX_NAME_CHARS,
};

/// Longest login ID.
pub const MAX_LOGIN_ID_CHARS: usize = 64;
/// Shortest login ID a facility's staff may get.
pub const MIN_LOGIN_ID_CHARS: usize = 3;

/// A field and why it is refused.
pub type FieldRefusal = (&'static str, ErrorCode);

/// Trims every text field and folds kana readings to hiragana (how names sort and search),
/// then checks the application; the first refused field is named.
pub fn normalise_application(form: &mut ApplicationForm) -> Result<(), FieldRefusal> {
    trim(&mut form.facility_name);
    trim(&mut form.address);
    trim(&mut form.representative_name);
    trim(&mut form.login_id);
    trim(&mut form.phone);
    trim(&mut form.email);
    form.facility_name_kana = reading(&form.facility_name_kana);
    form.representative_name_kana = reading(&form.representative_name_kana);
    name("facility_name", &form.facility_name)?;
    kana("facility_name_kana", &form.facility_name_kana)?;
    text("address", &form.address, MAX_APPLICATION_TEXT_CHARS)?;
    name("representative_name", &form.representative_name)?;
    kana("representative_name_kana", &form.representative_name_kana)?;
    professional("representative_profession", form.representative_profession)?;
    login_id("login_id", &form.login_id)?;
    phone("phone", &form.phone)?;
    email("email", &form.email)
}

/// Trims and checks a new staff account, as [`normalise_application`] does.
pub fn normalise_staff(staff: &mut NewStaff) -> Result<(), FieldRefusal> {
    trim(&mut staff.display_name);
    trim(&mut staff.login_id);
    staff.display_name_kana = reading(&staff.display_name_kana);
    name("display_name", &staff.display_name)?;
    kana("display_name_kana", &staff.display_name_kana)?;
    professional("profession", staff.profession)?;
    login_id("login_id", &staff.login_id)
}

/// Checks a login ID: 3–64 visible ASCII characters without spaces, so it can be typed on any
/// keyboard and read out over the phone.
pub fn login_id(field: &'static str, id: &str) -> Result<(), FieldRefusal> {
    if id.is_empty() {
        return Err((field, ErrorCode::FieldRequired));
    }
    if id.chars().count() > MAX_LOGIN_ID_CHARS {
        return Err((field, ErrorCode::FieldTooLong));
    }
    if id.len() < MIN_LOGIN_ID_CHARS || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err((field, ErrorCode::FieldInvalid));
    }
    Ok(())
}

fn trim(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_owned();
    }
}

/// A kana reading as stored: trimmed, katakana folded to hiragana.
fn reading(s: &str) -> String {
    crate::kana::katakana_to_hiragana(s.trim())
}

fn text(field: &'static str, s: &str, max: usize) -> Result<(), FieldRefusal> {
    if s.is_empty() {
        Err((field, ErrorCode::FieldRequired))
    } else if s.chars().count() > max {
        Err((field, ErrorCode::FieldTooLong))
    } else {
        Ok(())
    }
}

fn name(field: &'static str, s: &str) -> Result<(), FieldRefusal> {
    text(field, s, MAX_NAME_CHARS)
}

/// Hiragana (after folding), the prolonged sound mark, middle dot and spaces only.
fn kana(field: &'static str, s: &str) -> Result<(), FieldRefusal> {
    text(field, s, MAX_NAME_CHARS)?;
    let ok = s.chars().all(|c| {
        matches!(
            c,
            '\u{3041}'..='\u{3096}' | 'ー' | '・' | '゛' | '゜' | ' ' | '\u{3000}'
        )
    });
    if ok {
        Ok(())
    } else {
        Err((field, ErrorCode::FieldInvalid))
    }
}

fn professional(field: &'static str, p: Profession) -> Result<(), FieldRefusal> {
    if p == Profession::Family {
        Err((field, ErrorCode::FieldInvalid))
    } else {
        Ok(())
    }
}

/// Digits with the usual separators, 10–11 digits as Japanese numbers have (or more with a
/// country code).
fn phone(field: &'static str, s: &str) -> Result<(), FieldRefusal> {
    text(field, s, 30)?;
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let separators_only = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')' | ' '));
    if separators_only && (10..=15).contains(&digits) {
        Ok(())
    } else {
        Err((field, ErrorCode::FieldInvalid))
    }
}

/// One `@` with something on both sides and a dot in the domain: enough to catch a typo, no
/// more (the operator writes to it).
fn email(field: &'static str, s: &str) -> Result<(), FieldRefusal> {
    text(field, s, 254)?;
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err((field, ErrorCode::FieldInvalid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FacilityKind;

    fn form() -> ApplicationForm {
        ApplicationForm {
            facility_name: " みなと訪問看護ステーション ".into(),
            facility_name_kana: "ミナトホウモンカンゴステーション".into(),
            facility_kind: FacilityKind::HomeNursingStation,
            address: "東京都港区1-2-3".into(),
            representative_name: "港 花子".into(),
            representative_name_kana: "みなと はなこ".into(),
            representative_profession: Profession::Nurse,
            login_id: "minato.hanako".into(),
            phone: "03-1234-5678".into(),
            email: "office@minato.example.jp".into(),
            pledge_version: 1,
        }
    }

    #[test]
    fn a_complete_application_is_trimmed_and_its_readings_folded() {
        let mut f = form();
        assert_eq!(normalise_application(&mut f), Ok(()));
        assert_eq!(f.facility_name, "みなと訪問看護ステーション");
        assert_eq!(f.facility_name_kana, "みなとほうもんかんごすてーしょん");
    }

    #[test]
    fn each_field_is_checked() {
        type Change = fn(&mut ApplicationForm);
        let cases: Vec<(Change, FieldRefusal)> = vec![
            (
                |f| f.facility_name = "  ".into(),
                ("facility_name", ErrorCode::FieldRequired),
            ),
            (
                |f| f.facility_name_kana = "Minato".into(),
                ("facility_name_kana", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.address = "あ".repeat(501),
                ("address", ErrorCode::FieldTooLong),
            ),
            (
                |f| f.representative_profession = Profession::Family,
                ("representative_profession", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.login_id = "花子".into(),
                ("login_id", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.login_id = "ab".into(),
                ("login_id", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.login_id = "a b c".into(),
                ("login_id", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.phone = "0312".into(),
                ("phone", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.phone = "03-1234-5678 内線2".into(),
                ("phone", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.email = "office.minato.example.jp".into(),
                ("email", ErrorCode::FieldInvalid),
            ),
            (
                |f| f.email = "office@localhost".into(),
                ("email", ErrorCode::FieldInvalid),
            ),
        ];
        for (change, expected) in cases {
            let mut f = form();
            change(&mut f);
            assert_eq!(normalise_application(&mut f), Err(expected));
        }
    }

    #[test]
    fn staff_needs_a_professional_with_a_kana_reading() {
        let mut s = NewStaff {
            display_name: "訪問 太郎".into(),
            display_name_kana: "ホウモン タロウ".into(),
            profession: Profession::Nurse,
            login_id: "houmon.taro".into(),
        };
        assert_eq!(normalise_staff(&mut s), Ok(()));
        assert_eq!(s.display_name_kana, "ほうもん たろう");
        s.profession = Profession::Family;
        assert_eq!(
            normalise_staff(&mut s),
            Err(("profession", ErrorCode::FieldInvalid))
        );
    }
}
