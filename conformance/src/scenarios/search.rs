//! Search finds only what the caller may read.

use tsunagu_api::{ErrorCode, SearchPage};
use uuid::Uuid;

use super::{create_post, create_workplace};
use crate::client::{Check, Ctx};
use crate::ensure;

pub(super) async fn search_finds_only_what_the_caller_may_read(ctx: &Ctx) -> Check {
    if !ctx.has_capability("search").await? {
        // Optional capability: checked only when the backend claims it.
        return Ok(());
    }
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    let marker = format!("検索適合{}", &Uuid::now_v7().simple().to_string()[20..]);
    let post = create_post(
        ctx,
        &member.token,
        group.id,
        &format!("{marker} の連絡：褥瘡の処置を変更"),
    )
    .await?;
    let search = |token: String, q: String, group: Option<Uuid>| async move {
        let group = group.map(|g| g.to_string());
        let mut params = vec![("q", q.as_str())];
        if let Some(g) = &group {
            params.push(("group_id", g.as_str()));
        }
        ctx.get("/search")
            .bearer(&token)
            .query(&params)
            .send()
            .await
    };
    let page: SearchPage = search(member.token.clone(), marker.clone(), None)
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().map(|h| h.post.id).collect::<Vec<_>>() == [post.id],
        "the member's search for a unique text: {:?}",
        page.items.iter().map(|h| h.post.id).collect::<Vec<_>>()
    );
    ensure!(page.items[0].group_id == group.id, "hit group_id");
    // Width and case don't matter: the marker's hex digits typed full-width and upper case.
    let wide: String = marker
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => {
                char::from_u32(c.to_ascii_uppercase() as u32 + 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect();
    let page: SearchPage = search(member.token.clone(), wide.clone(), None)
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().any(|h| h.post.id == post.id),
        "a search for {wide:?} (full-width, upper case) missed {marker:?}"
    );
    // Two characters (a common length for Japanese words), limited to the group.
    let page: SearchPage = search(member.token.clone(), "褥瘡".into(), Some(group.id))
        .await?
        .expect_status(200)?
        .decode()?;
    ensure!(
        page.items.iter().any(|h| h.post.id == post.id),
        "2-character search missed the post"
    );
    for q in [marker.clone(), "褥瘡".to_owned()] {
        let page: SearchPage = search(outsider.token.clone(), q.clone(), None)
            .await?
            .expect_status(200)?
            .decode()?;
        ensure!(
            !page
                .items
                .iter()
                .any(|h| h.post.id == post.id || h.group_id == group.id),
            "an outsider found a post of a group they are not in ({q})"
        );
    }
    search(outsider.token.clone(), "褥瘡".into(), Some(group.id))
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    search(member.token.clone(), "   ".into(), None)
        .await?
        .expect_problem(422, ErrorCode::FieldInvalid)?;
    Ok(())
}
