//! The directory finds professionals by name and by kana reading.

use tsunagu_api::{DirectoryPage, ErrorCode};

use crate::client::{Check, Ctx};
use crate::ensure;

/// Hiragana to katakana, to check the server folds katakana queries.
fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

pub(super) async fn directory_finds_people_by_name_and_kana(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let me = &member.user;
    let kana_word = me
        .display_name_kana
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let name_word = me
        .display_name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    for q in [name_word, kana_word.clone(), to_katakana(&kana_word)] {
        // The URL parser percent-encodes the Japanese query.
        let reply = ctx
            .get(&format!("/directory/people?q={q}"))
            .bearer(&outsider.token)
            .send()
            .await?;
        reply.expect_status(200)?;
        let page: DirectoryPage = reply.decode()?;
        ensure!(
            page.items.iter().any(|p| p.id == me.id),
            "searching {q:?} does not find {}",
            me.display_name
        );
    }
    ctx.get("/directory/people")
        .send()
        .await?
        .expect_problem(401, ErrorCode::Unauthenticated)?;
    Ok(())
}
